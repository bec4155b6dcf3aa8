import type { Generated } from 'kysely';

export interface CategoryRow { id: string; parentId: string | null; nameZh: string; nameEn: string; isNetwork: number; active: number }

export interface TicketRow {
  id: Generated<number>;
  externalId: string | null;
  channel: string;
  customerKey: string;
  customerMsisdnEnc: string;
  customerNameEnc: string | null;
  customerVip: number;
  categoryId: string;
  isNetwork: number;
  network: string | null;
  cellId: string | null;
  lon: number | null;
  lat: number | null;
  address: string | null;
  regionId: string;
  reportedAt: number;
  reportedDay: number;
  description: string;
  status: string;
  grade: string;
  gradeProposal: string | null;
  isRepeat: number;
  hotspotId: number | null;
  nocDepartmentId: string | null;
  assigneeDepartmentId: string | null;
  prevDepartmentId: string | null;
  commitmentHours: number | null;
  resolution: string | null;
  resolvedAtIntake: number;
  nextDueAt: number | null;
  clockState: string;
  round: number;
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

export interface TicketEventRow {
  id: Generated<number>;
  ticketId: number;
  type: string;
  at: number;
  recordedAt: number;
  actor: string;
  actorRole: string;
  fromDepartmentId: string | null;
  toDepartmentId: string | null;
  data: string | null;
}

export interface TicketClockRow {
  id: Generated<number>;
  ticketId: number;
  clock: string;
  round: number;
  calendarId: string;
  durationMs: number;
  startedAt: number;
  warnAt: number;
  dueAt: number;
  provinceAt: number;
  stoppedAt: number | null;
  warnedAt: number | null;
  breachedAt: number | null;
  provinceEscalatedAt: number | null;
  nextFireAt: number | null;
}

export interface SlaPolicyRow { id: string; categoryId: string | null; categoryKey: string; grade: string; clock: string; durationMs: number; calendarId: string; updatedAt: number }
export interface CalendarRow { id: string; definition: string; updatedAt: number }
export interface IdempotencyRow { actor: string; key: string; ticketId: number; createdAt: number }
export interface NotificationRow {
  id: Generated<number>; ticketId: number | null; kind: string; departmentId: string | null; role: string | null;
  regionId: string; message: string; data: string | null; createdAt: number;
}
export interface NotificationReadRow { notificationId: number; userId: number }
export interface OutboxRow { id: Generated<number>; topic: string; ticketId: number | null; payload: string; createdAt: number }
export interface ProblemRow {
  id: Generated<number>; title: string; regionId: string; categoryId: string | null; ownerDepartmentId: string | null;
  rootCause: string | null; action: string | null; dueDate: string | null; status: string; hotspotId: number | null;
  createdBy: string; createdAt: number; updatedAt: number; closedAt: number | null;
}
export interface ProblemTicketRow { problemId: number; ticketId: number }

export interface TicketTables {
  category: CategoryRow;
  ticket: TicketRow;
  ticketDepartment: { ticketId: number; departmentId: string };
  ticketEvent: TicketEventRow;
  ticketClock: TicketClockRow;
  idempotencyKey: IdempotencyRow;
  slaPolicy: SlaPolicyRow;
  calendar: CalendarRow;
  notification: NotificationRow;
  notificationRead: NotificationReadRow;
  outbox: OutboxRow;
  problem: ProblemRow;
  problemTicket: ProblemTicketRow;
}
