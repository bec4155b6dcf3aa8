import type { Q } from '../db/types.ts';
import { chunks } from './cells-repository.ts';

export interface SubscriberCount { regionId: string; network: string; month: string; count: number }

/** Inserts or replaces counts by region, network and month. */
export async function upsertSubscriberCounts(db: Q, rows: readonly SubscriberCount[], now: number): Promise<void> {
  for (const part of chunks(rows, 500)) {
    await db.insertInto('subscriberCount').values(part.map((r) => ({ ...r, updatedAt: now })))
      .onConflict((oc) => oc.columns(['regionId', 'network', 'month']).doUpdateSet((eb) => ({ count: eb.ref('excluded.count'), updatedAt: eb.ref('excluded.updatedAt') })))
      .execute();
  }
}

/**
 * Subscriber counts in months [fromMonth, toMonth] (inclusive, `YYYY-MM`), optionally for some
 * regions and networks: the denominators of complaint rates (DESIGN §7).
 */
export async function subscriberCounts(db: Q, f: { fromMonth: string; toMonth: string; regionIds?: readonly string[]; networks?: readonly string[] }): Promise<SubscriberCount[]> {
  let q = db.selectFrom('subscriberCount').select(['regionId', 'network', 'month', 'count'])
    .where('month', '>=', f.fromMonth).where('month', '<=', f.toMonth).orderBy('month').orderBy('regionId').orderBy('network');
  if (f.regionIds) q = q.where('regionId', 'in', f.regionIds.length ? [...f.regionIds] : ['']);
  if (f.networks) q = q.where('network', 'in', f.networks.length ? [...f.networks] : ['']);
  return q.execute();
}

/** Which of these (region, network, month) keys are stored already. */
export async function existingSubscriberKeys(db: Q, rows: readonly SubscriberCount[]): Promise<Set<string>> {
  const out = new Set<string>();
  const months = [...new Set(rows.map((r) => r.month))];
  for (const part of chunks(months)) {
    for (const r of await db.selectFrom('subscriberCount').select(['regionId', 'network', 'month']).where('month', 'in', part).execute()) {
      out.add(subscriberKey(r));
    }
  }
  return out;
}

export const subscriberKey = (r: { regionId: string; network: string; month: string }) => `${r.regionId}|${r.network}|${r.month}`;
