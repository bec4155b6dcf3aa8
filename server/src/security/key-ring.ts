import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPii, makePii, type Pii } from '../pii/pii.ts';
import { ERASED } from './erasure.ts';

/** The key file in the data folder (pii/pii.ts creates it on first start). */
export interface KeyFile {
  current: string;
  keys: Record<string, string>;
  indexKey: string;
  /** set while `netcare pii rotate` re-encrypts: the keys being replaced (resumed after a crash) */
  rotation?: { from: string[]; startedAt: string };
}

export const keyFilePath = (dataDir: string) => join(dataDir, 'pii-keys.json');

export function readKeyFile(path: string): KeyFile {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
}

/** Writes a key file atomically (temp file, fsync, rename), readable by its owner only. */
export function writeKeyFile(path: string, f: KeyFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(f, null, 2), { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try { fsyncSync(dir); } finally { closeSync(dir); }
}

/** A new key id after the existing ones: k1, k2, … (ids stay [a-z0-9] so they can be matched as text prefixes). */
export function nextKeyId(ids: string[]): string {
  const n = Math.max(0, ...ids.map((id) => /^k(\d+)$/.exec(id)?.[1]).filter(Boolean).map(Number));
  return `k${n + 1}`;
}

export const newKeyMaterial = () => randomBytes(32).toString('base64');

/** How often an encrypting process looks at the key file's modification time. */
const RECHECK_MS = 1000;

/**
 * The server's key ring (issue 9): pii/pii.ts's AES-256-GCM ring, but following `netcare pii
 * rotate` while running. It re-reads `pii-keys.json` when the file changed (checked at most
 * once a second before encrypting, so a new current key is used within about a second) and at
 * once when a value names a key it does not hold (a row another process re-encrypted).
 * It reads the retention marker as an empty value. Keys from NETCARE_PII_KEYS do not change
 * while the process runs.
 */
export function loadKeyRing(env: NodeJS.ProcessEnv, dataDir: string): Pii {
  let inner = loadPii(env, dataDir);
  const file = env.NETCARE_PII_KEYS ? null : keyFilePath(dataDir);
  let mtime = file ? statSync(file).mtimeMs : 0;
  let checkedAt = Date.now();
  const reload = (force: boolean) => {
    if (!file) return;
    checkedAt = Date.now();
    const m = existsSync(file) ? statSync(file).mtimeMs : mtime;
    if (!force && m === mtime) return;
    const f = readKeyFile(file);
    inner = makePii({ keys: new Map(Object.entries(f.keys).map(([id, k]) => [id, Buffer.from(k, 'base64')])), current: f.current, indexKey: Buffer.from(f.indexKey, 'base64') });
    mtime = m;
  };
  return {
    get currentKeyId() { return inner.currentKeyId; },
    encrypt(text) {
      if (file && Date.now() - checkedAt >= RECHECK_MS) reload(false);
      return inner.encrypt(text);
    },
    decrypt(stored) {
      if (stored === ERASED) return '';
      try {
        return inner.decrypt(stored);
      } catch (err) {
        if (!file || !/^no key /.test((err as Error).message)) throw err;
        reload(true);
        return inner.decrypt(stored);
      }
    },
    blindIndex: (text) => inner.blindIndex(text),
  };
}
