import { it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eachEngine } from '../helpers/engines.ts';
import { beforeCommit, defersToCommit } from '../../src/db/before-commit.ts';

eachEngine('work deferred to just before commit', (ctx) => {
  const count = async (q = ctx.db.kysely) => Number((await sql<{ n: number }>`select count(*) as n from region where id like 'bc-%'`.execute(q)).rows[0].n);
  const add = (id: string) => (q: any) => () => sql`insert into region (id, name, parent_id, updated_at) values (${id}, ${id}, null, 0)`.execute(q).then(() => {});

  it('runs last in a PostgreSQL db.write, at once elsewhere, and rolls back with the transaction', async () => {
    const inside = await ctx.db.write(async (trx) => {
      await beforeCommit(trx, add('bc-1')(trx));
      return count(trx as any);
    });
    // PostgreSQL: not yet written while the transaction's own work ran; SQLite (group commit): at once
    assert.equal(inside, ctx.engine === 'postgres' ? 0 : 1);
    assert.equal(await count(), 1);

    await assert.rejects(ctx.db.write(async (trx) => {
      await beforeCommit(trx, add('bc-2')(trx));
      throw new Error('changed my mind');
    }), /changed my mind/);
    assert.equal(await count(), 1, 'deferred work of a failed transaction never runs');

    // a transaction no db.write opened runs the work at once
    await ctx.db.kysely.transaction().execute(async (trx) => {
      assert.equal(defersToCommit(trx), false);
      await beforeCommit(trx, add('bc-3')(trx));
      assert.equal(await count(trx as any), 2);
    });
  });
});
