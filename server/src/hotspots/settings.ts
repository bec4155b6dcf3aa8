import type { Q } from '../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { DEFAULT_RULE, type HotspotRule } from './windows.ts';

/** Bounds an admin may set (§4 thresholds are settings). */
export const RULE_LIMITS = { minComplaintsMin: 2, minComplaintsMax: 1000, windowMinutesMin: 1, windowMinutesMax: 24 * 60 };

// Re-read at most every 2 s per database: detection runs on every network ticket, the rule changes rarely.
const TTL_MS = 2000;
const cache = new WeakMap<object, { at: number; rule: HotspotRule }>();

/**
 * The §4 thresholds as stored (one primary-key row). With `cacheKey` (the database handle, not a
 * transaction) the row is reused for 2 s: a change by an admin applies in this process at once and
 * in other server processes within 2 s.
 */
export async function hotspotRule(db: Q, cacheKey?: object, now = Date.now()): Promise<HotspotRule> {
  const hit = cacheKey ? cache.get(cacheKey) : undefined;
  if (hit && now - hit.at < TTL_MS && now >= hit.at) return hit.rule;
  const r = await db.selectFrom('hotspotSetting').select(['minComplaints', 'windowMs']).where('id', '=', 'default').executeTakeFirst();
  const rule = r ? { minComplaints: Number(r.minComplaints), windowMs: Number(r.windowMs) } : DEFAULT_RULE;
  if (cacheKey) cache.set(cacheKey, { at: now, rule });
  return rule;
}

/** Forgets cached thresholds (after a change in this process). */
export function invalidateHotspotRule(cacheKey: object): void {
  cache.delete(cacheKey);
}

/**
 * Changes the thresholds. Groups already found stay as they are: the rule applies to complaints
 * stored from now on (re-deciding history is a separate, deliberate step).
 */
export async function setHotspotRule(db: Q, actor: Actor, input: { minComplaints: number; windowMinutes: number }, now: number): Promise<HotspotRule> {
  const { minComplaints, windowMinutes } = input;
  if (!Number.isInteger(minComplaints) || minComplaints < RULE_LIMITS.minComplaintsMin || minComplaints > RULE_LIMITS.minComplaintsMax) {
    throw errors.validation(`minComplaints must be an integer from ${RULE_LIMITS.minComplaintsMin} to ${RULE_LIMITS.minComplaintsMax}`, { minComplaints });
  }
  if (!Number.isInteger(windowMinutes) || windowMinutes < RULE_LIMITS.windowMinutesMin || windowMinutes > RULE_LIMITS.windowMinutesMax) {
    throw errors.validation(`windowMinutes must be an integer from ${RULE_LIMITS.windowMinutesMin} to ${RULE_LIMITS.windowMinutesMax}`, { windowMinutes });
  }
  const row = { minComplaints, windowMs: windowMinutes * 60_000, updatedBy: actor.name, updatedAt: now };
  await db.insertInto('hotspotSetting').values({ id: 'default', ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  return { minComplaints, windowMs: row.windowMs };
}
