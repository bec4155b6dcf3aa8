import type { Q } from '../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { DEFAULT_RULE, type HotspotRule } from './windows.ts';

/** Bounds an admin may set (§4 thresholds are settings). */
export const RULE_LIMITS = { minComplaintsMin: 2, minComplaintsMax: 1000, windowMinutesMin: 1, windowMinutesMax: 24 * 60 };

/**
 * The §4 thresholds as stored. Read on every detection (one primary-key row): a change by an
 * admin applies to the next complaint in every server process at once.
 */
export async function hotspotRule(db: Q): Promise<HotspotRule> {
  const r = await db.selectFrom('hotspotSetting').select(['minComplaints', 'windowMs']).where('id', '=', 'default').executeTakeFirst();
  return r ? { minComplaints: Number(r.minComplaints), windowMs: Number(r.windowMs) } : DEFAULT_RULE;
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
