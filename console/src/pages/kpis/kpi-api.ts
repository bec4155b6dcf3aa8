import { api, withQuery, type Query } from '../../api';

/** The KPIs of DESIGN §7 as `GET /api/v1/kpis` names them, in the order the dashboard shows them. */
export const KPI_NAMES = [
  'complaintRatePer10k', 'onTimeReplyRate', 'commitmentComplianceRate', 'resolutionRate', 'firstContactResolutionRate',
  'repeatRate', 'escalatedPerMillion', 'satisfactionMean', 'tenPointShare', 'surveyResponseRate',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** Which way is better (the server's catalogue: kpis/catalogue.ts). */
export const LOWER_IS_BETTER: ReadonlySet<KpiName> = new Set(['complaintRatePer10k', 'repeatRate', 'escalatedPerMillion']);
/** KPIs shown as percentages (fractions from 0 to 1). */
export const FRACTIONS: ReadonlySet<KpiName> = new Set(['onTimeReplyRate', 'commitmentComplianceRate', 'resolutionRate', 'firstContactResolutionRate', 'repeatRate', 'tenPointShare', 'surveyResponseRate']);

export const CLOCKS = ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up'] as const;
export type ClockName = (typeof CLOCKS)[number];

export interface BacklogCell { age: string; total: number; ok: number; warned: number; breached: number }
export interface Backlog { total: number; ok: number; warned: number; breached: number; byAge: BacklogCell[] }

export interface GroupKey { region?: string; network?: string | null; department?: string; month?: string; day?: string }

/** One group of `GET /api/v1/kpis` (DESIGN §11). */
export type KpiGroup = { key: GroupKey; tickets: number; complaints: number; subscribers: number; handlingHours: Record<ClockName, { median: number | null; p90: number | null }>; backlog: Backlog; counts: Record<string, number> }
  & Record<KpiName, number | null>;

export interface KpiReport { from: string; to: string; groupBy: string[]; groups: KpiGroup[] }
export interface Target { kpi: KpiName; region: string; value: number; better: 'higher' | 'lower' }
export interface ScoreItem { kpi: KpiName; points: number; value: number | null; target: number | null; met: boolean | null; score: number | null }
export interface Scorecard { key: { region?: string; department?: string }; regionId: string | null; score: number; maxScore: number; percent: number | null; rank: number; items: ScoreItem[] }
export interface Scorecards { from: string; to: string; weights: { kpi: KpiName; points: number }[]; cities: Scorecard[]; departments: Scorecard[] }
export interface BacklogReport { at: string; groups: { key: GroupKey; backlog: Backlog }[] }

/** The filters every figure of the dashboard shares. */
export interface KpiFilters { region?: string; network?: string; department?: string }

export const kpiApi = {
  report: (q: KpiFilters & { from: string; to: string; groupBy?: string }) => api.get<KpiReport>('/api/v1/kpis', q as unknown as Query),
  backlog: (q: KpiFilters & { groupBy?: string }) => api.get<BacklogReport>('/api/v1/kpis/backlog', q as unknown as Query),
  targets: () => api.get<{ items: Target[] }>('/api/v1/kpi-targets').then((r) => r.items),
  scorecards: (q: { from: string; to: string; region?: string }) => api.get<Scorecards>('/api/v1/scorecards', q as unknown as Query),
  openHotspots: (q: { region?: string }) => api.get<{ items: unknown[]; nextCursor: string | null }>('/api/v1/hotspots', { ...q, status: 'open', limit: 500 }),
};

/** Download links (the session cookie authenticates a plain GET). */
export const downloads = {
  kpis: (q: KpiFilters & { from: string; to: string; groupBy: string; format: 'csv' | 'xlsx' }) => withQuery('/api/v1/kpis/export', q as unknown as Query),
  monthly: (q: { month: string; region?: string }) => withQuery('/api/v1/reports/monthly', q as unknown as Query),
  tickets: (q: { region?: string; department?: string; status?: string; format: 'csv' | 'xlsx' }) => withQuery('/api/v1/tickets/export', { order: 'newest', ...q } as unknown as Query),
};
