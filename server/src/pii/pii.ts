import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Personal data at rest (DESIGN §1, issue 9): AES-256-GCM with a key id so keys can rotate
 * (the newest key encrypts, any listed key decrypts), and an HMAC blind index so a phone
 * number can be found and compared without decrypting.
 */
export interface Pii {
  encrypt(text: string): string;
  decrypt(stored: string): string;
  /** deterministic keyed hash of a normalised value: equal inputs, equal index */
  blindIndex(text: string): string;
  /** id of the key new values are encrypted with */
  currentKeyId: string;
}

interface KeyRing { keys: Map<string, Buffer>; current: string; indexKey: Buffer }

export function makePii(ring: KeyRing): Pii {
  const current = ring.keys.get(ring.current);
  if (!current || current.length !== 32) throw new Error('the current personal-data key must be 32 bytes');
  return {
    currentKeyId: ring.current,
    encrypt(text) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', current, iv);
      const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return `${ring.current}:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')}`;
    },
    decrypt(stored) {
      const i = stored.indexOf(':');
      const key = ring.keys.get(stored.slice(0, i));
      if (!key) throw new Error(`no key ${stored.slice(0, i)} to decrypt personal data`);
      const raw = Buffer.from(stored.slice(i + 1), 'base64url');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
    blindIndex(text) {
      return createHmac('sha256', ring.indexKey).update(text).digest('hex').slice(0, 40);
    },
  };
}

/**
 * Loads the key ring: `NETCARE_PII_KEYS` ("id:base64key,id:base64key", last is current) and
 * `NETCARE_PII_INDEX_KEY`, or else `pii-keys.json` in the data folder, created on first start.
 */
export function loadPii(env: NodeJS.ProcessEnv, dataDir: string): Pii {
  if (env.NETCARE_PII_KEYS) {
    const pairs = env.NETCARE_PII_KEYS.split(',').map((p) => p.trim().split(':'));
    const keys = new Map(pairs.map(([id, k]) => [id, Buffer.from(k, 'base64')]));
    const indexKey = Buffer.from(env.NETCARE_PII_INDEX_KEY ?? '', 'base64');
    if (indexKey.length < 16) throw new Error('NETCARE_PII_INDEX_KEY (base64, 32 bytes) must be set with NETCARE_PII_KEYS');
    return makePii({ keys, current: pairs[pairs.length - 1][0], indexKey });
  }
  const file = join(dataDir, 'pii-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const init = { current: 'k1', keys: { k1: randomBytes(32).toString('base64') }, indexKey: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(init, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const f = JSON.parse(readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string>; indexKey: string };
  return makePii({ keys: new Map(Object.entries(f.keys).map(([id, k]) => [id, Buffer.from(k, 'base64')])), current: f.current, indexKey: Buffer.from(f.indexKey, 'base64') });
}

/** A fixed key ring for tests. */
export function testPii(): Pii {
  return makePii({ keys: new Map([['t1', Buffer.alloc(32, 7)]]), current: 't1', indexKey: Buffer.alloc(32, 9) });
}
