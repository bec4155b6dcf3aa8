import { it } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine, freshDb } from '../helpers/engines.ts';
import { prepared } from '../../src/db/prepared.ts';

const regionNamed = prepared((q, p: { id: string }) => q.selectFrom('region').select(['id', 'parentId', 'name']).where('id', '=', p.id));
const addRegion = prepared((q, p: { id: string; parentId: string | null; name: string }) => q.insertInto('region')
  .values({ id: p.id, parentId: p.parentId, name: p.name, updatedAt: 1 }).returning(['id', 'name']));
const renameRegion = prepared((q, p: { id: string; name: string }) => q.updateTable('region').set({ name: p.name }).where('id', '=', p.id));

eachEngine('prepared queries', (t) => {
  it('bind new values on every run, inside and outside transactions, with camelCase results', async () => {
    const k = t.db.kysely;
    assert.deepEqual(await addRegion.first(k, { id: 'p1', parentId: null, name: 'Province' }), { id: 'p1', name: 'Province' });
    await k.transaction().execute(async (trx) => {
      await addRegion.run(trx, { id: 'c1', parentId: 'p1', name: 'City one' });
      await addRegion.run(trx, { id: 'c2', parentId: 'p1', name: 'City two' });
    });
    assert.deepEqual(await regionNamed.first(k, { id: 'c2' }), { id: 'c2', parentId: 'p1', name: 'City two' });
    assert.equal(await regionNamed.first(k, { id: 'nowhere' }), undefined);
    const r = await renameRegion.run(k, { id: 'c1', name: 'Renamed' });
    assert.equal(Number(r.numAffectedRows), 1);
    assert.deepEqual(await regionNamed.all(k, { id: 'c1' }), [{ id: 'c1', parentId: 'p1', name: 'Renamed' }]);
  });

  it('a value left out is an error, not a silent NULL', async () => {
    await assert.rejects(regionNamed.first(t.db.kysely, {} as { id: string }), /no value for parameter id/);
  });

  it('compiles per database: a second database of the same process sees its own rows', async () => {
    const other = await freshDb(t.engine);
    try {
      await addRegion.run(other.db.kysely, { id: 'elsewhere', parentId: null, name: 'Other' });
      assert.equal(await regionNamed.first(t.db.kysely, { id: 'elsewhere' }), undefined);
      assert.equal((await regionNamed.first(other.db.kysely, { id: 'elsewhere' }))?.name, 'Other');
    } finally { await other.drop(); }
  });
});
