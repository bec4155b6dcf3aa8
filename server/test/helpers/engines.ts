import { describe, after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db, type Engine } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';

/** The engines the data tests run on: SQLite always, PostgreSQL when NETCARE_TEST_PG_URL names a server. */
export function testEngines(): Engine[] {
  return process.env.NETCARE_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

let counter = 0;

/** A fresh, migrated, empty database on the engine; `drop()` removes it. */
export async function freshDb(engine: Engine): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const db = openDb(url);
    await migrate(db);
    return { db, url, async drop() { await db.close().catch(() => {}); rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = process.env.NETCARE_TEST_PG_URL!;
  const name = `nc_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = openDb(url);
  await migrate(db);
  return {
    db, url,
    async drop() {
      await db.close().catch(() => {});
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`drop database if exists ${name} with (force)`);
      await c2.end();
    },
  };
}

/**
 * Runs a suite once per engine, each with its own fresh database:
 * `eachEngine('tickets', (t) => { it('…', async () => { t.db … }) })`.
 */
export function eachEngine(name: string, body: (ctx: { engine: Engine; readonly db: Db; readonly url: string }) => void): void {
  for (const engine of testEngines()) {
    describe(`${name} [${engine}]`, () => {
      let handle: Awaited<ReturnType<typeof freshDb>> | undefined;
      const ctx = {
        engine,
        get db() { if (!handle) throw new Error('database not ready'); return handle.db; },
        get url() { if (!handle) throw new Error('database not ready'); return handle.url; },
      };
      before(async () => { handle = await freshDb(engine); });
      after(async () => { await handle?.drop(); });
      body(ctx);
    });
  }
}
