import { regionInScope } from '../access/actor.ts';
import { appendAudit } from '../audit/repository.ts';
import { NETWORKS } from '../shared/network.ts';
import { csvRecords } from './csv.ts';
import { chunks } from './cells-repository.ts';
import { existingSubscriberKeys, subscriberKey, upsertSubscriberCounts, type SubscriberCount } from './subscribers-repository.ts';
import type { Ctx, ImportInput, ImportOptions } from './import-cells.ts';

export interface SubscriberRejection { row: number; region: string | null; reason: string }
export interface SubscriberImportResult { created: number; updated: number; rejected: SubscriberRejection[] }

export const SUBSCRIBER_CSV_COLUMNS = ['region', 'network', 'month', 'count'] as const;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Imports subscriber counts per region, network and month (DESIGN §2, §11): upsert, so a re-import
 * replaces the counts. Rows with an unknown or out-of-scope region, a bad network, a malformed month,
 * a count that is not a whole number ≥ 0, or a key repeated in the file are rejected with a reason.
 */
export async function importSubscribers(c: Ctx, input: ImportInput, opts: ImportOptions = {}): Promise<SubscriberImportResult> {
  const db = c.deps.db.kysely;
  const now = c.deps.clock.now();
  const raw: { row: number; value: Record<string, unknown> | null; error: string | null }[] = 'csv' in input
    ? csvRecords(input.csv, SUBSCRIBER_CSV_COLUMNS).map((r, i) => ({ row: i + 1, value: r.record, error: r.error }))
    : input.rows.map((r, i) => ({ row: i + 1, value: r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : null, error: r && typeof r === 'object' ? null : 'the row is not an object' }));
  const regions = new Set((await db.selectFrom('region').select('id').execute()).map((r) => r.id));
  const rejected: SubscriberRejection[] = [];
  const good: (SubscriberCount & { row: number })[] = [];
  const firstRow = new Map<string, number>();
  for (const r of raw) {
    const o = r.value;
    const region = typeof o?.region === 'string' ? o.region.trim() : null;
    const reject = (reason: string) => rejected.push({ row: r.row, region: region || null, reason });
    if (!o) { reject(r.error ?? 'the row is not an object'); continue; }
    if (!('csv' in input)) {
      const unknown = Object.keys(o).filter((k) => !(SUBSCRIBER_CSV_COLUMNS as readonly string[]).includes(k));
      if (unknown.length) { reject(`unknown field(s) ${unknown.join(', ')}`); continue; }
    }
    const network = typeof o.network === 'string' ? o.network.trim() : '';
    const month = typeof o.month === 'string' ? o.month.trim() : '';
    const count = typeof o.count === 'number' ? o.count : typeof o.count === 'string' && o.count.trim() !== '' ? Number(o.count) : NaN;
    if (!region) { reject('region is missing'); continue; }
    if (!regions.has(region)) { reject(`region ${region} does not exist`); continue; }
    if (!regionInScope(c.actor, region)) { reject(`region ${region} is outside your scope`); continue; }
    if (!(NETWORKS as readonly string[]).includes(network)) { reject(`network ${network || '(missing)'} is not one of ${NETWORKS.join(', ')}`); continue; }
    if (!MONTH.test(month)) { reject(`month ${month || '(missing)'} is not YYYY-MM`); continue; }
    if (!Number.isSafeInteger(count) || count < 0) { reject('count must be a whole number ≥ 0'); continue; }
    const key = subscriberKey({ regionId: region, network, month });
    const first = firstRow.get(key);
    if (first) { reject(`${region} ${network} ${month} appears again (first at row ${first})`); continue; }
    firstRow.set(key, r.row);
    good.push({ row: r.row, regionId: region, network, month, count });
  }
  const existing = await existingSubscriberKeys(db, good);
  let created = 0, updated = 0, done = rejected.length;
  for (const part of chunks(good, opts.chunkSize ?? 1000)) {
    await db.transaction().execute((trx) => upsertSubscriberCounts(trx, part.map(({ row: _row, ...r }) => r), now));
    for (const r of part) if (existing.has(subscriberKey(r))) updated++; else created++;
    done += part.length;
    opts.onProgress?.(done, raw.length);
  }
  await db.transaction().execute((trx) => appendAudit(trx, c.deps.db.engine, {
    at: now, actor: c.actor.name, action: 'import.subscribers', target: 'subscribers', regionId: c.actor.regionId || null, address: c.address,
    details: { via: opts.via ?? 'api', rows: raw.length, created, updated, rejected: rejected.length },
  }));
  return { created, updated, rejected };
}
