import type { Selectable } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { ROLES_SEEING_PERSONAL_DATA } from '../access/roles.ts';
import type { Pii } from '../pii/pii.ts';
import { maskMsisdn, maskName } from '../pii/phone.ts';
import { toIso, toIsoOrNull } from '../shared/time.ts';
import type { Ticket } from './repository.ts';
import type { TicketClockRow, TicketEventRow } from './tables.ts';
import { NO_DUE } from './clock-store.ts';

/** A clock as the API shows it: running, met (stopped by its due time) or breached. */
export function presentClock(c: Selectable<TicketClockRow>, tz: string, now: number) {
  const state = c.stoppedAt != null
    ? (c.stoppedAt <= c.dueAt ? 'met' : 'breached')
    : (c.breachedAt != null || c.dueAt <= now ? 'breached' : 'running');
  return {
    clock: c.clock, round: c.round, state, warned: c.warnedAt != null || (c.stoppedAt == null && c.warnAt <= now) || (c.stoppedAt != null && c.stoppedAt > c.warnAt),
    startedAt: toIso(c.startedAt, tz), warnAt: toIso(c.warnAt, tz), dueAt: toIso(c.dueAt, tz), provinceAt: toIso(c.provinceAt, tz),
    stoppedAt: toIsoOrNull(c.stoppedAt, tz), calendar: c.calendarId, durationMs: c.durationMs,
  };
}

/** A history row: who, when, from which department to which, and the step's fields. */
export function presentEvent(e: Selectable<TicketEventRow>, tz: string) {
  return {
    id: e.id, type: e.type, at: toIso(e.at, tz), recordedAt: toIso(e.recordedAt, tz), actor: e.actor, actorRole: e.actorRole,
    fromDepartment: e.fromDepartmentId, toDepartment: e.toDepartmentId, ...(e.data ? JSON.parse(e.data) : {}),
  };
}

/**
 * The ticket as it leaves the server: personal data decrypted for the roles that need it and
 * masked (`138****5678`) for the others (DESIGN §1).
 */
export function presentTicket(t: Ticket, actor: Actor, pii: Pii, tz: string) {
  const clear = ROLES_SEEING_PERSONAL_DATA.has(actor.role);
  const msisdn = pii.decrypt(t.customerMsisdnEnc);
  const name = t.customerNameEnc ? pii.decrypt(t.customerNameEnc) : null;
  return {
    id: t.id,
    externalId: t.externalId,
    status: t.status,
    grade: t.grade,
    gradeProposal: t.gradeProposal ? JSON.parse(t.gradeProposal) : null,
    isRepeat: !!t.isRepeat,
    hotspotId: t.hotspotId,
    channel: t.channel,
    customer: { msisdn: clear ? msisdn : maskMsisdn(msisdn), name: name == null ? null : clear ? name : maskName(name), vip: !!t.customerVip },
    category: t.categoryId,
    isNetwork: !!t.isNetwork,
    network: t.network,
    cellId: t.cellId,
    location: t.lon != null && t.lat != null ? { lon: t.lon, lat: t.lat } : null,
    address: t.address,
    region: t.regionId,
    reportedAt: toIso(t.reportedAt, tz),
    description: t.description,
    nocDepartment: t.nocDepartmentId,
    assigneeDepartment: t.assigneeDepartmentId,
    commitmentHours: t.commitmentHours,
    resolution: t.resolution,
    resolvedAtIntake: !!t.resolvedAtIntake,
    nextDueAt: t.nextDueAt == null || t.nextDueAt >= NO_DUE ? null : toIso(t.nextDueAt, tz),
    clockState: t.clockState,
    round: t.round,
    version: t.version,
    createdBy: t.createdBy,
    createdAt: toIso(t.createdAt, tz),
    updatedAt: toIso(t.updatedAt, tz),
    closedAt: toIsoOrNull(t.closedAt, tz),
  };
}
