import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { driver, intake } from './helpers.ts';
import { dayKey } from '../../src/shared/time.ts';
import { bucketOf } from '../../src/kpis/contribution.ts';
import { rebuildKpis } from '../../src/kpis/rebuild.ts';
import type { Db } from '../../src/db/connect.ts';

/** A small seeded generator (mulberry32): the same seed replays the same run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p };
}

const SOLVED = new Set(['fault_repaired', 'optimised', 'customer_side']);
const RESOLUTIONS = ['fault_repaired', 'optimised', 'customer_side', 'construction_planned', 'explained', 'cannot_reproduce'];

/**
 * The aggregates as they should be, recomputed from the raw tables with the §7 rules written out
 * again here (not through kpis/contribution.ts): counters by (department, day, region, network)
 * and handling-time sums by (department, day|month, region, network, clock, bucket).
 */
async function reference(db: Db, tz: string) {
  const k = db.kysely;
  const [tickets, clocks, events, departments] = await Promise.all([
    k.selectFrom('ticket').selectAll().execute(),
    k.selectFrom('ticketClock').selectAll().execute(),
    k.selectFrom('ticketEvent').selectAll().where('type', '=', 'followed_up').execute(),
    k.selectFrom('ticketDepartment').selectAll().execute(),
  ]);
  const counters = new Map<string, Record<string, number>>();
  const daily = new Map<string, [number, number]>();
  const monthly = new Map<string, [number, number]>();
  for (const t of tickets) {
    const keys = ['', ...departments.filter((d) => d.ticketId === t.id).map((d) => d.departmentId)];
    const network = t.network ?? '';
    const add = (at: number, name: string, n = 1) => {
      for (const dept of keys) {
        const key = `${dept}|${dayKey(at, tz)}|${t.regionId}|${network}`;
        const row = counters.get(key) ?? {};
        row[name] = (row[name] ?? 0) + n;
        counters.set(key, row);
      }
    };
    add(t.reportedAt, 'tickets');
    if (t.isNetwork) add(t.reportedAt, 'complaints');
    if (t.isRepeat) add(t.reportedAt, 'repeats');
    if (t.resolvedAtIntake) add(t.reportedAt, 'resolvedAtIntake');
    if (t.channel === 'regulator') add(t.reportedAt, 'regulator');
    if (t.status === 'closed' && !t.resolvedAtIntake) {
      add(t.closedAt!, 'closed');
      if (t.resolution && SOLVED.has(t.resolution)) add(t.closedAt!, 'solved');
    }
    for (const e of events.filter((x) => x.ticketId === t.id)) {
      const data = JSON.parse(e.data ?? '{}');
      add(e.at, 'followUps');
      if (data.responded) {
        add(e.at, 'responded');
        add(e.at, 'scoreSum', data.score);
        if (data.score === 10) add(e.at, 'tens');
      }
    }
    const camel = (c: string) => c.replace(/_(\w)/g, (_, x) => x.toUpperCase());
    for (const c of clocks.filter((x) => x.ticketId === t.id)) {
      if (c.breachedAt != null) add(c.breachedAt, `${camel(c.clock)}Breached`);
      else if (c.stoppedAt != null) add(c.stoppedAt, `${camel(c.clock)}Met`);
      if (c.stoppedAt != null) {
        const ms = c.stoppedAt - c.startedAt;
        const day = dayKey(c.stoppedAt, tz);
        for (const dept of keys) {
          for (const [map, p] of [[daily, day], [monthly, Math.floor(day / 100)]] as const) {
            const key = `${dept}|${p}|${t.regionId}|${network}|${c.clock}|${bucketOf(ms)}`;
            const v = map.get(key) ?? [0, 0];
            map.set(key, [v[0] + 1, v[1] + ms]);
          }
        }
      }
    }
  }
  return { counters, daily, monthly };
}

/** What the aggregate tables hold, summed over shards, zero rows left out. */
async function stored(db: Db) {
  const k = db.kysely;
  const counters = new Map<string, Record<string, number>>();
  for (const r of await k.selectFrom('kpiDay').selectAll().execute()) {
    const key = `${r.departmentId}|${r.day}|${r.regionId}|${r.network}`;
    const row = counters.get(key) ?? {};
    for (const [c, v] of Object.entries(r)) {
      if (['departmentId', 'day', 'regionId', 'network', 'shard'].includes(c)) continue;
      row[c] = (row[c] ?? 0) + Number(v);
    }
    counters.set(key, row);
  }
  for (const [key, row] of counters) {
    for (const c of Object.keys(row)) if (row[c] === 0) delete row[c];
    if (Object.keys(row).length === 0) counters.delete(key);
  }
  const histogram = async (table: 'kpiDurationDay' | 'kpiDurationMonth') => {
    const m = new Map<string, [number, number]>();
    for (const r of await (k.selectFrom(table) as any).selectAll().execute() as Record<string, any>[]) {
      const b = JSON.parse(r.buckets) as number[];
      let count = 0;
      let sum = 0;
      for (let i = 0; i < b.length; i += 3) {
        m.set(`${r.departmentId}|${r.day ?? r.month}|${r.regionId}|${r.network}|${r.clock}|${b[i]}`, [b[i + 1], b[i + 2]]);
        count += b[i + 1];
        sum += b[i + 2];
      }
      assert.deepEqual([Number(r.count), Number(r.sumMs)], [count, sum], 'row totals');
    }
    return m;
  };
  const daily = await histogram('kpiDurationDay');
  const monthly = await histogram('kpiDurationMonth');
  return { counters, daily, monthly };
}

const sorted = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

eachEngine('KPI aggregates after random live steps and imports', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2026-05-04T08:00:00+08:00' }); });
  after(async () => { await t.close(); });

  it('equal a recomputation from the raw tables, and a rebuild', async () => {
    const r = rng(Number(process.env.KPI_PROPERTY_SEED ?? 20260504));
    const d = driver(t);
    const phones = ['13800000001', '13800000002', '13800000003', '13800000004', '13800000005', '13800000006'];
    type State = { id: number; region: string; status: string; network: boolean; atIntake: boolean; assignee: string | null; noc: string | null };
    const tickets: State[] = [];
    const handlerOf: Record<string, string> = { 'hz-maintenance': 'maint', 'hz-optimisation': 'optim', 'hz-construction': 'build', 'hz-expert': 'expert' };
    let ok = 0;
    let refused = 0;
    const step = async (s: State, user: string, body: Record<string, unknown>) => {
      const res = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${s.id}/events`, payload: body });
      if (res.statusCode !== 201) { refused++; return; }
      ok++;
      const x = res.json().ticket;
      Object.assign(s, { status: x.status, atIntake: x.resolvedAtIntake, assignee: x.assigneeDepartment, noc: x.nocDepartment });
    };
    // sign everyone in once and keep the sessions alive while the clock runs for weeks
    for (const u of ['agent', 'agent.nb', 'noc', 'noc.nb', 'maint', 'optim', 'build', 'expert', 'province', 'admin']) await t.token(u);
    await ctx.db.kysely.updateTable('session').set({ expiresAt: Date.parse('2100-01-01T00:00:00Z') }).execute();
    for (let i = 0; i < 420; i++) {
      t.clock.advance(r.int(4 * 3600_000));
      const roll = r.next();
      if (roll < 0.14 || tickets.length === 0) {
        const region = r.chance(0.3) ? 'nb' : 'hz';
        const network = r.chance(0.8);
        const reportedAt = new Date(t.clock.now() - r.int(5 * 86_400_000)).toISOString();
        const body = intake({
          region, address: region === 'nb' ? '宁波市' : '杭州市',
          category: network ? r.pick(['network.call_drop', 'network.slow_data']) : 'billing.overcharge',
          network: network ? r.pick(['LTE', 'NR']) : undefined,
          channel: r.chance(0.1) ? 'regulator' : 'hotline',
          customer: { msisdn: r.pick(phones) }, reportedAt,
          ...(r.chance(0.2) ? { commitmentHours: 1 + r.int(30) } : {}),
        });
        const res = await t.as(region === 'nb' ? 'agent.nb' : 'agent', { method: 'POST', url: '/api/v1/tickets', payload: body });
        assert.equal(res.statusCode, 201, res.body);
        tickets.push({ id: res.json().id, region, status: 'new', network, atIntake: false, assignee: null, noc: null });
        continue;
      }
      if (roll < 0.2) { await d.timer(new Date(t.clock.now()).toISOString()); continue; }
      if (roll < 0.25) {
        // a historical ticket through the import, its history cut short at random: it may make live tickets repeats
        const t0 = t.clock.now() - (2 + r.int(6)) * 86_400_000;
        const iso = (min: number) => new Date(t0 + min * 60_000).toISOString();
        const history = [
          { type: 'dispatched', at: iso(5), actor: 'agent' },
          { type: 'triaged', at: iso(20 + r.int(200)), grade: r.chance(0.3) ? 'important' : 'ordinary', actor: 'noc' },
          { type: 'forwarded', at: iso(240), department: 'hz-optimisation', reason: '优化', actor: 'noc' },
          { type: 'department_replied', at: iso(300 + r.int(1500)), kind: 'final', text: '已优化', resolution: 'optimised', actor: 'optim' },
          { type: 'noc_replied', at: iso(1900), kind: 'final', text: '已优化', resolution: r.pick(RESOLUTIONS), actor: 'noc' },
          { type: 'customer_contacted', at: iso(2000 + r.int(2000)), kind: 'final', text: '已告知', actor: 'agent' },
          { type: 'followed_up', at: iso(4100), responded: true, score: 1 + r.int(10), actor: 'agent' },
          { type: 'closed', at: iso(4200), actor: 'agent' },
        ].slice(0, r.int(9));
        const externalId = `H${i}`;
        const res = await t.as('admin', {
          method: 'POST', url: '/api/v1/import/tickets',
          payload: [{ ...intake({ customer: { msisdn: r.pick(phones) }, reportedAt: new Date(t0).toISOString() }), externalId, events: history }],
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().created, 1, res.body);
        const x = (await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${res.json().ids[externalId]}` })).json();
        tickets.push({ id: x.id, region: 'hz', status: x.status, network: true, atIntake: x.resolvedAtIntake, assignee: x.assigneeDepartment, noc: x.nocDepartment });
        continue;
      }
      const open = tickets.filter((x) => x.status !== 'closed');
      const s = open.length && r.chance(0.95) ? r.pick(open) : r.pick(tickets);
      const agent = s.region === 'nb' ? 'agent.nb' : 'agent';
      const noc = s.region === 'nb' ? 'noc.nb' : 'noc';
      switch (s.status) {
        case 'new':
          if (r.chance(0.25)) await step(s, agent, { type: 'resolved_at_intake', text: '已答复' });
          else await step(s, agent, s.network ? { type: 'dispatched' } : { type: 'dispatched', department: `${s.region}-maintenance` });
          break;
        case 'dispatched':
          await step(s, noc, { type: 'triaged', grade: r.chance(0.3) ? 'important' : 'ordinary' });
          break;
        case 'in_progress': {
          const atNoc = s.assignee != null && s.assignee === s.noc;
          if (s.network && atNoc) {
            const x = r.next();
            if (x < 0.35 && s.region === 'hz') await step(s, noc, { type: 'forwarded', department: r.pick(['hz-maintenance', 'hz-optimisation', 'hz-construction']), reason: '转派' });
            else if (x < 0.5) await step(s, noc, { type: 'noc_replied', kind: 'initial', text: '初步' });
            else if (x < 0.6 && s.region === 'hz') await step(s, noc, { type: 'escalated', to: 'expert', reason: '疑难' });
            else await step(s, noc, { type: 'noc_replied', kind: 'final', text: '最终', ...(r.chance(0.8) ? { resolution: r.pick(RESOLUTIONS) } : {}) });
          } else if (s.assignee && handlerOf[s.assignee]) {
            const final = r.chance(0.6);
            await step(s, handlerOf[s.assignee], { type: 'department_replied', kind: final ? 'final' : 'initial', text: '回复', ...(final && r.chance(0.7) ? { resolution: r.pick(RESOLUTIONS) } : {}) });
          } else await step(s, agent, { type: 'noted', text: '备注' });
          break;
        }
        case 'replied':
          await step(s, agent, { type: 'customer_contacted', kind: 'final', text: '已告知' });
          break;
        case 'customer_replied':
          if (s.atIntake) await step(s, agent, r.chance(0.7) ? { type: 'closed' } : { type: 'reopened', reason: '不满意' });
          else if (r.chance(0.8)) {
            const responded = r.chance(0.75);
            await step(s, agent, { type: 'followed_up', responded, ...(responded ? { score: r.chance(0.5) ? 10 : 1 + r.int(10) } : {}) });
          } else await step(s, agent, { type: 'reopened', reason: '不满意' });
          break;
        case 'followed_up':
          await step(s, agent, r.chance(0.8) ? { type: 'closed' } : { type: 'reopened', reason: '重复' });
          break;
        case 'closed':
          if (r.chance(0.2)) await step(s, agent, { type: 'reopened', reason: '复发' });
          break;
      }
    }
    assert.ok(ok > 100, `enough steps went through (${ok} ok, ${refused} refused)`);
    const closed = await ctx.db.kysely.selectFrom('ticket').select('id').where('status', '=', 'closed').execute();
    assert.ok(closed.length > 5, 'some tickets were closed');

    const tz = t.deps.config.timeZone;
    const want = await reference(ctx.db, tz);
    const live = await stored(ctx.db);
    assert.deepEqual(sorted(live.counters), sorted(want.counters), 'counters');
    assert.deepEqual(sorted(live.daily), sorted(want.daily), 'daily handling-time histograms');
    assert.deepEqual(sorted(live.monthly), sorted(want.monthly), 'monthly handling-time histograms');

    // the API's counts equal the reference summed per group
    const api = await t.as('province', { method: 'GET', url: '/api/v1/kpis?from=2026-04&to=2026-08&groupBy=region,network,month' });
    assert.equal(api.statusCode, 200, api.body);
    for (const g of api.json().groups) {
      let tickets = 0;
      let closedCount = 0;
      for (const [key, row] of want.counters) {
        const [dept, day, region, network] = key.split('|');
        if (dept !== '' || region !== g.key.region || (network || null) !== g.key.network || `${day.slice(0, 4)}-${day.slice(4, 6)}` !== g.key.month) continue;
        tickets += row.tickets ?? 0;
        closedCount += row.closed ?? 0;
      }
      assert.equal(g.tickets, tickets, `tickets of ${JSON.stringify(g.key)}`);
      assert.equal(g.counts.closed, closedCount, `closed of ${JSON.stringify(g.key)}`);
    }

    // a rebuild from the raw rows lands on the same aggregates
    // (small batches, aggregates flushed every few batches: rows read back and merged as the live hook does)
    const { tickets: rebuilt } = await rebuildKpis(ctx.db.kysely, tz, { batch: 7, flushAt: 40 });
    assert.equal(rebuilt, tickets.length);
    const again = await stored(ctx.db);
    assert.deepEqual(sorted(again.counters), sorted(want.counters), 'counters after rebuild');
    assert.deepEqual(sorted(again.daily), sorted(want.daily), 'daily after rebuild');
    assert.deepEqual(sorted(again.monthly), sorted(want.monthly), 'monthly after rebuild');
  });
});
