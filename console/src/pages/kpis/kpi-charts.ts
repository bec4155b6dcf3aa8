import type { ChartOption } from '../../charts/echarts';
import type { Translate } from '../../i18n';
import type { Backlog, KpiGroup, KpiName } from './kpi-api';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const num = (v: number | null, digits = 2) => (v === null ? null : Number(v.toFixed(digits)));

/** Monthly volume and complaint rate: bars of tickets taken in, the complaint rate per 10k as a line. */
export function volumeOption(groups: KpiGroup[], label: (g: KpiGroup) => string, t: Translate): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 48, right: 56, top: 36, bottom: 56 },
    xAxis: { type: 'category', data: groups.map(label) },
    yAxis: [{ type: 'value', name: t('kpis.count') }, { type: 'value', name: t('kpis.per10k'), splitLine: { show: false } }],
    series: [
      { type: 'bar', name: t('kpis.tickets'), data: groups.map((g) => g.tickets) },
      { type: 'bar', name: t('kpis.complaints'), data: groups.map((g) => g.complaints) },
      { type: 'line', name: t('kpis.kpi.complaintRatePer10k'), yAxisIndex: 1, data: groups.map((g) => num(g.complaintRatePer10k)), connectNulls: false },
    ],
  };
}

/** The rates of §7 as percentage lines over the groups (months or days). */
export function ratesOption(groups: KpiGroup[], label: (g: KpiGroup) => string, kpis: KpiName[], t: Translate): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
    legend: { bottom: 0 },
    grid: { left: 48, right: 24, top: 16, bottom: 56 },
    xAxis: { type: 'category', data: groups.map(label) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: kpis.map((k) => ({ type: 'line' as const, name: t(`kpis.kpi.${k}`), data: groups.map((g) => pct(g[k])), connectNulls: false })),
  };
}

/** One KPI compared across cities or departments, with the target as a dashed line. */
export function compareOption(groups: KpiGroup[], label: (g: KpiGroup) => string, kpi: KpiName, target: number | null, fraction: boolean, t: Translate): ChartOption {
  const value = (v: number | null) => (fraction ? pct(v) : num(v));
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 24, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: groups.map(label), axisLabel: { interval: 0, rotate: groups.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', axisLabel: fraction ? { formatter: '{value}%' } : {} },
    series: [{
      type: 'bar', name: t(`kpis.kpi.${kpi}`), data: groups.map((g) => value(g[kpi])),
      ...(target === null ? {} : { markLine: { symbol: 'none', lineStyle: { type: 'dashed', color: '#cf1322' }, label: { formatter: t('kpis.targetLine') }, data: [{ yAxis: value(target) ?? 0 }] } }),
    }],
  };
}

export const AGE_CLASSES = ['0-1d', '1-3d', '3-7d', '7-30d', '30d+'] as const;

/** Open tickets by age, stacked by clock state (ok, warned, breached). */
export function backlogOption(backlog: Backlog, t: Translate): ChartOption {
  const cells = AGE_CLASSES.map((a) => backlog.byAge.find((c) => c.age === a) ?? { age: a, total: 0, ok: 0, warned: 0, breached: 0 });
  const colour = { ok: '#52c41a', warned: '#faad14', breached: '#f5222d' } as const;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: AGE_CLASSES.map((a) => t(`kpis.age.${a}`)) },
    yAxis: { type: 'value' },
    series: (['ok', 'warned', 'breached'] as const).map((s) => ({ type: 'bar' as const, stack: 'state', name: t(`kpis.${s}`), itemStyle: { color: colour[s] }, data: cells.map((c) => c[s]) })),
  };
}
