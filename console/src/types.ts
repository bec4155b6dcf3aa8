/** The shapes the console reads from `/api/v1` (DESIGN §11 and the auth/admin contract). */

/** Roles of people (DESIGN §1); `api` is only for API keys. */
export const USER_ROLES = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor'] as const;
export type Role = 'api' | (typeof USER_ROLES)[number];
/** Roles an API key may carry: never `admin`. */
export const KEY_ROLES = ['api', 'agent', 'noc', 'handler', 'expert', 'supervisor', 'auditor'] as const satisfies readonly Role[];

/** Department kinds (DESIGN §2). */
export const DEPARTMENT_KINDS = [
  'complaint_centre', 'noc', 'maintenance', 'construction', 'optimisation', 'network_management', 'expert',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** The console's areas; `GET /auth/me` says which of them the user may open. */
export const AREAS = ['intake', 'queue', 'tickets', 'hotspots', 'problems', 'kpis', 'admin', 'audit'] as const;
export type Area = (typeof AREAS)[number];
export type Abilities = Partial<Record<string, boolean>>;

export interface SessionUser {
  id: number | string;
  username: string;
  displayName: string | null;
  role: Role;
  regionId: string;
  departmentId: string | null;
}

export interface Me {
  user: SessionUser;
  abilities: Abilities;
}

export interface LoginAnswer {
  token: string;
  user: SessionUser;
}

export interface Region {
  id: string;
  name: string;
  parentId: string | null;
}

export interface Department {
  id: string;
  name: string;
  kind: DepartmentKind;
  regionId: string;
}

export interface User {
  username: string;
  displayName: string | null;
  role: Role;
  regionId: string;
  departmentId: string | null;
  disabled: boolean;
}

/** Times arrive as ISO 8601 text; epoch milliseconds are accepted too. */
export type Instant = string | number;

export interface ApiKey {
  id: number | string;
  name: string;
  role: Role;
  regionId: string;
  prefix: string;
  createdAt: Instant;
  revokedAt: Instant | null;
}

export interface AuditEntry {
  id: number | string;
  at: Instant;
  actor: string;
  action: string;
  target: string | null;
  regionId: string | null;
  address: string | null;
  details: unknown;
}

// ---- tickets (DESIGN §3, §5, §11; server/src/tickets/present.ts)

/** Intake channels (DESIGN §3 step 1). */
export const CHANNELS = ['hotline', 'web', 'app', 'store', 'social', 'email', 'api', 'regulator'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Radio networks (DESIGN §2). */
export const NETWORKS = ['GSM', 'WCDMA', 'LTE', 'NR'] as const;
export type Network = (typeof NETWORKS)[number];

/** Ticket states, in workflow order (server/src/tickets/workflow.ts STATUSES). */
export const TICKET_STATUSES = ['new', 'dispatched', 'in_progress', 'replied', 'customer_replied', 'followed_up', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const GRADES = ['ordinary', 'important'] as const;
export type Grade = (typeof GRADES)[number];

/** The five clocks of DESIGN §5, in the order they start. */
export const CLOCK_NAMES = ['commitment', 'triage', 'initial_reply', 'resolution', 'follow_up'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

/** Resolution codes (DESIGN §3) and whether each counts as solved. */
export const RESOLUTIONS = {
  fault_repaired: true, optimised: true, customer_side: true,
  construction_planned: false, no_investment: false, not_network: false, explained: false, cannot_reproduce: false,
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
export const RESOLUTION_CODES = Object.keys(RESOLUTIONS) as Resolution[];

/** Why the system proposes `important` (DESIGN §3 step 2). */
export type GradeReason = 'vip' | 'repeat' | 'regulator' | 'hotspot';

/** The worst state of a ticket's running clocks: what queues colour by. */
export type ClockLevel = 'ok' | 'warned' | 'breached';

export interface Customer {
  /** masked (`138****5678`) for handler, expert and auditor */
  msisdn: string;
  name: string | null;
  vip: boolean;
}

/** A ticket as lists answer it. */
export interface Ticket {
  id: number;
  externalId: string | null;
  status: TicketStatus;
  grade: Grade;
  gradeProposal: { grade: 'important'; reasons: GradeReason[] } | null;
  isRepeat: boolean;
  hotspotId: number | null;
  channel: Channel;
  customer: Customer;
  category: string;
  isNetwork: boolean;
  network: Network | null;
  cellId: string | null;
  location: { lon: number; lat: number } | null;
  address: string | null;
  region: string;
  reportedAt: string;
  description: string;
  nocDepartment: string | null;
  assigneeDepartment: string | null;
  commitmentHours: number | null;
  resolution: Resolution | null;
  resolvedAtIntake: boolean;
  nextDueAt: string | null;
  clockState: ClockLevel;
  round: number;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** One clock of a ticket: running, met (stopped by its due time) or breached. */
export interface TicketClock {
  clock: ClockName;
  round: number;
  state: 'running' | 'met' | 'breached';
  warned: boolean;
  startedAt: string;
  warnAt: string;
  dueAt: string;
  provinceAt: string;
  stoppedAt: string | null;
  calendar: string;
  durationMs: number;
}

/** A history row: who, when, from which department to which, and the step's own fields. */
export interface TicketEvent {
  id: number;
  type: string;
  at: string;
  recordedAt: string;
  actor: string;
  actorRole: string | null;
  fromDepartment: string | null;
  toDepartment: string | null;
  text?: string;
  reason?: string;
  kind?: string;
  grade?: string;
  previousGrade?: string;
  to?: string;
  resolution?: string;
  responded?: boolean;
  score?: number;
  comment?: string;
  networkIssueId?: number;
  clock?: string;
  [field: string]: unknown;
}

/** `GET /api/v1/tickets/{id}`: the ticket with its clocks and history. */
export interface TicketDetail extends Ticket {
  clocks: TicketClock[];
  events: TicketEvent[];
}

/** `POST /api/v1/tickets/{id}/events` answer. */
export interface StepAnswer {
  eventId: number;
  ticket: TicketDetail;
}

// ---- network issues and hotspots (DESIGN §2, §4)

export const ISSUE_KINDS = ['outage', 'degradation', 'planned_work', 'construction_plan', 'no_investment', 'coverage_gap'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

export interface NetworkIssue {
  id: number;
  kind: IssueKind;
  title: string;
  explanation: string;
  regionId: string;
  cells: string[];
  circle: { lon: number; lat: number; radiusM: number } | null;
  startsAt: string;
  endsAt: string | null;
  plannedDate: string | null;
  status: string;
  matchedBy?: ('cell' | 'circle')[];
}

export interface LookupCell {
  id: string;
  siteId: string;
  name: string;
  regionId: string;
  network: Network;
  lon: number;
  lat: number;
  distanceM?: number | null;
}

export interface HotspotSummary {
  id: number;
  category: string;
  cells: string[];
  ticketIds?: number[] | null;
  ticketCount?: number;
  firstReportedAt: string;
  lastReportedAt: string;
  status: string;
  matchedCells?: string[];
}

/** `GET /api/v1/network-issues/lookup`. */
export interface LookupAnswer {
  at: string;
  issues: NetworkIssue[];
  cells: LookupCell[];
  hotspots: HotspotSummary[];
}

// ---- notifications, SLA policies, calendars

export interface AppNotification {
  id: number;
  ticketId: number | null;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
  createdAt: string;
  read: boolean;
}

export interface SlaPolicy {
  id: string;
  category: string | null;
  grade: Grade;
  clock: ClockName;
  /** ISO 8601 duration, e.g. `PT4H` */
  duration: string;
  /** `24x7` or a calendar id */
  calendar: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingCalendar {
  id: string;
  timeZone: string;
  workingDays: Weekday[];
  workingHours: [string, string][];
  official: 'cn' | null;
  extraHolidays: string[];
  extraWorkdays: string[];
}
