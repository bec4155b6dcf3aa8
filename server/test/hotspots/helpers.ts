import type { Db } from '../../src/db/connect.ts';
import type { Deps } from '../../src/http/deps.ts';
import { systemActor, type Actor } from '../../src/access/actor.ts';
import { insertTicket } from '../../src/tickets/intake.ts';
import type { Q } from '../../src/db/types.ts';

export const MIN = 60_000;
/** A fixed morning the hotspot tests report complaints in (the test clock runs a few days later). */
export const T0 = Date.parse('2026-03-02T08:00:00+08:00');
export const iso = (ms: number) => new Date(ms).toISOString();

/** Cells (direct inserts: the network domain's import is tested there) and symmetric neighbour pairs. */
export async function seedCells(db: Db, cells: { id: string; region?: string; lon?: number; lat?: number }[], pairs: [string, string][] = []): Promise<void> {
  const k = db.kysely;
  for (const c of cells) {
    await k.insertInto('cell').values({
      id: c.id, siteId: c.id.replace(/-\d+$/, ''), name: `小区 ${c.id}`, regionId: c.region ?? 'hz', network: 'LTE',
      lon: c.lon ?? 120.1 + Math.random() * 0.1, lat: c.lat ?? 30.2 + Math.random() * 0.1, gridKey: 0, updatedAt: 0,
    }).execute();
  }
  for (const [a, b] of pairs) await k.insertInto('cellNeighbour').values([{ cellId: a, neighbourId: b }, { cellId: b, neighbourId: a }]).execute();
}

let phone = 13700000000;
/** A fresh phone number, so tickets are never repeats of each other. */
export const nextMsisdn = () => String(++phone);

export interface Spec { cell?: string; at: number; category?: string; label?: string; address?: string; region?: string }

/** Intake fields of a complaint at a cell at a time (in the past). */
export function intakeOf(s: Spec) {
  return {
    channel: 'hotline', customer: { msisdn: nextMsisdn() }, category: s.category ?? 'network.call_drop',
    ...(s.cell ? { cellId: s.cell } : { network: 'LTE', region: s.region ?? 'hz', address: s.address ?? '杭州市西湖区文三路 100 号' }),
    reportedAt: iso(s.at), description: s.label ?? 'complaint',
  };
}

/** Stores complaints through intake (insertTicket), each in its own transaction unless `oneTransaction` (one import chunk). */
export async function put(deps: Deps, specs: Spec[], opts: { oneTransaction?: boolean; actor?: Actor } = {}): Promise<number[]> {
  const actor = opts.actor ?? systemActor('import');
  const now = deps.clock.now();
  const ids: number[] = [];
  const one = async (trx: Q, s: Spec) => ids.push((await insertTicket(trx, deps, actor, intakeOf(s), now)).id);
  if (opts.oneTransaction) {
    await deps.db.kysely.transaction().execute(async (trx) => { for (const s of specs) await one(trx, s); });
  } else {
    for (const s of specs) await deps.db.kysely.transaction().execute((trx) => one(trx, s));
  }
  return ids;
}

/** The groups among these tickets: sorted lists of labels (description) or ids, sorted. */
export async function groupsOf(db: Db, ids: number[], by: 'id' | 'label' = 'id'): Promise<(number | string)[][]> {
  if (ids.length === 0) return [];
  const rows = await db.kysely.selectFrom('ticket').select(['id', 'hotspotId', 'description']).where('id', 'in', ids).execute();
  const groups = new Map<number, (number | string)[]>();
  for (const r of rows) {
    if (r.hotspotId == null) continue;
    const key = by === 'id' ? r.id : r.description;
    const g = groups.get(Number(r.hotspotId));
    if (g) g.push(key); else groups.set(Number(r.hotspotId), [key]);
  }
  const cmp = (a: number | string, b: number | string) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
  return [...groups.values()].map((g) => g.sort(cmp)).sort((a, b) => cmp(a[0], b[0]));
}

/** The hotspot id of each ticket. */
export async function hotspotIds(db: Db, ids: number[]): Promise<(number | null)[]> {
  const rows = await db.kysely.selectFrom('ticket').select(['id', 'hotspotId']).where('id', 'in', ids).execute();
  const by = new Map(rows.map((r) => [r.id, r.hotspotId == null ? null : Number(r.hotspotId)]));
  return ids.map((id) => by.get(id) ?? null);
}

/** A small deterministic random source (mulberry32), so a failing permutation can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy. */
export function shuffled<T>(xs: readonly T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [a[i], a[k]] = [a[k], a[i]];
  }
  return a;
}
