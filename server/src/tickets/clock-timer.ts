import type { Deps } from '../http/deps.ts';
import type { Q } from '../db/types.ts';
import { systemActor } from '../access/actor.ts';
import { appendEvent } from './events.ts';
import { departmentOfKind, provinceOf } from '../org/lookups.ts';
import { notify } from '../notifications/notify.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { changeTicket } from './change.ts';
import { clockSummary, nextFire } from './clock-store.ts';

const TIMER = systemActor('timer');
const CLOCK_LABEL: Record<string, string> = { triage: '分拣', initial_reply: '初步回复', resolution: '问题处理', commitment: '服务承诺', follow_up: '回访' };



/**
 * One pass of the clock timer (DESIGN §5): every running clock whose next firing is due gets
 * its warning (80 %, to the assignee), breach (100 %, escalated to the supervisors) and
 * province escalation (150 %) recorded as system events, at the planned times. Each firing is
 * claimed with a conditional update on `next_fire_at`, so it happens once across processes
 * and restarts. Returns how many clocks fired.
 */
export async function scanClocks(deps: Deps, opts: { batch?: number } = {}): Promise<number> {
  const now = deps.clock.now();
  const k = deps.db.kysely;
  const due = await k.selectFrom('ticketClock').select(['id', 'nextFireAt']).where('nextFireAt', '<=', now)
    .orderBy('nextFireAt').limit(opts.batch ?? 200).execute();
  if (due.length === 0) return 0;
  let fired = 0;
  await k.transaction().execute(async (trx) => {
    for (const d of due) {
      const c = await trx.selectFrom('ticketClock').selectAll().where('id', '=', d.id).executeTakeFirst();
      if (!c || c.nextFireAt !== d.nextFireAt || c.stoppedAt != null) continue;
      const warn = c.warnedAt == null && c.warnAt <= now;
      const breach = c.breachedAt == null && c.dueAt <= now;
      const province = c.provinceEscalatedAt == null && c.provinceAt <= now;
      const next = {
        ...c,
        warnedAt: warn ? c.warnAt : c.warnedAt,
        breachedAt: breach ? c.dueAt : c.breachedAt,
        provinceEscalatedAt: province ? c.provinceAt : c.provinceEscalatedAt,
      };
      // the claim: only the process that moves next_fire_at from the value it read fires
      const claimed = await trx.updateTable('ticketClock')
        .set({ warnedAt: next.warnedAt, breachedAt: next.breachedAt, provinceEscalatedAt: next.provinceEscalatedAt, nextFireAt: nextFire(next) })
        .where('id', '=', c.id).where('nextFireAt', '=', d.nextFireAt).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      fired++;
      await changeTicket(trx, deps, c.ticketId, async () => {
        const t = await trx.selectFrom('ticket').selectAll().where('id', '=', c.ticketId).executeTakeFirstOrThrow();
        const label = CLOCK_LABEL[c.clock] ?? c.clock;
        if (warn) {
          const dept = c.clock === 'commitment' || c.clock === 'follow_up'
            ? await departmentOfKind(trx, t.regionId, 'complaint_centre')
            : t.assigneeDepartmentId ?? t.nocDepartmentId;
          await appendEvent(trx, { ticketId: t.id, type: 'clock_warned', at: c.warnAt, actor: TIMER, toDepartmentId: dept, data: { clock: c.clock, dueAt: c.dueAt } }, now);
          await notify(trx, { ticketId: t.id, kind: 'clock_warned', departmentId: dept, role: dept ? null : 'supervisor', regionId: t.regionId, message: `工单 ${t.id} ${label}时限即将到期`, data: { clock: c.clock }, at: now });
          await addOutbox(trx, { topic: 'clock.warned', ticketId: t.id, payload: { ticketId: t.id, clock: c.clock, at: c.warnAt }, at: now });
        }
        if (breach) {
          await appendEvent(trx, { ticketId: t.id, type: 'escalated', at: c.dueAt, actor: TIMER, data: { to: 'supervisor', clock: c.clock, reason: `${c.clock} time limit breached` } }, now);
          await notify(trx, { ticketId: t.id, kind: 'clock_breached', role: 'supervisor', regionId: t.regionId, message: `工单 ${t.id} ${label}已超时，升级至主管`, data: { clock: c.clock }, at: now });
          await addOutbox(trx, { topic: 'clock.breached', ticketId: t.id, payload: { ticketId: t.id, clock: c.clock, at: c.dueAt }, at: now });
        }
        if (province) {
          const root = await provinceOf(trx, t.regionId);
          await appendEvent(trx, { ticketId: t.id, type: 'escalated', at: c.provinceAt, actor: TIMER, data: { to: 'province', clock: c.clock, reason: `${c.clock} at 150 % of its time limit` } }, now);
          await notify(trx, { ticketId: t.id, kind: 'province_escalated', role: 'supervisor', regionId: root, message: `工单 ${t.id} ${label}超时 50%，升级至省公司`, data: { clock: c.clock }, at: now });
          await addOutbox(trx, { topic: 'clock.province', ticketId: t.id, payload: { ticketId: t.id, clock: c.clock, at: c.provinceAt }, at: now });
        }
        const summary = await clockSummary(trx, t.id, now);
        await trx.updateTable('ticket').set(summary).where('id', '=', t.id).execute();
      });
    }
  });
  return fired;
}

/** How long to sleep: until the next firing, between 50 ms and 1 s (so a firing is at most ~1 s late). */
export async function msUntilNextFiring(deps: Deps): Promise<number> {
  const r = await deps.db.kysely.selectFrom('ticketClock').select('nextFireAt').where('nextFireAt', 'is not', null).orderBy('nextFireAt').limit(1).executeTakeFirst();
  if (!r?.nextFireAt) return 1000;
  return Math.max(50, Math.min(1000, r.nextFireAt - deps.clock.now()));
}

/** The background loop: fire what is due, then sleep until the next firing. */
export const clockTimerLoop = {
  name: 'clock-timer',
  async tick(deps: Deps): Promise<number> {
    const fired = await scanClocks(deps);
    return fired >= 200 ? 0 : msUntilNextFiring(deps);
  },
};
