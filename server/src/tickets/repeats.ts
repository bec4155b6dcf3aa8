import type { Q } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';

/** A repeat: the same customer had a ticket of the same category reported in the 30 days before (DESIGN §7). */
export const REPEAT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/** Whether a ticket reported at `reportedAt` is a repeat (ties on the exact time: the lower id came first). */
export async function isRepeat(trx: Q, customerKey: string, categoryId: string, reportedAt: number, selfId: number | null): Promise<boolean> {
  const p = { customerKey, categoryId, from: reportedAt - REPEAT_WINDOW_MS, to: reportedAt };
  const rows = selfId == null ? await earlierOf.all(trx, p) : await earlierOfOther.all(trx, { ...p, selfId });
  return rows.some((r) => r.reportedAt < reportedAt || (selfId != null && r.id < selfId) || selfId == null);
}

// asked at every intake: compiled once (db/prepared.ts)
type Window = { customerKey: string; categoryId: string; from: number; to: number };
const earlierOf = prepared((q, p: Window) => q.selectFrom('ticket').select(['id', 'reportedAt'])
  .where('customerKey', '=', p.customerKey).where('categoryId', '=', p.categoryId)
  .where('reportedAt', '>=', p.from).where('reportedAt', '<=', p.to).limit(50));
const earlierOfOther = prepared((q, p: Window & { selfId: number }) => q.selectFrom('ticket').select(['id', 'reportedAt'])
  .where('customerKey', '=', p.customerKey).where('categoryId', '=', p.categoryId)
  .where('reportedAt', '>=', p.from).where('reportedAt', '<=', p.to).where('id', '!=', p.selfId).limit(50));
const laterOf = prepared((q, p: Window & { selfId: number }) => q.selectFrom('ticket').select(['id', 'reportedAt'])
  .where('customerKey', '=', p.customerKey).where('categoryId', '=', p.categoryId)
  .where('reportedAt', '>=', p.from).where('reportedAt', '<=', p.to)
  .where('isRepeat', '=', 0).where('id', '!=', p.selfId));

/**
 * Tickets of the same customer and category reported in the 30 days after this one that were not
 * yet repeats: a late-arriving earlier ticket makes them repeats (order independence, DESIGN §11).
 */
export async function laterNonRepeats(trx: Q, customerKey: string, categoryId: string, reportedAt: number, selfId: number): Promise<number[]> {
  const rows = await laterOf.all(trx, { customerKey, categoryId, from: reportedAt, to: reportedAt + REPEAT_WINDOW_MS, selfId });
  return rows.filter((r) => r.reportedAt > reportedAt || r.id > selfId).map((r) => r.id);
}
