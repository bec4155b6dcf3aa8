import { sql } from 'kysely';
import { openDb, type Db } from './connect.ts';
import { migrations } from './migrations/index.ts';

/**
 * Applies pending migrations, each in its own transaction, recorded in `schema_migration`.
 * On PostgreSQL an advisory lock keeps two starting processes from migrating at once.
 */
export async function migrate(db: Db, log: (msg: string) => void = () => {}): Promise<string[]> {
  // On PostgreSQL a migration may build an index over millions of rows for minutes: it runs on a
  // connection of its own without the 30 s query timeout that keeps requests from hanging.
  if (db.engine === 'postgres' && db.url) {
    const own = openDb(db.url, { poolSize: 1, queryTimeoutMs: 0 });
    try { return await migrate({ ...own, url: undefined }, log); } finally { await own.close(); }
  }
  const k = db.kysely;
  await k.schema.createTable('schema_migration').ifNotExists()
    .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const applied: string[] = [];
  await k.connection().execute(async (conn) => {
    if (db.engine === 'postgres') await sql`select pg_advisory_lock(4242001)`.execute(conn);
    try {
      const done = new Set((await conn.selectFrom('schema_migration' as any).select('name').execute()).map((r: any) => r.name as string));
      for (const m of migrations) {
        if (done.has(m.name)) continue;
        await conn.transaction().execute(async (trx) => {
          // migrations speak snake_case DDL; the plugin-free handle keeps names as written
          await m.up(trx.withoutPlugins(), db.engine);
          await trx.insertInto('schema_migration' as any).values({ name: m.name, appliedAt: Date.now() } as any).execute();
        });
        applied.push(m.name);
        log(`migrated ${m.name}`);
      }
    } finally {
      if (db.engine === 'postgres') await sql`select pg_advisory_unlock(4242001)`.execute(conn);
    }
  });
  return applied;
}
