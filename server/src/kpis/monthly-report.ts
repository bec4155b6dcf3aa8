import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { regionTree } from '../org/region-tree.ts';
import type { KpiName } from './catalogue.ts';
import { addMonths, monthText } from './period.ts';
import { kpiReport } from './query.ts';
import { allTargets, targetsFor } from './targets.ts';
import { monthlyReportXlsx, type Lang, type MonthlyReport } from './export.ts';

/**
 * The monthly report of a region (the caller's by default): the month's KPIs per city and in
 * total with their targets, per department, the 12 months up to it, and its days (export.ts
 * writes the workbook).
 */
export async function monthlyReport(deps: Deps, actor: Actor, q: { month: string; region?: string }, lang: Lang): Promise<{ region: string; body: Buffer }> {
  const [y, m] = q.month.split('-').map(Number);
  if (m < 1 || m > 12) throw errors.validation(`month is YYYY-MM, got ${q.month}`, { month: q.month });
  const region = q.region ?? actor.regionId;
  const tree = await regionTree(deps.db.kysely);
  if (!tree.parentOf.has(region)) throw errors.validation(`unknown region ${region}`, { region });
  if (!regionInScope(actor, region)) throw errors.forbidden(`region ${region} is outside your scope`, { region });
  const next = addMonths({ y, m, d: 1 }, 1);
  const first = addMonths({ y, m, d: 1 }, -11);
  const base = { from: q.month, to: monthText(next.y, next.m), region };
  const [total, byCity, byDepartment, trend, daily, targets, name] = await Promise.all([
    kpiReport(deps, actor, base),
    kpiReport(deps, actor, { ...base, groupBy: 'region' }),
    kpiReport(deps, actor, { ...base, groupBy: 'department' }),
    kpiReport(deps, actor, { ...base, from: monthText(first.y, first.m), groupBy: 'month' }),
    kpiReport(deps, actor, { ...base, groupBy: 'day' }),
    allTargets(deps.db.kysely),
    deps.db.kysely.selectFrom('region').select('name').where('id', '=', region).executeTakeFirst(),
  ]);
  const targetMap = new Map<string, Map<KpiName, number>>();
  const put = (key: string, regionId: string) => targetMap.set(key, new Map([...targetsFor(targets, regionId, tree)].map(([k, t]) => [k, t.value])));
  put('', region);
  for (const g of byCity.groups) if (g.key.region) put(g.key.region, g.key.region);
  const report: MonthlyReport = { month: q.month, regionName: name?.name ?? region, total, byCity, byDepartment, trend, daily, targets: targetMap };
  return { region, body: await monthlyReportXlsx(report, lang) };
}
