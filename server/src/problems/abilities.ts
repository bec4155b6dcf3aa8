import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';

/** Problem record states (DESIGN §6): worked on (`open`, `in_progress`), `closed`, or `merged` into another with its hotspot. */
export const PROBLEM_STATUSES = ['open', 'in_progress', 'closed', 'merged'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** Who opens, edits, links and closes problem records. */
export const PROBLEM_MANAGERS: readonly Role[] = ['noc', 'supervisor', 'admin'];
/** Who reads them (the owner department's handlers and experts work on root cause and action). */
export const PROBLEM_READERS: readonly Role[] = ['noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor', 'api'];
/** Fields the owner department's handlers and experts may edit. */
export const ANALYSIS_FIELDS = ['rootCause', 'action'] as const;

/** May open, edit, link and close problem records (in its regions). */
export const canManageProblems = (a: Actor): boolean => a.kind === 'system' || PROBLEM_MANAGERS.includes(a.role);

/** May write root cause and corrective action: a manager, or a handler or expert of the owner department. */
export const canEditAnalysis = (a: Actor, p: { ownerDepartmentId: string | null }): boolean =>
  canManageProblems(a) || ((a.role === 'handler' || a.role === 'expert') && a.departmentId != null && a.departmentId === p.ownerDepartmentId);
