import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { actorFor } from '../auth/authenticate.ts';
import { insertTicket } from '../tickets/intake.ts';
import { applyStepIn, type StepInput } from '../tickets/apply-event.ts';
import { DEMO_CITIES } from './organisation.ts';
import { demoCells } from '../network/demo.ts';
import { toIso } from '../shared/time.ts';

const CATEGORIES = ['network.call_drop', 'network.slow_data', 'network.weak_indoor_coverage', 'network.no_coverage', 'network.voice_quality', 'network.no_data', 'network.call_setup_failure', 'network.sms_failure'];
const OTHER = ['billing.overcharge', 'billing.package', 'vas.unwanted_subscription', 'service.attitude'];
const TEXT: Record<string, string> = {
  'network.call_drop': '通话中经常掉线，尤其在办公室内', 'network.slow_data': '晚上上网速度很慢，视频卡顿', 'network.weak_indoor_coverage': '家里信号只有一格，室内打不了电话',
  'network.no_coverage': '小区地下车库完全没有信号', 'network.voice_quality': '通话有杂音，对方听不清', 'network.no_data': '手机显示有信号但无法上网',
  'network.call_setup_failure': '拨打电话经常无法接通', 'network.sms_failure': '验证码短信收不到', 'billing.overcharge': '本月话费比平时多出五十元',
  'billing.package': '套餐流量没有按约定生效', 'vas.unwanted_subscription': '被订购了不认识的增值业务', 'service.attitude': '营业厅工作人员态度不好',
};

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** How far a demo ticket got: each stage a step further along the §3 workflow. */
const STAGES = ['new', 'answered', 'dispatched', 'triaged', 'forwarded', 'dept_initial', 'dept_final', 'noc_final', 'customer_final', 'followed_up', 'closed'] as const;

/**
 * A day of complaints in the demo cities (DESIGN §10): tickets at every stage of the workflow,
 * older ones further along, a few left overdue, and a cluster of call drops around one site
 * that forms a hotspot. Written through the same intake and workflow code as live tickets.
 */
export async function seedDemoTickets(deps: Deps, log: (msg: string) => void): Promise<number> {
  const k = deps.db.kysely;
  const now = deps.clock.now();
  const users = await k.selectFrom('appUser').select(['id', 'username', 'role', 'regionId', 'departmentId']).execute();
  const actors = new Map<string, Actor>();
  for (const u of users) actors.set(u.username, await actorFor(k, { kind: 'user', id: u.id, name: u.username, role: u.role, regionId: u.regionId, departmentId: u.departmentId }));
  const who = (role: 'agent' | 'noc', city: string) => actors.get(city === 'hz' ? role : `${role}.${city}`) ?? actors.get(role)!;
  const rnd = random(20261123);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let made = 0;

  type Plan = { city: string; cellId: string | null; category: string; reportedAt: number; stage: (typeof STAGES)[number]; msisdn: string; vip: boolean; channel: string };
  const plans: Plan[] = [];
  for (const city of DEMO_CITIES) {
    const cells = demoCells(city).filter((c) => c.network !== 'GSM');
    const count = city.id === 'hz' ? 90 : 45;
    for (let i = 0; i < count; i++) {
      const ageH = rnd() * 26;
      const network = rnd() < 0.85;
      const stageIdx = Math.min(STAGES.length - 1, Math.floor((ageH / 26) * STAGES.length * (0.6 + rnd() * 0.6)));
      plans.push({
        city: city.id, cellId: pick(cells).cellId, category: network ? pick(CATEGORIES) : pick(OTHER), reportedAt: now - Math.round(ageH * 3600_000),
        stage: STAGES[stageIdx], msisdn: `13${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`, vip: rnd() < 0.06, channel: rnd() < 0.04 ? 'regulator' : pick(['hotline', 'hotline', 'hotline', 'app', 'web']),
      });
    }
  }
  // a burst of call drops around one Hangzhou site within 40 minutes: a hotspot (§4)
  const hz = demoCells(DEMO_CITIES[0]);
  const centre = hz.find((c) => c.cellId === 'hz-0027-1') ?? hz[0];
  const cluster = [centre.cellId, ...centre.neighbours.slice(0, 3)];
  for (let i = 0; i < 7; i++) {
    plans.push({ city: 'hz', cellId: cluster[i % cluster.length], category: 'network.call_drop', reportedAt: now - 3 * 3600_000 + i * 6 * 60_000, stage: i < 3 ? 'triaged' : 'dispatched', msisdn: `1390571${String(1000 + i)}`, vip: false, channel: 'hotline' });
  }
  plans.sort((a, b) => a.reportedAt - b.reportedAt);

  for (const p of plans) {
    await k.transaction().execute(async (trx) => {
      const agent = who('agent', p.city);
      const noc = who('noc', p.city);
      const isNetwork = p.category.startsWith('network.');
      let t = await insertTicket(trx, deps, agent, {
        channel: p.channel, customer: { msisdn: p.msisdn, name: pick(['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇']), vip: p.vip },
        category: p.category, cellId: p.cellId ?? undefined, region: p.city, reportedAt: toIso(p.reportedAt, deps.config.timeZone),
        description: TEXT[p.category] ?? '客户投诉', commitmentHours: rnd() < 0.2 ? 24 : undefined,
      }, now);
      made++;
      let at = p.reportedAt;
      const step = async (actor: Actor, s: StepInput, minutes: number) => {
        at = Math.round(Math.min(now - 60_000, at + minutes * 60_000));
        t = (await applyStepIn(trx, deps, actor, t, s, at, now, { history: true })).ticket;
      };
      const target = STAGES.indexOf(p.stage);
      if (target === 0) return;
      if (p.stage === 'answered') {
        await step(agent, { type: 'resolved_at_intake', text: '经查询，该区域基站正在例行维护，预计两小时内恢复，已向客户解释' }, 4);
        return;
      }
      if (!isNetwork) {
        await step(agent, { type: 'dispatched', department: `${p.city}-complaint_centre` }, 5);
        if (target >= STAGES.indexOf('dept_final')) await step(agent, { type: 'noted', text: '已核实账单，安排退费' }, 60);
        return;
      }
      await step(agent, { type: 'dispatched' }, 5);
      if (target < STAGES.indexOf('triaged')) return;
      await step(noc, { type: 'triaged', grade: p.vip || p.channel === 'regulator' ? 'important' : 'ordinary' }, 20 + rnd() * 60);
      if (target < STAGES.indexOf('forwarded')) return;
      const dept = pick(['maintenance', 'optimisation', 'construction']);
      const handler = actors.get({ maintenance: 'maint', optimisation: 'optim', construction: 'build' }[dept]!)!;
      await step(noc, { type: 'forwarded', department: `${p.city}-${dept}`, reason: dept === 'maintenance' ? '疑似基站故障，请维护核查' : dept === 'optimisation' ? '覆盖参数需优化' : '弱覆盖区域需新建站点' }, 30);
      const sameCity = p.city === 'hz';
      if (target < STAGES.indexOf('dept_initial') || !sameCity) return;
      await step(handler, { type: 'department_replied', kind: 'initial', text: '已安排人员现场测试' }, 60);
      await step(noc, { type: 'noc_replied', kind: 'initial', text: '问题已受理，正在处理中' }, 10);
      if (target < STAGES.indexOf('dept_final')) return;
      const resolution = dept === 'maintenance' ? 'fault_repaired' : dept === 'optimisation' ? 'optimised' : 'construction_planned';
      await step(handler, { type: 'department_replied', kind: 'final', text: resolution === 'construction_planned' ? '已纳入明年建设计划' : '已处理，复测正常', resolution }, 120);
      if (target < STAGES.indexOf('noc_final')) return;
      await step(noc, { type: 'noc_replied', kind: 'final', text: '处理完毕，请回复客户', resolution }, 15);
      if (target < STAGES.indexOf('customer_final')) return;
      await step(agent, { type: 'customer_contacted', kind: 'final', text: '已电话告知客户处理结果' }, 30);
      if (target < STAGES.indexOf('followed_up')) return;
      const score = Math.max(1, Math.min(10, Math.round(7 + rnd() * 4)));
      const responded = rnd() < 0.85;
      await step(agent, { type: 'followed_up', responded, ...(responded ? { score } : {}) }, 60);
      if (target < STAGES.indexOf('closed')) return;
      await step(agent, { type: 'closed' }, 5);
    });
  }
  log(`demo tickets: ${made}`);
  return made;
}
