/** What the problem pages read from `/api/v1/problems…` (server/src/problems). */
import type { Role } from '../../types';

export const PROBLEM_STATUSES = ['open', 'in_progress', 'closed', 'merged'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** A problem record (DESIGN §6). */
export interface Problem {
  id: number;
  title: string;
  region: string;
  category: string | null;
  ownerDepartment: string | null;
  rootCause: string | null;
  action: string | null;
  dueDate: string | null;
  status: ProblemStatus;
  hotspotId: number | null;
  mergedInto: number | null;
  ticketCount: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
}

/** A linked ticket as the problem record shows it (no personal data). */
export interface LinkedTicket {
  id: number;
  status: string;
  grade: string;
  category: string;
  cellId: string | null;
  region: string;
  reportedAt: string;
  hotspotId: number | null;
  assigneeDepartment: string | null;
  resolution: string | null;
}

export interface ProblemEvent {
  id: number;
  type: string;
  at: string;
  actor: string;
  actorRole: string;
  data?: Record<string, unknown>;
}

/** `GET /api/v1/problems/{id}`. */
export interface ProblemDetail extends Problem {
  tickets: LinkedTicket[];
  events: ProblemEvent[];
}

/** `POST /api/v1/problems/{id}/close`. */
export interface CloseAnswer {
  replied: { ticketId: number; eventId: number }[];
  skipped: { ticketId: number; code: string; reason: string }[];
  problem: ProblemDetail;
}

/** Limits shared with the server (server/src/problems/schemas.ts PROBLEM_LIMITS). */
export const PROBLEM_LIMITS = { titleMax: 300, textMax: 4000, ticketsPerRequest: 500 };

/** Who opens, edits, links and closes problem records (server/src/problems/abilities.ts). */
export const MANAGERS: readonly Role[] = ['noc', 'supervisor', 'admin'];
export const canManage = (role: Role) => MANAGERS.includes(role);
/** Root cause and action: managers, and handlers or experts of the owner department. */
export const canEditAnalysis = (user: { role: Role; departmentId: string | null }, p: Pick<Problem, 'ownerDepartment'>) =>
  canManage(user.role) || ((user.role === 'handler' || user.role === 'expert') && user.departmentId != null && user.departmentId === p.ownerDepartment);

export const STATUS_COLOUR: Record<ProblemStatus, string> = { open: 'blue', in_progress: 'gold', closed: 'green', merged: 'purple' };

/** Ticket ids typed or pasted as text: `12, 15 17`. */
export function parseIds(values: readonly (string | number)[] | undefined): number[] {
  return [...new Set((values ?? []).flatMap((v) => String(v).split(/[\s,，;]+/)).map((s) => s.replace(/^#/, '')).filter((s) => /^\d{1,12}$/.test(s)).map(Number))];
}
