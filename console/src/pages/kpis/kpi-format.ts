import type { Region } from '../../types';
import { FRACTIONS, LOWER_IS_BETTER, type KpiName, type Target } from './kpi-api';

/** A KPI value as the dashboard prints it: percentages for fractions, '—' for no value (zero denominator). */
export function formatKpi(kpi: KpiName, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (FRACTIONS.has(kpi)) return `${(value * 100).toFixed(1)}%`;
  if (kpi === 'escalatedPerMillion') return value.toFixed(1);
  return value.toFixed(2);
}

export const formatHours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : h.toFixed(1));

/** Whether a value meets its target (≥ for rates, ≤ for the complaint, repeat and escalation rates). */
export function meets(kpi: KpiName, value: number, target: number): boolean {
  return LOWER_IS_BETTER.has(kpi) ? value <= target : value >= target;
}

/** The target a region works to: its own, its nearest ancestor's, else the `*` default (as the server decides). */
export function targetFor(targets: Target[] | undefined, kpi: KpiName, regionId: string | undefined, regions: Region[] | undefined): number | null {
  if (!targets) return null;
  const chain: string[] = [];
  for (let at: string | null | undefined = regionId; at && chain.length < 16; at = regions?.find((r) => r.id === at)?.parentId) chain.push(at);
  chain.push('*');
  for (const r of chain) {
    const t = targets.find((x) => x.kpi === kpi && x.region === r);
    if (t) return t.value;
  }
  return null;
}

/** `YYYY-MM` of a month `n` months after `month`. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
