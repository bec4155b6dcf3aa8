/**
 * KPI targets per region and scorecard weights (issue 5): settings admins edit, every change in
 * the audit trail. A region without its own target for a KPI takes its nearest ancestor's, then
 * the `*` default.
 */
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import { errors } from '../errors.ts';
import { appendAudit } from '../audit/repository.ts';
import { regionTree, type RegionTree } from '../org/region-tree.ts';
import { KPIS, KPI_NAMES, type KpiName } from './catalogue.ts';

export const ALL_REGIONS = '*';

export interface Target { kpi: KpiName; region: string; value: number; better: 'higher' | 'lower'; updatedBy: string; updatedAt: number }
export interface Weight { kpi: KpiName; points: number; updatedBy: string; updatedAt: number }

const isKpi = (k: string): k is KpiName => (KPI_NAMES as string[]).includes(k);

/** Every stored target (they are few: KPIs × regions). */
export async function allTargets(db: Q): Promise<Target[]> {
  const rows = await db.selectFrom('kpiTarget').selectAll().orderBy('kpi').orderBy('regionId').execute();
  return rows.filter((r) => isKpi(r.kpi)).map((r) => ({
    kpi: r.kpi as KpiName, region: r.regionId, value: Number(r.value), better: KPIS[r.kpi as KpiName].better, updatedBy: r.updatedBy, updatedAt: Number(r.updatedAt),
  }));
}

/** The targets a region works to: its own, else its nearest ancestor's, else `*`. */
export function targetsFor(targets: readonly Target[], regionId: string | null, tree: RegionTree): Map<KpiName, Target> {
  const chain: string[] = [];
  for (let at: string | null = regionId; at; at = tree.parentOf.get(at) ?? null) {
    chain.push(at);
    if (chain.length > 16) break;
  }
  chain.push(ALL_REGIONS);
  const out = new Map<KpiName, Target>();
  for (const kpi of KPI_NAMES) {
    for (const r of chain) {
      const t = targets.find((x) => x.kpi === kpi && x.region === r);
      if (t) { out.set(kpi, t); break; }
    }
  }
  return out;
}

/** Whether a value meets a target in the KPI's better direction (≥ for rates, ≤ for complaint and repeat rates). */
export function meets(kpi: KpiName, value: number, target: number): boolean {
  return KPIS[kpi].better === 'higher' ? value >= target : value <= target;
}

/** Targets visible to the actor: `*` and the regions of its scope and above. */
export async function listTargets(deps: Pick<Deps, 'db'>, actor: Actor): Promise<Target[]> {
  const tree = await regionTree(deps.db.kysely);
  const above = new Set<string>();
  for (let at: string | null = actor.regionId; at; at = tree.parentOf.get(at) ?? null) above.add(at);
  return (await allTargets(deps.db.kysely)).filter((t) => t.region === ALL_REGIONS || actor.isProvince || regionInScope(actor, t.region) || above.has(t.region));
}

interface Ctx { deps: Deps; actor: Actor; address: string | null }

/** Sets (or with `value: null` removes) targets, in one transaction with its audit entry. */
export async function putTargets(c: Ctx, items: { kpi: string; region: string; value: number | null }[]): Promise<Target[]> {
  const now = c.deps.clock.now();
  const tree = await regionTree(c.deps.db.kysely);
  for (const t of items) {
    if (!isKpi(t.kpi)) throw errors.validation(`unknown KPI ${t.kpi}; one of ${KPI_NAMES.join(', ')}`, { kpi: t.kpi });
    if (t.region !== ALL_REGIONS && !tree.parentOf.has(t.region)) throw errors.validation(`unknown region ${t.region} (or * for every region)`, { region: t.region });
    if (t.value != null && t.kpi.endsWith('Rate') && t.kpi !== 'complaintRatePer10k' && t.value > 1) {
      throw errors.validation(`${t.kpi} is a fraction from 0 to 1, got ${t.value}`, { kpi: t.kpi, value: t.value });
    }
    if (t.value != null && t.kpi === 'satisfactionMean' && (t.value < 1 || t.value > 10)) {
      throw errors.validation(`satisfactionMean is a score from 1 to 10, got ${t.value}`, { kpi: t.kpi, value: t.value });
    }
  }
  await c.deps.db.kysely.transaction().execute(async (trx) => {
    for (const t of items) {
      const before = await trx.selectFrom('kpiTarget').select('value').where('kpi', '=', t.kpi).where('regionId', '=', t.region).executeTakeFirst();
      if (t.value == null) await trx.deleteFrom('kpiTarget').where('kpi', '=', t.kpi).where('regionId', '=', t.region).execute();
      else {
        await trx.insertInto('kpiTarget').values({ kpi: t.kpi, regionId: t.region, value: t.value, updatedBy: c.actor.name, updatedAt: now })
          .onConflict((oc) => oc.columns(['kpi', 'regionId']).doUpdateSet({ value: t.value!, updatedBy: c.actor.name, updatedAt: now })).execute();
      }
      await appendAudit(trx, c.deps.db.engine, {
        at: now, actor: c.actor.name, action: t.value == null ? 'kpi_target.removed' : 'kpi_target.set', target: `kpi_target:${t.kpi}:${t.region}`,
        regionId: t.region === ALL_REGIONS ? null : t.region, address: c.address, details: { value: t.value, before: before ? Number(before.value) : null },
      });
    }
  });
  return allTargets(c.deps.db.kysely);
}

/** Scorecard weights: points per KPI. */
export async function listWeights(db: Q): Promise<Weight[]> {
  const rows = await db.selectFrom('kpiWeight').selectAll().orderBy('kpi').execute();
  return rows.filter((r) => isKpi(r.kpi)).map((r) => ({ kpi: r.kpi as KpiName, points: Number(r.points), updatedBy: r.updatedBy, updatedAt: Number(r.updatedAt) }));
}

/** Sets (or with `points: null` removes) weights, audited. */
export async function putWeights(c: Ctx, items: { kpi: string; points: number | null }[]): Promise<Weight[]> {
  const now = c.deps.clock.now();
  for (const w of items) if (!isKpi(w.kpi)) throw errors.validation(`unknown KPI ${w.kpi}; one of ${KPI_NAMES.join(', ')}`, { kpi: w.kpi });
  await c.deps.db.kysely.transaction().execute(async (trx) => {
    for (const w of items) {
      if (w.points == null) await trx.deleteFrom('kpiWeight').where('kpi', '=', w.kpi).execute();
      else {
        await trx.insertInto('kpiWeight').values({ kpi: w.kpi, points: w.points, updatedBy: c.actor.name, updatedAt: now })
          .onConflict((oc) => oc.column('kpi').doUpdateSet({ points: w.points!, updatedBy: c.actor.name, updatedAt: now })).execute();
      }
      await appendAudit(trx, c.deps.db.engine, {
        at: now, actor: c.actor.name, action: w.points == null ? 'kpi_weight.removed' : 'kpi_weight.set', target: `kpi_weight:${w.kpi}`,
        regionId: null, address: c.address, details: { points: w.points },
      });
    }
  });
  return listWeights(c.deps.db.kysely);
}
