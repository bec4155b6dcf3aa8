import { AppError } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { appendAudit } from '../audit/repository.ts';
import { parseIso, toIso } from '../shared/time.ts';
import type { Actor } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import type { Ctx } from './import-cells.ts';
import type { NetworkAlarmRow } from './tables.ts';
import { type Cell, cellsOfSite, getCell } from './cells-repository.ts';
import { addIssueCells, closeIssueRow, getIssue, updateIssueRow } from './issues-repository.ts';
import { scopeOf, storeIssue } from './issue-operations.ts';
import { ALARM_STATES, PASSTHROUGH, SEVERITIES, type AlarmFields } from './tmf642-schemas.ts';
import { NETWORK_LIMITS } from './schemas.ts';

export const ALARM_BASE = '/tmf-api/alarmManagement/v4/alarm';

/** A TMF642 error (answered as `{ code, reason, message, status }` by the alarm routes). */
export const tmfError = (status: number, code: string, reason: string, message?: string) =>
  new AppError(status, code, reason, { tmfMessage: message ?? reason });

type AlarmRow = Omit<NetworkAlarmRow, 'id'> & { id: number };

const audit = (trx: Q, c: Ctx, action: string, alarm: { id: number; regionId: string }, details?: unknown) =>
  appendAudit(trx, c.deps.db.engine, { at: c.deps.clock.now(), actor: c.actor.name, action, target: `alarm:${alarm.id}`, regionId: alarm.regionId, address: c.address, details });

function time(field: string, text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = parseIso(text);
  if (ms == null) throw tmfError(400, 'invalid_time', `${field} is not a date-time`, `${field} must be ISO 8601 with a zone, e.g. 2026-03-07T09:00:00+08:00 (got ${text})`);
  return ms;
}

function severity(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const s = text.toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(s)) throw tmfError(400, 'invalid_severity', `perceivedSeverity ${text} is not an X.733 severity`, `use one of ${SEVERITIES.join(', ')}`);
  return s;
}

function state(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const s = text.toLowerCase();
  if (!(ALARM_STATES as readonly string[]).includes(s)) throw tmfError(400, 'invalid_state_value', `state ${text} is not an alarm state`, `use one of ${ALARM_STATES.join(', ')}`);
  return s;
}

/** True when the message clears the alarm: state or severity `cleared`, or a clear time or clearing system. */
const isClearing = (b: AlarmFields) =>
  b.state?.toLowerCase() === 'cleared' || b.perceivedSeverity?.toLowerCase() === 'cleared' || b.alarmClearedTime !== undefined || b.clearSystemId !== undefined;

/**
 * The cells an alarmed object names, in the caller's scope: a cell id, or a site id (every cell of
 * the site). `alarmedObjectType` narrows it when it says cell or site (or a base-station class).
 */
export async function cellsOfAlarmedObject(trx: Q, actor: Actor, objectId: string, objectType?: string | null): Promise<{ kind: 'cell' | 'site'; cells: Cell[] } | null> {
  const t = (objectType ?? '').toLowerCase();
  const onlyCell = t.includes('cell');
  const onlySite = !onlyCell && /site|nodeb|bts|basestation|managedelement/.test(t);
  const scope = scopeOf(actor);
  if (!onlySite) {
    const cell = await getCell(trx, objectId, scope);
    if (cell) return { kind: 'cell', cells: [cell] };
  }
  if (!onlyCell) {
    const cells = await cellsOfSite(trx, objectId, scope);
    if (cells.length) return { kind: 'site', cells };
  }
  return null;
}

async function resolveObject(trx: Q, c: Ctx, b: AlarmFields) {
  const id = b.alarmedObject!.id;
  const r = await cellsOfAlarmedObject(trx, c.actor, id, b.alarmedObjectType);
  if (!r) {
    throw tmfError(400, 'unknown_alarmed_object', `alarmedObject ${id} is not a known cell or site`,
      `alarmedObject.id must name a cell or a site${c.actor.isProvince ? '' : ' in your region'}${b.alarmedObjectType ? ` (alarmedObjectType ${b.alarmedObjectType})` : ''}`);
  }
  return r;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The outage's title and the explanation agents read out (解释口径) for an alarm. */
function outageTexts(b: AlarmFields, obj: { kind: 'cell' | 'site'; cells: Cell[] }): { title: string; explanation: string } {
  const problem = b.specificProblem || b.probableCause!;
  const where = obj.kind === 'cell' ? `小区 ${obj.cells[0].name}（${obj.cells[0].id}）` : `基站 ${b.alarmedObject!.id}（${obj.cells.length} 个小区）`;
  return {
    title: clip(`网络故障：${where} ${problem}`, NETWORK_LIMITS.titleMax),
    explanation: `您所在区域的${obj.kind === 'cell' ? '小区' : '基站'}设备发生故障，网络维护人员正在抢修，修复前该区域手机信号可能中断或变弱，通话和上网会受到影响。给您带来不便，敬请谅解，修复后将自动恢复，无需您做任何操作。`,
  };
}

/** The alarm attributes netcare keeps as sent (merged over the stored ones on update). */
function passthrough(b: AlarmFields, before: Record<string, unknown> = {}): Record<string, unknown> {
  const out = { ...before };
  for (const k of PASSTHROUGH) if (b[k] !== undefined) out[k] = b[k];
  return out;
}

async function loadAlarm(trx: Q, id: number, actor: Actor | null): Promise<AlarmRow | undefined> {
  let q = trx.selectFrom('networkAlarm').selectAll().where('id', '=', id);
  const scope = actor ? scopeOf(actor) : null;
  if (scope) q = q.where('regionId', 'in', scope);
  const r = await q.executeTakeFirst();
  return r ? ({ ...r, id: Number(r.id), issueId: Number(r.issueId) } as AlarmRow) : undefined;
}

/** The TMF642 Alarm representation (absent values left out), with the outage issue it opened. */
export function presentAlarm(a: AlarmRow, timeZone: string): Record<string, unknown> {
  const attrs = JSON.parse(a.attributes) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    id: String(a.id), href: `${ALARM_BASE}/${a.id}`, externalAlarmId: a.externalAlarmId, state: a.state,
    perceivedSeverity: a.perceivedSeverity, alarmType: a.alarmType, probableCause: a.probableCause, specificProblem: a.specificProblem,
    sourceSystemId: a.sourceSystemId, alarmedObjectType: a.alarmedObjectType, alarmedObject: attrs.alarmedObject ?? { id: a.alarmedObjectId },
    alarmRaisedTime: toIso(a.raisedAt, timeZone), alarmReportingTime: a.reportedAt != null ? toIso(a.reportedAt, timeZone) : null,
    alarmChangedTime: toIso(a.changedAt, timeZone), alarmClearedTime: a.clearedAt != null ? toIso(a.clearedAt, timeZone) : null,
    clearSystemId: a.clearSystemId, clearUserId: a.clearUserId,
  };
  for (const [k, v] of Object.entries(attrs)) if (!(k in out)) out[k] = v;
  out['@type'] ??= 'Alarm';
  // netcare extension: the outage network issue this alarm opened
  out.networkIssue = { id: a.issueId, href: `/api/v1/network-issues/${a.issueId}` };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== null && v !== undefined));
}

/** One alarm in the caller's scope, or undefined. */
export async function findAlarm(c: Ctx, id: number): Promise<AlarmRow | undefined> {
  return loadAlarm(c.deps.db.kysely, id, c.actor);
}

/**
 * An alarm pushed by the NMS (DESIGN §2, §9): opens an `outage` issue covering the alarmed cell,
 * or every cell of the alarmed site. The same alarm again — the same `externalAlarmId`, or without
 * one an uncleared alarm from the same source on the same object and cause — is not a new alarm:
 * it updates and extends the open issue (created false). A clearing message closes the issue.
 */
export async function raiseAlarm(c: Ctx, b: AlarmFields): Promise<{ created: boolean; alarm: AlarmRow }> {
  try {
    return await raiseOnce(c, b);
  } catch (err) {
    // two pushes of one externalAlarmId at once: the loser's insert breaks the unique index; again, it finds the winner's alarm
    if (b.externalAlarmId && isUniqueViolation(err)) return raiseOnce(c, b);
    throw err;
  }
}

async function raiseOnce(c: Ctx, b: AlarmFields): Promise<{ created: boolean; alarm: AlarmRow }> {
  const now = c.deps.clock.now();
  const raisedAt = time('alarmRaisedTime', b.alarmRaisedTime)!;
  const sev = severity(b.perceivedSeverity)!;
  state(b.state);
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    let same: AlarmRow | undefined;
    if (b.externalAlarmId) {
      const hit = await trx.selectFrom('networkAlarm').select(['id', 'regionId']).where('externalAlarmId', '=', b.externalAlarmId).executeTakeFirst();
      if (hit) {
        same = await loadAlarm(trx, Number(hit.id), c.actor);
        if (!same) throw tmfError(409, 'conflict', `externalAlarmId ${b.externalAlarmId} belongs to an alarm outside your region`);
      }
    } else {
      let q = trx.selectFrom('networkAlarm').select('id').where('alarmedObjectId', '=', b.alarmedObject!.id).where('state', '<>', 'cleared')
        .where('sourceSystemId', '=', b.sourceSystemId!).where('alarmType', '=', b.alarmType!).where('probableCause', '=', b.probableCause!)
        .where('externalAlarmId', 'is', null);
      q = b.specificProblem ? q.where('specificProblem', '=', b.specificProblem) : q.where('specificProblem', 'is', null);
      const hit = await q.orderBy('id', 'desc').executeTakeFirst();
      if (hit) same = await loadAlarm(trx, Number(hit.id), c.actor);
    }
    if (same) return { created: false, alarm: await applyUpdate(trx, c, same, b, { replay: true }) };

    const obj = await resolveObject(trx, c, b);
    const regionCount = new Map<string, number>();
    for (const cell of obj.cells) regionCount.set(cell.regionId, (regionCount.get(cell.regionId) ?? 0) + 1);
    const regionId = [...regionCount].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
    const clearing = isClearing(b);
    const clearedAt = clearing ? (time('alarmClearedTime', b.alarmClearedTime) ?? now) : null;
    const texts = outageTexts(b, obj);
    const issue = await storeIssue(trx, c, {
      kind: 'outage', ...texts, regionId, startsAt: raisedAt, endsAt: clearedAt != null ? Math.max(raisedAt, clearedAt) : null,
      plannedDate: null, status: clearing ? 'closed' : 'open', source: 'alarm', externalAlarmId: b.externalAlarmId ?? null,
      circleLon: null, circleLat: null, circleRadiusM: null, createdBy: c.actor.name, createdAt: now, updatedAt: now, closedAt: clearing ? now : null,
    }, obj.cells.map((x) => x.id));
    const inserted = await trx.insertInto('networkAlarm').values({
      externalAlarmId: b.externalAlarmId ?? null, issueId: issue.id, regionId, state: clearing ? 'cleared' : 'raised',
      perceivedSeverity: clearing ? 'cleared' : sev, alarmType: b.alarmType!, probableCause: b.probableCause!, specificProblem: b.specificProblem ?? null,
      sourceSystemId: b.sourceSystemId!, alarmedObjectId: b.alarmedObject!.id, alarmedObjectType: b.alarmedObjectType ?? null,
      raisedAt, reportedAt: time('alarmReportingTime', b.alarmReportingTime), changedAt: time('alarmChangedTime', b.alarmChangedTime) ?? now,
      clearedAt, clearSystemId: b.clearSystemId ?? null, clearUserId: b.clearUserId ?? null,
      attributes: JSON.stringify(passthrough(b)), createdBy: c.actor.name, createdAt: now, updatedAt: now,
    }).returning('id').executeTakeFirstOrThrow();
    const alarm = (await loadAlarm(trx, Number(inserted.id), null))!;
    await audit(trx, c, clearing ? 'alarm.cleared' : 'alarm.raised', alarm, { networkIssueId: issue.id, object: b.alarmedObject!.id, cells: obj.cells.length, severity: sev });
    return { created: true, alarm };
  });
}

/** A TMF642 PATCH: updates the alarm and extends its open issue, or clears it and closes the issue. 404 outside scope. */
export async function patchAlarm(c: Ctx, id: number, b: AlarmFields): Promise<AlarmRow> {
  severity(b.perceivedSeverity);
  state(b.state);
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const alarm = await loadAlarm(trx, id, c.actor);
    if (!alarm) throw tmfError(404, 'not_found', `alarm ${id} not found`);
    if (b.externalAlarmId !== undefined && b.externalAlarmId !== alarm.externalAlarmId) {
      throw tmfError(400, 'immutable_field', 'externalAlarmId cannot change', 'send the externalAlarmId the alarm was raised with, or leave it out');
    }
    return applyUpdate(trx, c, alarm, b, { replay: false });
  });
}

async function applyUpdate(trx: Q, c: Ctx, alarm: AlarmRow, b: AlarmFields, opts: { replay: boolean }): Promise<AlarmRow> {
  const now = c.deps.clock.now();
  const clearing = isClearing(b);
  if (alarm.state === 'cleared') {
    // a repeated push or a repeated clear changes nothing; anything else on a cleared alarm is refused (X.733)
    if (opts.replay || clearing) return alarm;
    throw tmfError(409, 'alarm_cleared', `alarm ${alarm.id} is cleared`, 'a cleared alarm cannot change; raise a new alarm');
  }
  const issue = (await getIssue(trx, alarm.issueId, null))!;
  let objectId = alarm.alarmedObjectId;
  let addedCells = 0;
  if (b.alarmedObject && (b.alarmedObject.id !== alarm.alarmedObjectId || (b.alarmedObjectType ?? alarm.alarmedObjectType) !== alarm.alarmedObjectType)) {
    const obj = await resolveObject(trx, c, { ...b, alarmedObjectType: b.alarmedObjectType ?? alarm.alarmedObjectType ?? undefined });
    objectId = b.alarmedObject.id;
    if (issue.status === 'open') {
      const before = new Set(issue.cells);
      const extra = obj.cells.map((x) => x.id).filter((x) => !before.has(x));
      await addIssueCells(trx, issue.id, extra);
      addedCells = extra.length;
    }
  }
  const clearedAt = clearing ? (time('alarmClearedTime', b.alarmClearedTime) ?? now) : null;
  const changedAt = time('alarmChangedTime', b.alarmChangedTime) ?? now;
  const reportedAt = b.alarmReportingTime !== undefined ? time('alarmReportingTime', b.alarmReportingTime) : alarm.reportedAt;
  const nextState = clearing ? 'cleared' : (state(b.state) ?? (alarm.state === 'raised' && !opts.replay ? 'updated' : alarm.state));
  await trx.updateTable('networkAlarm').set({
    state: nextState,
    perceivedSeverity: clearing ? 'cleared' : (severity(b.perceivedSeverity) ?? alarm.perceivedSeverity),
    alarmType: b.alarmType ?? alarm.alarmType, probableCause: b.probableCause ?? alarm.probableCause,
    specificProblem: b.specificProblem ?? alarm.specificProblem, alarmedObjectId: objectId,
    alarmedObjectType: b.alarmedObjectType ?? alarm.alarmedObjectType, reportedAt, changedAt,
    clearedAt: clearedAt ?? alarm.clearedAt, clearSystemId: b.clearSystemId ?? alarm.clearSystemId, clearUserId: b.clearUserId ?? alarm.clearUserId,
    attributes: JSON.stringify(passthrough(b, JSON.parse(alarm.attributes))), updatedAt: now,
  }).where('id', '=', alarm.id).execute();
  if (issue.status === 'open') {
    if (clearing) await closeIssueRow(trx, issue, now, clearedAt!);
    else await updateIssueRow(trx, issue.id, { updatedAt: now });
  }
  await audit(trx, c, clearing ? 'alarm.cleared' : 'alarm.updated', alarm, { networkIssueId: issue.id, addedCells, issueClosed: clearing && issue.status === 'open' });
  return (await loadAlarm(trx, alarm.id, null))!;
}
