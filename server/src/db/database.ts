import type { OrgTables } from '../org/tables.ts';
import type { AuthTables } from '../auth/tables.ts';
import type { AuditTables } from '../audit/tables.ts';
import type { NetworkTables } from '../network/tables.ts';
import type { TicketTables } from '../tickets/tables.ts';
import type { HotspotTables } from '../hotspots/tables.ts';
import type { ProblemTables } from '../problems/tables.ts';
import type { KpiTables } from '../kpis/tables.ts';
import type { OutboxTables } from '../outbox/tables.ts';
import type { WebhookTables } from '../webhooks/tables.ts';
import type { Tmf621Tables } from '../tmf621/tables.ts';

/**
 * Every table, as Kysely sees it (camelCase; the CamelCasePlugin maps to snake_case columns).
 * Each domain declares its own tables next to its repository and adds them here.
 */
export interface Database extends OrgTables, AuthTables, AuditTables, TicketTables, NetworkTables, HotspotTables, ProblemTables, KpiTables,
  OutboxTables, WebhookTables, Tmf621Tables {}
