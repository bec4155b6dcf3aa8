import type { Q } from '../db/types.ts';

/** A repeat: the same customer had a ticket of the same category reported in the 30 days before (DESIGN §7). */
export const REPEAT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** Whether a ticket reported at `reportedAt` is a repeat (ties on the exact time: the lower id came first). */
export async function isRepeat(trx: Q, customerKey: string, categoryId: string, reportedAt: number, selfId: number | null): Promise<boolean> {
  let q = trx.selectFrom('ticket').select('id')
    .where('customerKey', '=', customerKey).where('categoryId', '=', categoryId)
    .where('reportedAt', '>=', reportedAt - REPEAT_WINDOW_MS).where('reportedAt', '<=', reportedAt);
  if (selfId != null) q = q.where('id', '!=', selfId);
  const rows = await q.select('reportedAt').limit(50).execute();
  return rows.some((r) => r.reportedAt < reportedAt || (selfId != null && r.id < selfId) || selfId == null);
}

/**
 * Tickets of the same customer and category reported in the 30 days after this one that were not
 * yet repeats: a late-arriving earlier ticket makes them repeats (order independence, DESIGN §11).
 */
export async function laterNonRepeats(trx: Q, customerKey: string, categoryId: string, reportedAt: number, selfId: number): Promise<number[]> {
  const rows = await trx.selectFrom('ticket').select(['id', 'reportedAt'])
    .where('customerKey', '=', customerKey).where('categoryId', '=', categoryId)
    .where('reportedAt', '>=', reportedAt).where('reportedAt', '<=', reportedAt + REPEAT_WINDOW_MS)
    .where('isRepeat', '=', 0).where('id', '!=', selfId).execute();
  return rows.filter((r) => r.reportedAt > reportedAt || r.id > selfId).map((r) => r.id);
}
