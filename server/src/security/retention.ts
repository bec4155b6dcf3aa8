import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../http/deps.ts';
import { appendAudit } from '../audit/repository.ts';
import type { BackgroundLoop } from '../background.ts';
import { ERASED, ERASED_INDEX_PREFIX } from './erasure.ts';
import { presentTables } from './reencrypt.ts';
import { loadSecuritySettings } from './settings.ts';

const DAY_MS = 86_400_000;
/** How often the job runs: once a day (and at the first pass after a start if a day has gone by). */
export const RETENTION_INTERVAL_MS = DAY_MS;
export const RETENTION_ACTION = 'retention.personal_data_erased';

/** Phone-number-like runs in free text (the description): 7–15 digits, optional +, separators allowed. */
const PHONE_IN_TEXT = /\+?\d(?:[\s-]?\d){6,14}/g;

export interface RetentionResult { erased: number; cutoff: number; retentionDays: number }

/**
 * Erases the personal data of tickets closed more than `retentionDays` ago (issue 9): the phone
 * number and name ciphertexts become the erased marker, the blind index a random value (so the
 * customer can no longer be found or linked, even between erased tickets), phone-like numbers
 * in the description are blanked, and TMF621 related parties dropped. Everything statistics
 * use — category, region, times, clocks, grade, the stored repeat flag, KPI aggregates — stays,
 * so reports do not change. Batches of `batch` tickets, one transaction each; erasing twice
 * is harmless. One audit entry per run, with the count.
 */
export async function erasePersonalData(deps: Deps, retentionDays: number, opts: { batch?: number } = {}): Promise<RetentionResult> {
  const k = deps.db.kysely;
  const now = deps.clock.now();
  const cutoff = now - retentionDays * DAY_MS;
  const batch = opts.batch ?? 200;
  const hasTmf = (await presentTables(deps.db)).some((t) => t.table === 'tmf_ticket');
  let erased = 0;
  let lastId = 0;
  for (;;) {
    // no index on closed_at: a daily scan of the ticket table is cheap next to a migration for it
    const rows = await k.selectFrom('ticket').select(['id', 'customerMsisdnEnc', 'customerNameEnc', 'description', 'version'])
      .where('closedAt', 'is not', null).where('closedAt', '<', cutoff).where('customerMsisdnEnc', '<>', ERASED).where('id', '>', lastId)
      .orderBy('id').limit(batch).execute();
    if (rows.length === 0) break;
    await deps.db.write(async (trx) => {
      for (const r of rows) {
        const u = await trx.updateTable('ticket').set({
          customerMsisdnEnc: ERASED,
          customerNameEnc: r.customerNameEnc == null ? null : ERASED,
          customerKey: ERASED_INDEX_PREFIX + randomBytes(16).toString('hex'),
          description: r.description.replace(PHONE_IN_TEXT, '[erased]'),
          version: r.version + 1,
          updatedAt: now,
        }).where('id', '=', r.id).where('customerMsisdnEnc', '=', r.customerMsisdnEnc).executeTakeFirst();
        if (Number(u.numUpdatedRows) === 1) erased++;
      }
      if (hasTmf) await sql`update tmf_ticket set related_party = null where ticket_id in (${sql.join(rows.map((r) => r.id))})`.execute(trx);
    });
    lastId = rows[rows.length - 1].id;
  }
  await deps.db.write((trx) => appendAudit(trx, deps.db.engine, {
    at: now, actor: 'system:retention', action: RETENTION_ACTION, target: 'ticket',
    details: { erased, retentionDays, closedBefore: new Date(cutoff).toISOString() },
  }));
  return { erased, cutoff, retentionDays };
}

/** When the job last ran (its audit entry), in any process. */
async function lastRunAt(deps: Deps): Promise<number | null> {
  const r = await deps.db.kysely.selectFrom('auditLog').select('at').where('action', '=', RETENTION_ACTION).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r?.at ?? null;
}

/**
 * The background loop: once a day, judged by the last run's audit entry so that a restart does
 * not run it again and several processes mostly take turns (two running at the same moment is
 * harmless: the second finds nothing left). Off with NETCARE_RETENTION_DAYS=off.
 */
export function retentionLoop(retentionDays: () => number | null = () => loadSecuritySettings().retentionDays): BackgroundLoop {
  let days: number | null | undefined;
  return {
    name: 'retention',
    async tick(deps: Deps): Promise<number> {
      days ??= retentionDays();
      if (days == null) return 6 * 3600_000;
      const last = await lastRunAt(deps);
      const now = deps.clock.now();
      if (last != null && now - last < RETENTION_INTERVAL_MS) return Math.min(3600_000, last + RETENTION_INTERVAL_MS - now);
      await erasePersonalData(deps, days);
      return 3600_000;
    },
  };
}
