import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { listTickets } from '../../src/tickets/list.ts';
import { OPEN_STATUSES } from '../../src/tickets/workflow.ts';
import type { Actor } from '../../src/access/actor.ts';

/** Keeps the last query sent through it, to EXPLAIN exactly what listTickets sends. */
class Capture implements KyselyPlugin {
  last: RootOperationNode | null = null;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode { this.last = args.node; return args.node; }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> { return args.result; }
}

const supervisor: Actor = { kind: 'user', id: 0, name: 'supervisor', role: 'supervisor', regionId: 'hz', departmentId: 'hz-noc', isProvince: false, regionSubtreeIds: ['hz'] };

eachEngine('ticket list: a city supervisor\'s open tickets', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db); });
  after(async () => { await t.close(); });

  const post = async (user: string, url: string, payload: Record<string, unknown>) => {
    const r = await t.as(user, { method: 'POST', url, payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };

  it('pages every open ticket of the city in queue order, none closed and none of another city', async () => {
    const hz: number[] = [];
    for (let i = 0; i < 7; i++) {
      hz.push((await post('agent', '/api/v1/tickets', intake({ customer: { msisdn: `1370000010${i}` } }))).id);
      t.clock.advance(60_000);
    }
    // new (no assignee), dispatched (at the NOC), answered at intake, and closed ones
    for (const id of hz.slice(0, 3)) await post('agent', `/api/v1/tickets/${id}/events`, { type: 'dispatched' });
    for (const id of hz.slice(3, 5)) await post('agent', `/api/v1/tickets/${id}/events`, { type: 'resolved_at_intake', text: '正在割接' });
    await post('agent', `/api/v1/tickets/${hz[4]}/events`, { type: 'closed' });
    const nb = (await post('agent.nb', '/api/v1/tickets', intake({ region: 'nb', address: '宁波市海曙区中山西路 1 号', customer: { msisdn: '13700000200' } }))).id;

    const seen: { id: number; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const r = await t.as('supervisor', { method: 'GET', url: `/api/v1/tickets?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      assert.equal(r.statusCode, 200, r.body);
      seen.push(...r.json().items.map((x: any) => ({ id: x.id, status: x.status })));
      cursor = r.json().nextCursor;
    } while (cursor);

    // what the list must be, asked in other words: every open status by name, in (next_due_at, id) order
    const expected = await ctx.db.kysely.selectFrom('ticket').select(['id', 'nextDueAt']).where('regionId', '=', 'hz')
      .where('status', 'in', [...OPEN_STATUSES]).orderBy('nextDueAt').orderBy('id').execute();
    assert.deepEqual(seen.map((s) => s.id), expected.map((e) => e.id));
    assert.ok(seen.every((s) => s.status !== 'closed'));
    assert.ok(!seen.some((s) => s.id === hz[4] || s.id === nb));
    for (const id of [...hz.slice(0, 4), ...hz.slice(5)]) assert.ok(seen.some((s) => s.id === id), `open ticket ${id} listed`);
  });

  it('reads the partial index of open tickets in queue order, without a sort', async () => {
    const capture = new Capture();
    const deps = { ...t.deps, db: { ...t.deps.db, kysely: t.deps.db.kysely.withPlugin(capture) } };
    await listTickets(deps, supervisor, { status: 'open' });
    const compiled = ctx.db.kysely.getExecutor().compileQuery(capture.last!, { queryId: 'explain' } as any);
    let plan: string[];
    if (ctx.engine === 'sqlite') {
      const r = await ctx.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      plan = r.rows.map((x) => x.detail);
      assert.ok(!plan.some((l) => /TEMP B-TREE/.test(l)), plan.join('\n'));
    } else {
      // a test database is too small for the planner to prefer any index: forbid the other ways, so
      // the plan shows whether the partial index's predicate is matched at all
      plan = await ctx.db.kysely.transaction().execute(async (trx) => {
        for (const s of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort']) await sql`${sql.raw(`set local ${s} = off`)}`.execute(trx);
        const r = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
        return r.rows.map((x) => x['QUERY PLAN']);
      });
      assert.ok(!plan.some((l) => /\bSort\b/.test(l)), plan.join('\n'));
    }
    assert.ok(plan.some((l) => /ticket_open_region_next_due_at_id_idx/.test(l)), plan.join('\n'));
  });

  it('keeps a department\'s open queue on the department index', async () => {
    if (ctx.engine !== 'sqlite') return; // PostgreSQL chooses by statistics (bench/queue.ts at 1M and 10M)
    const capture = new Capture();
    const deps = { ...t.deps, db: { ...t.deps.db, kysely: t.deps.db.kysely.withPlugin(capture) } };
    await listTickets(deps, supervisor, { status: 'open', department: 'hz-noc' });
    const compiled = ctx.db.kysely.getExecutor().compileQuery(capture.last!, { queryId: 'explain' } as any);
    const r = await ctx.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    const plan = r.rows.map((x) => x.detail);
    assert.ok(plan.some((l) => /ticket_assignee_department_id_next_due_at_id_idx/.test(l)), plan.join('\n'));
  });
});
