import { Type } from 'typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { IntakeBody, EventBody } from '../tickets/schemas.ts';
import { STEP_TYPES, SYSTEM_EVENT_TYPES, type StepType } from '../tickets/workflow.ts';
import type { IntakeInput } from '../tickets/intake.ts';
import type { StepInput } from '../tickets/apply-event.ts';
import { parseIso } from '../shared/time.ts';

/**
 * One row of the history import (DESIGN §11 `POST /api/v1/import/tickets`): the intake fields,
 * `externalId`, `reportedAt` and `events` in the event-table vocabulary, each with its time `at`
 * and optionally the `actor` (a username) who took the step. Everything that can be checked
 * without the database is checked here; categories, cells, departments and the state machine
 * are checked when the row is applied.
 */

/** Most events one imported ticket may carry (a long history has a few dozen). */
export const MAX_EVENTS_PER_TICKET = 500;
/** Steps may be up to this far ahead of the server's clock (as intake allows for reportedAt). */
export const FUTURE_SLACK_MS = 5 * 60_000;

const IsoTime = Type.String({ minLength: 16, maxLength: 40, description: 'ISO 8601 with offset' });

/** The row without its events: the intake body with `externalId` and `reportedAt` required. */
export const ImportRowSchema = Type.Object({
  ...IntakeBody.properties,
  externalId: Type.String({ minLength: 1, maxLength: 128 }),
  reportedAt: IsoTime,
  events: Type.Optional(Type.Array(Type.Unknown(), { maxItems: MAX_EVENTS_PER_TICKET })),
}, { additionalProperties: false });

/** One imported event: a workflow step's fields plus its time and original actor. */
export const ImportEventSchema = Type.Object({
  ...EventBody.properties,
  type: Type.String({ minLength: 1, maxLength: 64 }),
  at: IsoTime,
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
}, { additionalProperties: false });

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
// verbose: errors carry their schema, so a failed union of literals can name the allowed values
const ajv = addFormats(new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false, verbose: true }));
const validateRow: ValidateFunction = ajv.compile(ImportRowSchema as object);
const validateEvent: ValidateFunction = ajv.compile(ImportEventSchema as object);

/** The first schema error as one readable sentence, e.g. `customer.msisdn must NOT have fewer than 5 characters`. */
function describe(errors: ErrorObject[] | null | undefined, prefix: string): string {
  const list = errors ?? [];
  // a union of literals reports one `const` error per branch, then `anyOf`: name the allowed values
  const any = list.find((e) => e.keyword === 'anyOf');
  const e = any ?? list[0];
  if (!e) return `${prefix} is invalid`;
  const path = `${prefix}${e.instancePath.replace(/\//g, '.')}`;
  if (e.keyword === 'anyOf') {
    const options = ((e.schema as any[]) ?? []).map((s) => s?.const).filter((v) => v !== undefined);
    return options.length ? `${path} must be one of ${options.join(', ')}` : `${path} ${e.message}`;
  }
  if (e.keyword === 'additionalProperties') return `${path} has an unknown field '${(e.params as any).additionalProperty}'`;
  if (e.keyword === 'required') return `${path === prefix ? prefix : path} is missing ${(e.params as any).missingProperty}`;
  return `${path} ${e.message}`;
}

/** A row that passed every check not needing the database. */
export interface ImportRow {
  /** 1-based position in the file (array index or NDJSON line) */
  row: number;
  externalId: string;
  reportedAt: number;
  intake: IntakeInput;
  events: ImportEvent[];
}

/** One parsed event: the step, its time, and the username it names (if any). */
export interface ImportEvent {
  step: StepInput;
  at: number;
  /** the time as written, for reasons */
  atText: string;
  actor: string | null;
}

/** Why a row was not imported. `row` is extra to the DESIGN answer: it finds rows without an externalId. */
export interface Rejection { row: number; externalId: string | null; reason: string }

export type RowCheck = { ok: ImportRow } | { reject: Rejection };

const STEP_SET: ReadonlySet<string> = new Set(STEP_TYPES);
const SYSTEM_SET: ReadonlySet<string> = new Set(SYSTEM_EVENT_TYPES);

/** A raw row before checks: parsed JSON, or the reason its text could not be parsed. */
export type RawRow = { row: number; value: unknown } | { row: number; error: string };

/** The externalId a raw value names, when it names one (for rejections and duplicate checks). */
export function externalIdOf(value: unknown): string | null {
  const v = (value as { externalId?: unknown } | null)?.externalId;
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/**
 * Checks one row's shape, times and event vocabulary: events must be known workflow steps, in
 * time order, not before `reportedAt` and not in the future (`now` + 5 min).
 */
export function checkRow(raw: RawRow, now: number): RowCheck {
  if ('error' in raw) return { reject: { row: raw.row, externalId: null, reason: raw.error } };
  const o = raw.value;
  const externalId = externalIdOf(o);
  const reject = (reason: string): RowCheck => ({ reject: { row: raw.row, externalId, reason } });
  if (!o || typeof o !== 'object' || Array.isArray(o)) return reject('the row is not a JSON object');
  const rec = o as Record<string, unknown>;
  if (rec.externalId === undefined || rec.externalId === null || rec.externalId === '') return reject('externalId is missing: every imported ticket needs one');
  if (rec.reportedAt === undefined) return reject('reportedAt is missing: an imported ticket keeps its original time');
  if (!validateRow(o)) return reject(describe(validateRow.errors, 'row'));
  const reportedAt = parseIso(rec.reportedAt as string);
  if (reportedAt == null) return reject(`reportedAt ${rec.reportedAt} is not an ISO 8601 time with offset, e.g. 2026-03-07T17:00:00+08:00`);
  if (reportedAt > now + FUTURE_SLACK_MS) return reject(`reportedAt ${rec.reportedAt} is in the future`);

  const events: ImportEvent[] = [];
  let previous = reportedAt;
  const list = (rec.events as unknown[] | undefined) ?? [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Record<string, unknown>;
    const label = `event ${i + 1}`;
    if (!e || typeof e !== 'object' || Array.isArray(e)) return reject(`${label} is not a JSON object`);
    if (typeof e.type !== 'string') return reject(`${label} has no type`);
    if (SYSTEM_SET.has(e.type)) return reject(`${label}: ${e.type} is recorded by the system itself, it cannot be imported`);
    if (!STEP_SET.has(e.type)) return reject(`${label}: unknown event type ${e.type}; one of ${STEP_TYPES.join(', ')}`);
    if (e.at === undefined) return reject(`${label} (${e.type}) has no time: give at`);
    if (!validateEvent(e)) return reject(describe(validateEvent.errors, label));
    const at = parseIso(e.at as string);
    if (at == null) return reject(`${label} (${e.type}): at ${e.at} is not an ISO 8601 time with offset`);
    if (at < reportedAt) return reject(`${label} (${e.type}) at ${e.at} is before reportedAt ${rec.reportedAt}`);
    if (at < previous) return reject(`${label} (${e.type}) at ${e.at} is before the event before it: events must be in time order`);
    if (at > now + FUTURE_SLACK_MS) return reject(`${label} (${e.type}) at ${e.at} is in the future`);
    previous = at;
    const { type, at: _at, actor, ...fields } = e;
    events.push({ step: { type: type as StepType, ...fields } as StepInput, at, atText: e.at as string, actor: (actor as string | undefined) ?? null });
  }

  const { events: _events, ...intake } = rec;
  return { ok: { row: raw.row, externalId: externalId!, reportedAt, intake: intake as unknown as IntakeInput, events } };
}

/** Splits an NDJSON body into rows: one JSON value per non-empty line; a line that is not JSON is a rejected row. */
export function ndjsonRows(text: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    try {
      rows.push({ row: i + 1, value: JSON.parse(line) });
    } catch (err: any) {
      rows.push({ row: i + 1, error: `line ${i + 1} is not valid JSON: ${err?.message ?? err}` });
    }
  }
  return rows;
}

/** Rows of a JSON array, numbered from 1. */
export function arrayRows(values: readonly unknown[]): RawRow[] {
  return values.map((value, i) => ({ row: i + 1, value }));
}
