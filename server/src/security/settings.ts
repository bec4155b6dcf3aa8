/**
 * Settings of the protections in this folder, read once from the environment (issue 9).
 * They live here rather than in config.ts so the security layer can be tuned on its own:
 *
 * - `NETCARE_RATE_LIMIT_USER`    `RATE,BURST` requests per second per signed-in user or API key (default `20,200`: the console loads a page with bursts of requests)
 * - `NETCARE_RATE_LIMIT_ADDRESS` `RATE,BURST` requests per second per client address (default `100,300`)
 * - `NETCARE_RATE_LIMIT_LOGIN`   `RATE,BURST` sign-in attempts per second per address (default `1,30`: one a second after a burst of 30; scrypt makes each one costly)
 *   each of them `off` to switch that limit off
 * - `NETCARE_RETENTION_DAYS`     personal data of tickets closed longer ago is erased (default 1095, 3 years; `off` keeps it)
 */
export interface Bucket {
  /** tokens added per second: the sustained rate */
  rate: number;
  /** bucket size: how many requests may come at once after a quiet spell */
  burst: number;
}

export interface SecuritySettings {
  rateLimit: { user: Bucket | null; address: Bucket | null; login: Bucket | null };
  /** days after closing that personal data is kept; null keeps it for ever */
  retentionDays: number | null;
}

export const DEFAULT_SECURITY: SecuritySettings = {
  rateLimit: { user: { rate: 20, burst: 200 }, address: { rate: 100, burst: 300 }, login: { rate: 1, burst: 30 } },
  retentionDays: 1095,
};

/** No rate limits: what buildApp uses unless given settings (in-process API tests fire thousands of requests a second). */
export const NO_LIMITS: SecuritySettings = { ...DEFAULT_SECURITY, rateLimit: { user: null, address: null, login: null } };

function bucket(name: string, value: string | undefined, fallback: Bucket | null): Bucket | null {
  if (value === undefined || value === '') return fallback;
  if (value === 'off' || value === '0') return null;
  const [rate, burst] = value.split(',').map((s) => Number(s.trim()));
  if (!(rate > 0) || !(burst >= 1) || !Number.isFinite(rate) || !Number.isFinite(burst)) {
    throw new Error(`${name} must be "RATE,BURST" (requests per second, bucket size) or off, got ${value}`);
  }
  return { rate, burst: Math.floor(burst) };
}

/** Reads the settings; a malformed value stops the start with a message naming the variable. */
export function loadSecuritySettings(env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  const d = DEFAULT_SECURITY;
  let retentionDays = d.retentionDays;
  const r = env.NETCARE_RETENTION_DAYS;
  if (r === 'off') retentionDays = null;
  else if (r !== undefined && r !== '') {
    retentionDays = Number(r);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`NETCARE_RETENTION_DAYS must be a whole number of days (at least 1) or off, got ${r}`);
  }
  return {
    rateLimit: {
      user: bucket('NETCARE_RATE_LIMIT_USER', env.NETCARE_RATE_LIMIT_USER, d.rateLimit.user),
      address: bucket('NETCARE_RATE_LIMIT_ADDRESS', env.NETCARE_RATE_LIMIT_ADDRESS, d.rateLimit.address),
      login: bucket('NETCARE_RATE_LIMIT_LOGIN', env.NETCARE_RATE_LIMIT_LOGIN, d.rateLimit.login),
    },
    retentionDays,
  };
}
