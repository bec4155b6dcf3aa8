import { CLOCK_NAMES, type ClockName } from '../clocks/plan-clock.ts';
import type { KpiDayRow } from './tables.ts';

/**
 * The counters of `kpi_day`, in a fixed order: a ticket's stored contribution (kpi_ticket.facts)
 * refers to them by position, so this list is append-only (a change of order needs a rebuild).
 */
export const COUNTERS = [
  'tickets', 'complaints', 'repeats', 'resolvedAtIntake', 'regulator', 'closed', 'solved',
  'followUps', 'responded', 'scoreSum', 'tens',
  'triageMet', 'triageBreached', 'initialReplyMet', 'initialReplyBreached', 'resolutionMet', 'resolutionBreached',
  'commitmentMet', 'commitmentBreached', 'followUpMet', 'followUpBreached',
] as const satisfies readonly (keyof KpiDayRow)[];
export type Counter = (typeof COUNTERS)[number];
export const COUNTER_INDEX: Readonly<Record<Counter, number>> = Object.fromEntries(COUNTERS.map((c, i) => [c, i])) as any;

/** The met / breached counters of each clock (§7: a clock is decided once, met or breached). */
export const CLOCK_COUNTERS: Readonly<Record<ClockName, { met: Counter; breached: Counter }>> = {
  triage: { met: 'triageMet', breached: 'triageBreached' },
  initial_reply: { met: 'initialReplyMet', breached: 'initialReplyBreached' },
  resolution: { met: 'resolutionMet', breached: 'resolutionBreached' },
  commitment: { met: 'commitmentMet', breached: 'commitmentBreached' },
  follow_up: { met: 'followUpMet', breached: 'followUpBreached' },
};
export const CLOCK_INDEX: Readonly<Record<string, number>> = Object.fromEntries(CLOCK_NAMES.map((c, i) => [c, i]));
export { CLOCK_NAMES, type ClockName };

/** The KPIs of DESIGN §7 as `GET /api/v1/kpis` names them, with the direction that is better. */
export const KPIS = {
  complaintRatePer10k: { better: 'lower', zh: '投诉率(万分比)', en: 'Complaint rate per 10k' },
  onTimeReplyRate: { better: 'higher', zh: '工单回复及时率', en: 'On-time reply rate' },
  resolutionRate: { better: 'higher', zh: '问题解决比例', en: 'Resolution rate' },
  commitmentComplianceRate: { better: 'higher', zh: '客户服务承诺达标率', en: 'Commitment compliance' },
  firstContactResolutionRate: { better: 'higher', zh: '一次性答复率', en: 'First-contact resolution' },
  repeatRate: { better: 'lower', zh: '重复投诉率', en: 'Repeat rate' },
  escalatedPerMillion: { better: 'lower', zh: '越级投诉(百万分比)', en: 'Escalated per million' },
  satisfactionMean: { better: 'higher', zh: '满意度均分', en: 'Satisfaction mean' },
  tenPointShare: { better: 'higher', zh: '10分满意率', en: '10-point share' },
  surveyResponseRate: { better: 'higher', zh: '回访响应率', en: 'Survey response rate' },
} as const;
export type KpiName = keyof typeof KPIS;
export const KPI_NAMES = Object.keys(KPIS) as KpiName[];

/** Group keys of `GET /api/v1/kpis?groupBy=` (DESIGN §11, issue 5). */
export const GROUP_KEYS = ['region', 'network', 'department', 'month', 'day'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];
