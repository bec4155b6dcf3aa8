import type { Generated } from 'kysely';

export interface SessionRow {
  tokenHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface ApiKeyRow {
  id: Generated<number>;
  name: string;
  keyHash: string;
  prefix: string;
  role: string;
  regionId: string;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface LoginThrottleRow {
  address: string;
  failures: number;
  lastFailureAt: number;
}

export interface AuthTables {
  session: SessionRow;
  apiKey: ApiKeyRow;
  loginThrottle: LoginThrottleRow;
}
