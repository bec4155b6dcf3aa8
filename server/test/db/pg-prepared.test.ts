import { it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eachEngine } from '../helpers/engines.ts';

eachEngine('PostgreSQL writes as named prepared statements', (ctx) => {
  it('prepares inserts and updates once per connection, never reads or returning *', async () => {
    if (ctx.engine !== 'postgres') return;
    const prepared = await ctx.db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < 3; i++) {
        await trx.insertInto('region').values({ id: `pp-${i}`, name: `pp ${i}`, parentId: null, updatedAt: i }).execute();
        await trx.updateTable('region').set({ updatedAt: 10 + i }).where('id', '=', `pp-${i}`).execute();
      }
      await trx.insertInto('region').values({ id: 'pp-all', name: 'pp all', parentId: null, updatedAt: 0 }).returningAll().execute();
      const read = await trx.selectFrom('region').select('id').where('id', 'like', 'pp-%').execute();
      assert.equal(read.length, 4);
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.map((r) => r.statement);
    });
    assert.equal(prepared.filter((s) => /^insert into "region"/.test(s) && !/returning \*/.test(s)).length, 1, prepared.join('\n'));
    assert.equal(prepared.filter((s) => /^update "region"/.test(s)).length, 1, prepared.join('\n'));
    assert.ok(!prepared.some((s) => /returning \*/.test(s) || /^select/.test(s)), prepared.join('\n'));
    const rows = await ctx.db.kysely.selectFrom('region').select(['id', 'updatedAt']).where('id', 'like', 'pp-%').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => Number(r.updatedAt)), [10, 11, 12, 0]);
  });
});
