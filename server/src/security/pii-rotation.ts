import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connect.ts';
import { makePii, type Pii } from '../pii/pii.ts';
import { loadPii } from '../pii/pii.ts';
import { appendAudit } from '../audit/repository.ts';
import { keyFilePath, newKeyMaterial, nextKeyId, readKeyFile, writeKeyFile, type KeyFile } from './key-ring.ts';
import { countNotUnder, reencryptAll } from './reencrypt.ts';

export interface RotationIo {
  say(msg: string): void;
  progress(done: number, total: number): void;
  /** how long running servers get to notice the key file changed (they look at most once a second) */
  graceMs?: number;
  /** rows per transaction (default 500) */
  batch?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ringOf = (f: KeyFile): Pii => makePii({
  keys: new Map(Object.entries(f.keys).map(([id, k]) => [id, Buffer.from(k, 'base64')])), current: f.current, indexKey: Buffer.from(f.indexKey, 'base64'),
});

/**
 * Re-encrypts until a pass finds nothing left under another key. The pause before each pass
 * lets running servers pick up the new current key, so a value one of them encrypted with the
 * old key just before it noticed is caught by the next pass.
 */
async function reencryptUntilDone(db: Db, pii: Pii, io: RotationIo): Promise<number> {
  const grace = io.graceMs ?? 2000;
  let total = await reencryptAll(db, pii, { onProgress: io.progress, batch: io.batch });
  for (let pass = 0; pass < 10; pass++) {
    if (grace) await sleep(grace);
    total += await reencryptAll(db, pii, { onProgress: io.progress, batch: io.batch });
    const left = Object.values(await countNotUnder(db, pii.currentKeyId)).reduce((a, b) => a + b, 0);
    if (left === 0) return total;
  }
  throw new Error('values under old keys keep appearing: is a netcare process running with an old key file? Run the rotation again.');
}

/**
 * `netcare pii rotate` (issue 9). With the key file in the data folder:
 * 1. a new key is added and made current, and the file records the rotation (so a rotation
 *    cut short resumes instead of adding yet another key);
 * 2. every encrypted value under an older key is re-encrypted in batches, with progress, while
 *    the servers run: they re-read the file, so the old keys still decrypt until the end;
 * 3. then the old keys leave the active file for `pii-keys.retired-<time>.json` — needed only to
 *    read backups taken before the rotation — and the rotation is audited.
 * With NETCARE_PII_KEYS the environment is the key ring and netcare cannot change it: the
 * command re-encrypts what is not under the current (last) key, or prints a new key to add.
 * Returns the exit code.
 */
export async function rotatePiiKeys(db: Db, env: NodeJS.ProcessEnv, dataDir: string, io: RotationIo): Promise<number> {
  const now = io.now ?? Date.now;
  if (env.NETCARE_PII_KEYS) {
    const pii = loadPii(env, dataDir);
    const left = Object.values(await countNotUnder(db, pii.currentKeyId)).reduce((a, b) => a + b, 0);
    if (left === 0) {
      const ids = env.NETCARE_PII_KEYS.split(',').map((p) => p.trim().split(':')[0]);
      io.say('Every value is under the current key. The keys come from NETCARE_PII_KEYS, which netcare cannot change. To rotate:');
      io.say(`  1. append ",${nextKeyId(ids)}:${newKeyMaterial()}" to NETCARE_PII_KEYS on every netcare process and restart them (the last key is current);`);
      io.say('  2. run `netcare pii rotate` again: it re-encrypts every value under the new key;');
      io.say('  3. then remove the old keys from NETCARE_PII_KEYS (keep them with the backups taken before).');
      return 2;
    }
    const n = await reencryptUntilDone(db, pii, { ...io, graceMs: 0 });
    await audit(db, now(), { to: pii.currentKeyId, reencrypted: n, via: 'env' });
    io.say(`\n${n} values re-encrypted under ${pii.currentKeyId}; remove the older keys from NETCARE_PII_KEYS on every process.`);
    return 0;
  }

  const path = keyFilePath(dataDir);
  if (!existsSync(path)) loadPii(env, dataDir); // creates the first key file, as the server would
  let f = readKeyFile(path);
  if (f.rotation) {
    io.say(`Resuming the rotation to ${f.current} started ${f.rotation.startedAt} (replacing ${f.rotation.from.join(', ')}).`);
  } else {
    const id = nextKeyId(Object.keys(f.keys));
    f = { ...f, current: id, keys: { ...f.keys, [id]: newKeyMaterial() }, rotation: { from: Object.keys(f.keys), startedAt: new Date(now()).toISOString() } };
    writeKeyFile(path, f);
    io.say(`New key ${id} is current (old keys still decrypt until the rotation finishes). Re-encrypting…`);
  }
  const pii = ringOf(f);
  const n = await reencryptUntilDone(db, pii, io);

  // finished: the old keys leave the active ring
  const from = f.rotation!.from.filter((id) => id !== f.current);
  const retired = join(dataDir, `pii-keys.retired-${new Date(now()).toISOString().replace(/[:.]/g, '-')}.json`);
  writeKeyFile(retired, { current: f.current, keys: Object.fromEntries(from.map((id) => [id, f.keys[id]])), indexKey: f.indexKey });
  writeKeyFile(path, { current: f.current, keys: { [f.current]: f.keys[f.current] }, indexKey: f.indexKey });
  await audit(db, now(), { to: f.current, from, reencrypted: n, via: 'file' });
  io.say(`\nRotation finished: ${n} values re-encrypted under ${f.current}.`);
  io.say(`The old keys (${from.join(', ') || 'none'}) are in ${retired}: keep it offline with the backups taken before this rotation, and delete it when they expire.`);
  return 0;
}

async function audit(db: Db, at: number, details: Record<string, unknown>): Promise<void> {
  await db.kysely.transaction().execute((trx) => appendAudit(trx, db.engine, { at, actor: 'system:cli', action: 'pii.keys_rotated', target: `key:${details.to}`, details }));
}
