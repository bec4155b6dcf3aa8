import type { Generated } from 'kysely';

export interface AuditRow {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  regionId: string | null;
  address: string | null;
  details: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditTables {
  auditLog: AuditRow;
}
