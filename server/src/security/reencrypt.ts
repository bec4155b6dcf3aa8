import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Pii } from '../pii/pii.ts';
import { ENCRYPTED_TABLES, type EncryptedTable } from './encrypted-columns.ts';
import { ERASED } from './erasure.ts';

/** Tables of the registry that this database has (an older schema may lack some). */
export async function presentTables(db: Db): Promise<EncryptedTable[]> {
  const names = db.engine === 'sqlite'
    ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely)
    : await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db.kysely);
  const have = new Set(names.rows.map((r) => r.name));
  return ENCRYPTED_TABLES.filter((t) => have.has(t.table));
}

/** SQL: the column holds a ciphertext that is not under key `keyId` (nulls and erased values never are). */
const notUnder = (column: string, keyId: string) => {
  const prefix = `${keyId}:`;
  return sql`(${sql.ref(column)} is not null and ${sql.ref(column)} <> ${ERASED} and substr(${sql.ref(column)}, 1, ${prefix.length}) <> ${prefix})`;
};

const anyNotUnder = (t: EncryptedTable, keyId: string) => sql.join(t.columns.map((c) => notUnder(c, keyId)), sql` or `);

/** How many values are under another key than `keyId`, per table. */
export async function countNotUnder(db: Db, keyId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await presentTables(db)) {
    let n = 0;
    for (const c of t.columns) {
      const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.table)} where ${notUnder(c, keyId)}`.execute(db.kysely);
      n += Number(r.rows[0].n);
    }
    out[t.table] = n;
  }
  return out;
}

/** How many values each key id encrypts (for `netcare pii status` and the tests). */
export async function countByKey(db: Db, keyIds: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = Object.fromEntries(keyIds.map((k) => [k, 0]));
  for (const t of await presentTables(db)) {
    for (const c of t.columns) {
      for (const k of keyIds) {
        const prefix = `${k}:`;
        const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.table)} where substr(${sql.ref(c)}, 1, ${prefix.length}) = ${prefix}`.execute(db.kysely);
        out[k] += Number(r.rows[0].n);
      }
    }
  }
  return out;
}

/**
 * Re-encrypts every value not under the ring's current key, in batches of `batch` rows, each
 * batch one short transaction, so the servers keep running. Each value is replaced only if it
 * is still the one read (`where key = ? and col = old`): a concurrent change wins and is picked
 * up by the next pass. Returns how many values were re-encrypted.
 */
export async function reencryptAll(db: Db, pii: Pii, opts: { batch?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const current = pii.currentKeyId;
  const counts = await countNotUnder(db, current);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  let done = 0;
  opts.onProgress?.(0, total);
  for (const t of await presentTables(db)) {
    if (!counts[t.table]) continue;
    let last: string | number | null = null;
    for (;;) {
      const cols = sql.join(t.columns.map((c, i) => sql`${sql.ref(c)} as ${sql.ref(`v${i}`)}`));
      const after: RawBuilder<unknown> = last == null ? sql`1 = 1` : sql`${sql.ref(t.key)} > ${last}`;
      const rows: Record<string, any>[] = (await sql<Record<string, any>>`select ${sql.ref(t.key)} as k, ${cols} from ${sql.table(t.table)}
        where ${after} and (${anyNotUnder(t, current)}) order by ${sql.ref(t.key)} limit ${batch}`.execute(db.kysely)).rows;
      if (rows.length === 0) break;
      await db.kysely.transaction().execute(async (trx) => {
        for (const r of rows) {
          for (let i = 0; i < t.columns.length; i++) {
            const old = r[`v${i}`] as string | null;
            if (old == null || old === ERASED || old.startsWith(`${current}:`)) continue;
            const fresh = pii.encrypt(pii.decrypt(old));
            const c = t.columns[i];
            const u = await sql`update ${sql.table(t.table)} set ${sql.ref(c)} = ${fresh} where ${sql.ref(t.key)} = ${r.k} and ${sql.ref(c)} = ${old}`.execute(trx);
            if (Number(u.numAffectedRows ?? 0) === 1) done++;
          }
        }
      });
      last = rows[rows.length - 1].k;
      opts.onProgress?.(Math.min(done, total), total);
    }
  }
  return done;
}
