import type { Db } from '../../src/db/connect.ts';
import type { TestApp } from '../helpers/app.ts';
import { newSessionToken, sha256 } from '../../src/auth/tokens.ts';
import { toIso } from '../../src/shared/time.ts';

/** Builders and probes for the history-import tests (DESIGN §11). */

export const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const HOUR = 60 * MIN;
export const at = (text: string) => Date.parse(text);
export const iso = (ms: number) => toIso(ms, TZ);

/** A few Hangzhou cells: c1–c2–c3 a chain of neighbours, c9 far away (for hotspot windows, §4). */
export async function seedCells(db: Db): Promise<void> {
  const k = db.kysely;
  const have = await k.selectFrom('cell').select('id').where('id', '=', 'HZ-C1').executeTakeFirst();
  if (have) return;
  const cells = [
    { id: 'HZ-C1', lon: 120.150, lat: 30.280 }, { id: 'HZ-C2', lon: 120.152, lat: 30.281 },
    { id: 'HZ-C3', lon: 120.154, lat: 30.282 }, { id: 'HZ-C9', lon: 120.300, lat: 30.200 },
  ];
  await k.insertInto('cell').values(cells.map((c) => ({
    id: c.id, siteId: c.id.slice(0, 4), name: `杭州 ${c.id}`, regionId: 'hz', network: 'LTE', lon: c.lon, lat: c.lat,
    gridKey: Math.floor((c.lat + 90) * 200) * 72000 + Math.floor((c.lon + 180) * 200), updatedAt: 0,
  }))).execute();
  const pairs = [['HZ-C1', 'HZ-C2'], ['HZ-C2', 'HZ-C3']];
  await k.insertInto('cellNeighbour').values(pairs.flatMap(([a, b]) => [{ cellId: a, neighbourId: b }, { cellId: b, neighbourId: a }])).execute();
}

export interface Ev { type: string; at: string; actor?: string; [field: string]: unknown }
export interface Row {
  externalId: string; channel: string; customer: { msisdn: string; name?: string; vip?: boolean }; category: string;
  network?: string; cellId?: string; region?: string; address?: string; reportedAt: string; description: string;
  commitmentHours?: number; events: Ev[];
}

/** A network complaint in Hangzhou by address, reported at `reportedAt`, with `events`. */
export function row(externalId: string, reportedAt: number, over: Partial<Row> = {}, events: Ev[] = []): Row {
  return {
    externalId, channel: 'hotline', customer: { msisdn: '13800000000', name: '王小明' }, category: 'network.call_drop', network: 'LTE',
    region: 'hz', address: '杭州市西湖区文三路 100 号', reportedAt: iso(reportedAt), description: `历史工单 ${externalId}`, ...over, events,
  };
}

/** Event `type` `minutes` after `t0`, with fields. */
export const ev = (t0: number, minutes: number, type: string, fields: Record<string, unknown> = {}): Ev => ({ type, at: iso(t0 + minutes * MIN), ...fields });

/**
 * A network complaint's whole life, each step by the demo user who would take it: dispatched,
 * triaged, forwarded to maintenance, initial replies, final replies, the customer told, followed
 * up, closed. Every clock is met (ordinary durations).
 */
export function closedHistory(t0: number, opts: { grade?: 'ordinary' | 'important' } = {}): Ev[] {
  return [
    ev(t0, 5, 'dispatched', { actor: 'agent' }),
    ev(t0, 20, 'triaged', { grade: opts.grade ?? 'ordinary', actor: 'noc' }),
    ev(t0, 25, 'forwarded', { department: 'hz-maintenance', reason: '基站故障', actor: 'noc' }),
    ev(t0, 90, 'department_replied', { kind: 'initial', text: '已安排处理', actor: 'maint' }),
    ev(t0, 120, 'noc_replied', { kind: 'initial', text: '初步答复', actor: 'noc' }),
    ev(t0, 6 * 60, 'department_replied', { kind: 'final', text: '已修复', resolution: 'fault_repaired', actor: 'maint' }),
    ev(t0, 7 * 60, 'noc_replied', { kind: 'final', text: '故障已修复', resolution: 'fault_repaired', actor: 'noc' }),
    ev(t0, 8 * 60, 'customer_contacted', { kind: 'final', text: '已告知客户', actor: 'agent' }),
    ev(t0, 20 * 60, 'followed_up', { responded: true, score: 9, comment: '满意', actor: 'agent' }),
    ev(t0, 20 * 60 + 1, 'closed', { actor: 'agent' }),
  ];
}

/**
 * A set of tickets whose derived state depends on each other: repeat chains (one arriving
 * late), a cluster of one category at neighbouring cells within an hour (a hotspot once §4
 * detection runs), open tickets past their due times, an expert escalation, a reopened ticket,
 * a promised reply time, a non-network ticket. `live` marks the ones the mixed test replays
 * through the live API (their steps by real users; no hotspot members, see import-tickets.ts).
 */
export function scenario(): { rows: Row[]; live: Set<string> } {
  const d = (s: string) => at(`2026-02-${s}+08:00`);
  const A = { msisdn: '13800000001', name: '张三' };
  const rows: Row[] = [
    // customer A, network.call_drop: A0 → A1 (27 days later: repeat) → A2 → A3; A4 another category
    row('A0', d('01T09:00:00'), { customer: A }, closedHistory(d('01T09:00:00'))),
    row('A1', d('04T10:00:00'), { customer: A }, closedHistory(d('04T10:00:00'))),
    row('A2', d('10T10:00:00'), { customer: A, channel: 'web' }, closedHistory(d('10T10:00:00'), { grade: 'important' })),
    row('A3', d('25T10:00:00'), { customer: A }, [
      ev(d('25T10:00:00'), 5, 'dispatched', { actor: 'agent' }),
      ev(d('25T10:00:00'), 30, 'triaged', { grade: 'ordinary', actor: 'noc' }),
      ev(d('25T10:00:00'), 40, 'forwarded', { department: 'hz-maintenance', reason: '疑似故障', actor: 'noc' }),
    ]),
    row('A4', d('11T08:00:00'), { customer: A, category: 'network.slow_data' }, [
      ev(d('11T08:00:00'), 3, 'resolved_at_intake', { text: '该区域正在割接', actor: 'agent' }),
      ev(d('11T08:00:00'), 4, 'closed', { actor: 'agent' }),
    ]),
    // a VIP through the regulator, non-network: dispatched to a named department
    row('B1', d('12T14:00:00'), { customer: { msisdn: '13800000002', vip: true }, channel: 'regulator', category: 'billing.overcharge', network: undefined, address: undefined }, [
      ev(d('12T14:00:00'), 10, 'dispatched', { department: 'hz-maintenance', actor: 'agent' }),
      ev(d('12T14:00:00'), 60, 'department_replied', { kind: 'initial', text: '核查中', actor: 'maint' }),
      ev(d('12T14:00:00'), 50 * 60, 'department_replied', { kind: 'final', text: '已退费', actor: 'maint' }),
    ]),
    // escalated to the experts by the optimisation department; open at follow-up, overdue
    row('E1', d('15T09:30:00'), { customer: { msisdn: '13800000003' }, category: 'network.weak_indoor_coverage' }, [
      ev(d('15T09:30:00'), 5, 'dispatched', { actor: 'agent' }),
      ev(d('15T09:30:00'), 15, 'triaged', { grade: 'important', actor: 'noc' }),
      ev(d('15T09:30:00'), 20, 'forwarded', { department: 'hz-optimisation', reason: '室分覆盖', actor: 'noc' }),
      ev(d('15T09:30:00'), 60, 'escalated', { to: 'expert', reason: '需专家方案', actor: 'optim' }),
      ev(d('15T09:30:00'), 180, 'department_replied', { kind: 'final', text: '专家方案: 新增室分', actor: 'expert' }),
      ev(d('15T09:30:00'), 300, 'department_replied', { kind: 'final', text: '已按方案优化', resolution: 'optimised', actor: 'optim' }),
      ev(d('15T09:30:00'), 330, 'noc_replied', { kind: 'final', text: '已优化', resolution: 'optimised', actor: 'noc' }),
      ev(d('15T09:30:00'), 400, 'customer_contacted', { kind: 'final', text: '已告知', actor: 'agent' }),
    ]),
    // answered at intake, closed, reopened by an unhappy customer, dispatched again: open, triage overdue
    row('R1', d('16T11:00:00'), { customer: { msisdn: '13800000004' }, category: 'network.no_coverage' }, [
      ev(d('16T11:00:00'), 2, 'resolved_at_intake', { text: '已知故障', actor: 'agent' }),
      ev(d('16T11:00:00'), 3, 'closed', { actor: 'agent' }),
      ev(d('16T11:00:00'), 3 * 24 * 60, 'reopened', { reason: '仍无信号', actor: 'agent' }),
      ev(d('16T11:00:00'), 3 * 24 * 60 + 5, 'dispatched', { actor: 'agent' }),
    ]),
    // a promised reply time; dispatched, never triaged: every clock overdue
    row('P1', d('26T16:00:00'), { customer: { msisdn: '13800000005' }, commitmentHours: 12 }, [
      ev(d('26T16:00:00'), 5, 'dispatched', { actor: 'agent' }),
      ev(d('26T16:00:00'), 6, 'noted', { text: '客户很着急', actor: 'agent' }),
    ]),
    // the last reply was late: initial_reply and resolution breached, then closed
    row('L1', d('05T09:00:00'), { customer: { msisdn: '13800000006' } }, [
      ev(d('05T09:00:00'), 5, 'dispatched', { actor: 'agent' }),
      ev(d('05T09:00:00'), 200, 'triaged', { grade: 'ordinary', actor: 'noc' }),
      ev(d('05T09:00:00'), 30 * 60, 'noc_replied', { kind: 'initial', text: '处理中', actor: 'noc' }),
      ev(d('05T09:00:00'), 80 * 60, 'noc_replied', { kind: 'final', text: '无法复现', resolution: 'cannot_reproduce', actor: 'noc' }),
      ev(d('05T09:00:00'), 81 * 60, 'customer_contacted', { kind: 'final', text: '已解释', actor: 'agent' }),
      ev(d('05T09:00:00'), 82 * 60, 'followed_up', { responded: false, actor: 'agent' }),
      ev(d('05T09:00:00'), 82 * 60 + 1, 'closed', { actor: 'agent' }),
    ]),
  ];
  // a cluster: network.no_data at HZ-C1/C2/C3 within 50 minutes, six complaints (§4), one more an hour later at C9
  const h0 = d('20T18:00:00');
  const cluster = [0, 7, 15, 22, 35, 50].map((m, i) => row(`H${i + 1}`, h0 + m * MIN, {
    customer: { msisdn: `1390000010${i}` }, category: 'network.no_data', cellId: ['HZ-C1', 'HZ-C2', 'HZ-C1', 'HZ-C3', 'HZ-C2', 'HZ-C1'][i],
    address: undefined, region: undefined, network: undefined,
  }, i % 2 === 0 ? closedHistory(h0 + m * MIN) : [ev(h0 + m * MIN, 10, 'dispatched', { actor: 'agent' })]));
  rows.push(...cluster);
  rows.push(row('H7', h0 + 3 * HOUR, { customer: { msisdn: '13900000107' }, category: 'network.no_data', cellId: 'HZ-C9', address: undefined, region: undefined, network: undefined }));
  // live intake only (no steps): members of the cluster too
  rows.push(row('H8', h0 + 40 * MIN, { customer: { msisdn: '13900000108' }, category: 'network.no_data', cellId: 'HZ-C2', address: undefined, region: undefined, network: undefined }));
  return { rows, live: new Set(['A0', 'A1', 'A2', 'A3', 'A4', 'B1', 'E1', 'R1', 'P1', 'L1', 'H7', 'H8']) };
}

/** Seeded shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let x = s; x = Math.imul(x ^ (x >>> 15), x | 1); x ^= x + Math.imul(x ^ (x >>> 7), x | 61); return ((x ^ (x >>> 14)) >>> 0) / 4294967296; };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

/**
 * Everything the rules derive about the tickets, by externalId, independent of ids and of when
 * it was computed: flags, grade, proposal, status, hotspot group (as the externalIds sharing it),
 * every clock (times and outcome at `refNow`) and the history apart from system-recorded rows and `created`.
 */
export async function derivedState(db: Db, refNow: number): Promise<Record<string, unknown>> {
  const k = db.kysely;
  const tickets = await k.selectFrom('ticket').selectAll().where('externalId', 'is not', null).execute();
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const groups = new Map<number, string[]>();
  for (const t of tickets) if (t.hotspotId != null) groups.set(t.hotspotId, [...(groups.get(t.hotspotId) ?? []), t.externalId!]);
  const clocks = await k.selectFrom('ticketClock').selectAll().orderBy('ticketId').orderBy('round').orderBy('clock').execute();
  // the steps people took; `created` is attributed to whoever took the ticket in (agent, or import:<caller>)
  const events = await k.selectFrom('ticketEvent').selectAll().where('actorRole', '!=', 'system').where('type', '!=', 'created').orderBy('ticketId').orderBy('id').execute();
  const out: Record<string, any> = {};
  for (const t of tickets) {
    out[t.externalId!] = {
      isRepeat: t.isRepeat, grade: t.grade, gradeProposal: t.gradeProposal && JSON.parse(t.gradeProposal), status: t.status,
      hotspot: t.hotspotId == null ? null : [...groups.get(t.hotspotId)!].sort(), round: t.round, resolution: t.resolution,
      resolvedAtIntake: t.resolvedAtIntake, noc: t.nocDepartmentId, assignee: t.assigneeDepartmentId, prev: t.prevDepartmentId,
      nextDueAt: t.nextDueAt, closedAt: t.closedAt, reportedAt: t.reportedAt, regionId: t.regionId, cellId: t.cellId,
      clocks: [] as unknown[], events: [] as unknown[],
    };
  }
  for (const c of clocks) {
    const t = byId.get(c.ticketId);
    if (!t) continue;
    const state = c.stoppedAt != null ? (c.stoppedAt <= c.dueAt ? 'met' : 'breached') : c.dueAt <= refNow ? 'breached' : 'running';
    out[t.externalId!].clocks.push({
      clock: c.clock, round: c.round, calendar: c.calendarId, durationMs: c.durationMs, startedAt: c.startedAt, warnAt: c.warnAt,
      dueAt: c.dueAt, provinceAt: c.provinceAt, stoppedAt: c.stoppedAt, breachedAt: c.breachedAt, nextFireAt: c.nextFireAt, state,
    });
  }
  for (const e of events) {
    const t = byId.get(e.ticketId);
    if (!t) continue;
    out[t.externalId!].events.push({ type: e.type, at: e.at, actor: e.actor, role: e.actorRole, from: e.fromDepartmentId, to: e.toDepartmentId, data: e.data && JSON.parse(e.data) });
  }
  return out;
}

/**
 * Live requests as demo users while the test clock jumps around: each user gets a session made
 * for the test (valid across every time the scenario visits, so no sign-in per jump), and a 429
 * from the rate limits is waited out.
 */
export function liveClient(t: TestApp) {
  const tokens = new Map<string, string>();
  const token = async (user: string) => {
    let tok = tokens.get(user);
    if (!tok) {
      const k = t.deps.db.kysely;
      const u = await k.selectFrom('appUser').select('id').where('username', '=', user).executeTakeFirstOrThrow();
      tok = newSessionToken();
      await k.insertInto('session').values({ tokenHash: sha256(tok), userId: u.id, createdAt: at('2026-01-01T00:00:00Z'), expiresAt: at('2027-01-01T00:00:00Z') }).execute();
      tokens.set(user, tok);
    }
    return tok;
  };
  return {
    async post(user: string, url: string, payload: unknown) {
      for (;;) {
        const r = await t.app.inject({ method: 'POST', url, payload: payload as any, headers: { authorization: `Bearer ${await token(user)}` } });
        if (r.statusCode !== 429) return r;
        await new Promise((done) => setTimeout(done, 1000 * (r.json().details?.retryAfterSeconds ?? 1)));
      }
    },
    /**
     * Replays one row through the live API in event time: intake at reportedAt, then each
     * step at its time as the user it names (everything the history import does, live).
     */
    async replay(r: Row): Promise<number> {
      t.clock.set(Date.parse(r.reportedAt));
      const { events, ...intake } = r;
      const c = await this.post('agent', '/api/v1/tickets', intake);
      if (c.statusCode !== 201) throw new Error(`live intake ${r.externalId}: ${c.statusCode} ${c.body}`);
      const id = c.json().id as number;
      for (const e of events) {
        const { type, at: when, actor, ...fields } = e;
        t.clock.set(Date.parse(when));
        const s = await this.post(actor ?? 'agent', `/api/v1/tickets/${id}/events`, { type, ...fields });
        if (s.statusCode !== 201) throw new Error(`live ${type} on ${r.externalId}: ${s.statusCode} ${s.body}`);
      }
      return id;
    },
  };
}
