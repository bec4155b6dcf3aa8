/**
 * ISO 8601 durations for SLA policies (§11 `PUT /api/v1/sla-policies/{id}`: `duration: "PT4H"`).
 *
 * Only units with a fixed length are accepted: weeks, days, hours, minutes and seconds
 * (a day counts as 24 h; whether those hours are working hours is the calendar's business,
 * §5). Years and months have no fixed length and are refused.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** A duration that cannot be parsed or formatted; `reason` says why, for the 400 answer. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
  constructor(
    /** The offending input, echoed back to the caller. */
    readonly input: unknown,
    /** Why it was refused, in words a console user understands. */
    readonly reason: string,
  ) {
    super(`Invalid duration ${typeof input === 'string' ? `'${input}'` : String(input)}: ${reason}`);
  }
}

// P[nW][nD][T[nH][nM][nS]]; a decimal fraction is allowed on the last component only (ISO 8601).
const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
const PATTERN = new RegExp(String.raw`^P(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`);
const UNIT_MS = [WEEK, DAY, HOUR, MINUTE, SECOND] as const;

/** Explains why a string that failed the pattern is not an accepted duration. */
function diagnose(text: string): string {
  if (text.length === 0) return 'it is empty';
  if (/\s/.test(text)) return 'it must not contain spaces';
  if (text.startsWith('-') || text.startsWith('+')) return 'signed durations are not supported';
  if (/^p/i.test(text) && /[a-z]/.test(text)) return 'designators must be upper-case (e.g. PT4H, not pt4h)';
  if (!text.startsWith('P')) return "it must start with 'P' (e.g. PT4H, P3D, P1DT2H)";
  const [date, time = ''] = text.slice(1).split('T');
  if (/\d(?:[.,]\d+)?Y/.test(date)) return 'years have no fixed length; use days (e.g. P365D)';
  if (/\d(?:[.,]\d+)?M/.test(date)) return 'months have no fixed length; use days (e.g. P30D), or PT…M for minutes';
  if (/[HS]/.test(date)) return "hours, minutes and seconds go after 'T' (e.g. PT4H)";
  if (/[.,]\d+[A-Z]./.test(text)) return 'only the last component may have a fraction';
  if (/[WD]/.test(time)) return "weeks and days go before 'T' (e.g. P1DT2H)";
  return 'expected P[nW][nD][T[nH][nM][nS]] with each unit at most once, in that order';
}

/** Milliseconds of one component, exact (BigInt) so that PT0.1H is 360000, not 360000.00000000006. */
function componentMs(text: string, unitMs: number, input: string): bigint {
  const [whole, frac = ''] = text.split(/[.,]/);
  if (frac.length > 9) throw new DurationError(input, 'at most 9 fractional digits');
  const scale = 10n ** BigInt(frac.length);
  const scaled = (BigInt(whole) * scale + BigInt(frac || '0')) * BigInt(unitMs);
  if (scaled % scale !== 0n) throw new DurationError(input, 'it is finer than a millisecond');
  return scaled / scale;
}

/**
 * Parses an ISO 8601 duration (`PT4H`, `PT30M`, `P3D`, `P1DT2H`, `PT1H30M`, `PT90S`, `PT0.5H`)
 * to milliseconds. Throws a DurationError with the reason for anything else, so that the
 * API can refuse a policy with a useful message instead of storing a time limit it cannot count.
 */
export function parseDuration(input: string): number {
  if (typeof input !== 'string') throw new DurationError(input, 'it must be a string such as PT4H');
  const m = PATTERN.exec(input);
  if (!m || input === 'P' || input.endsWith('T')) {
    throw new DurationError(input, m ? 'it has no components (e.g. PT4H)' : diagnose(input));
  }
  const parts = m.slice(1);
  const present = parts.map((p, i) => (p === undefined ? -1 : i)).filter((i) => i >= 0);
  const last = present[present.length - 1];
  let total = 0n;
  for (const i of present) {
    const text = parts[i]!;
    if (i !== last && /[.,]/.test(text)) throw new DurationError(input, 'only the last component may have a fraction');
    total += componentMs(text, UNIT_MS[i], input);
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new DurationError(input, 'it is too long');
  return Number(total);
}

/**
 * Formats milliseconds as the canonical ISO 8601 duration (largest unit days, e.g. `P1DT2H`,
 * `PT1H30M`, `PT1.5S`, `PT0S`); `parseDuration(formatDuration(ms)) === ms`. Used to answer
 * policies in the same notation they were saved in.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new DurationError(ms, 'it must be a whole, non-negative number of milliseconds');
  }
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const seconds = Math.floor((ms % MINUTE) / SECOND);
  const millis = ms % SECOND;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds || millis) time += millis ? `${seconds}.${String(millis).padStart(3, '0').replace(/0+$/, '')}S` : `${seconds}S`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
