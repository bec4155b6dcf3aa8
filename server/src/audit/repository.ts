import { sql } from 'kysely';
import type { Engine } from '../db/connect.ts';
import type { Q } from '../db/types.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Actor } from '../access/actor.ts';

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  target?: string | null;
  regionId?: string | null;
  address?: string | null;
  details?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hash of one entry: covers its fields and the previous hash, so any edit breaks the chain. */
export function entryHash(prevHash: string, e: { at: number; actor: string; action: string; target: string | null; regionId: string | null; address: string | null; details: string | null }): string {
  return sha256([prevHash, e.at, e.actor, e.action, e.target ?? '', e.regionId ?? '', e.address ?? '', e.details ?? ''].join('\u001f'));
}

/**
 * Appends one audit entry, chained to the last one. Call inside the transaction that makes
 * the change, so the change and its record commit together. On PostgreSQL a transaction-level
 * advisory lock serialises appenders so the chain never forks.
 */
export async function appendAudit(trx: Q, engine: Engine, entry: AuditEntry): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(4242002)`.execute(trx);
  const last = await trx.selectFrom('auditLog').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const row = {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    regionId: entry.regionId ?? null,
    address: entry.address ?? null,
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await trx.insertInto('auditLog').values({ ...row, prevHash, hash: entryHash(prevHash, row) }).execute();
}

/** Who an actor is, in the audit trail's words. */
export const auditName = (a: Actor): string => a.name;

/** Walks the chain in id order; returns the first broken entry, or null when intact. */
export async function verifyAuditChain(db: Q, onProgress?: (checked: number) => void): Promise<{ checked: number; brokenAt: number | null; reason?: string }> {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('auditLog').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute();
    if (rows.length === 0) return { checked, brokenAt: null };
    for (const r of rows) {
      if (r.prevHash !== prev) return { checked, brokenAt: r.id, reason: 'previous-hash link does not match the entry before it' };
      if (entryHash(prev, r) !== r.hash) return { checked, brokenAt: r.id, reason: 'entry content does not match its hash' };
      prev = r.hash;
      lastId = r.id;
      checked++;
    }
    onProgress?.(checked);
  }
}
