/**
 * City and department scorecards (DESIGN §7): each weighted KPI earns its points in full when
 * its target is met, otherwise in proportion to how close it came:
 *
 *   fraction = 1                      when the target is met
 *            = value / target         for a KPI where higher is better (rates, satisfaction)
 *            = target / value         for a KPI where lower is better (complaint, repeat, escalation rates)
 *   (clamped to 0…1)          score = Σ points × fraction
 *
 * A KPI without a value in the period (zero denominator) or without a target is shown but not
 * scored, and its points leave `maxScore` too, so `percent` = score / maxScore compares units
 * that were measured on different KPIs fairly.
 */
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionTree } from '../org/region-tree.ts';
import { KPIS, type KpiName } from './catalogue.ts';
import { kpiReport, type KpiGroup } from './query.ts';
import { allTargets, listWeights, meets, targetsFor, type Weight } from './targets.ts';

export interface ScoreItem {
  kpi: KpiName;
  points: number;
  value: number | null;
  target: number | null;
  better: 'higher' | 'lower';
  met: boolean | null;
  fraction: number | null;
  score: number | null;
}
export interface Scorecard { key: { region?: string; department?: string }; regionId: string | null; score: number; maxScore: number; percent: number | null; rank: number; items: ScoreItem[] }

/** The fraction of a KPI's points earned (see the module comment). */
export function scoreFraction(kpi: KpiName, value: number, target: number): number {
  if (meets(kpi, value, target)) return 1;
  const f = KPIS[kpi].better === 'higher' ? (target > 0 ? value / target : 0) : value > 0 ? target / value : 1;
  return Math.max(0, Math.min(1, f));
}

/** Scores one group's KPIs with the weights and the targets of its region. */
export function scoreGroup(g: KpiGroup, weights: readonly Weight[], targets: Map<KpiName, { value: number }>): { score: number; maxScore: number; items: ScoreItem[] } {
  let score = 0;
  let maxScore = 0;
  const items: ScoreItem[] = [];
  for (const w of weights) {
    if (w.points <= 0) continue;
    const value = g[w.kpi] as number | null;
    const target = targets.get(w.kpi)?.value ?? null;
    const better = KPIS[w.kpi].better;
    if (value == null || target == null) {
      items.push({ kpi: w.kpi, points: w.points, value, target, better, met: value == null || target == null ? null : meets(w.kpi, value, target), fraction: null, score: null });
      continue;
    }
    const fraction = scoreFraction(w.kpi, value, target);
    items.push({ kpi: w.kpi, points: w.points, value, target, better, met: meets(w.kpi, value, target), fraction, score: w.points * fraction });
    score += w.points * fraction;
    maxScore += w.points;
  }
  return { score, maxScore, items };
}

function ranked(cards: Omit<Scorecard, 'rank'>[]): Scorecard[] {
  const sorted = [...cards].sort((a, b) => (b.percent ?? -1) - (a.percent ?? -1) || b.score - a.score || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  return sorted.map((c, i) => ({ ...c, rank: i + 1 }));
}

/** `GET /api/v1/scorecards`: one card per city and one per department in the caller's scope. */
export async function scorecards(deps: Deps, actor: Actor, p: { from?: string; to?: string; region?: string }) {
  const [byRegion, byDepartment, weights, targets, tree] = await Promise.all([
    kpiReport(deps, actor, { ...p, groupBy: 'region' }),
    kpiReport(deps, actor, { ...p, groupBy: 'department' }),
    listWeights(deps.db.kysely),
    allTargets(deps.db.kysely),
    regionTree(deps.db.kysely),
  ]);
  const departments = new Map((await deps.db.kysely.selectFrom('department').select(['id', 'regionId']).execute()).map((d) => [d.id, d.regionId]));
  const card = (g: KpiGroup, regionId: string | null) => {
    const s = scoreGroup(g, weights, targetsFor(targets, regionId, tree));
    return { key: g.key as Scorecard['key'], regionId, ...s, percent: s.maxScore > 0 ? s.score / s.maxScore : null };
  };
  return {
    from: byRegion.from,
    to: byRegion.to,
    weights: weights.map((w) => ({ kpi: w.kpi, points: w.points })),
    cities: ranked(byRegion.groups.map((g) => card(g, g.key.region ?? null))),
    departments: ranked(byDepartment.groups.map((g) => card(g, departments.get(g.key.department ?? '') ?? null))),
  };
}
