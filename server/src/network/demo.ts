import type { Db } from '../db/connect.ts';
import { systemActor } from '../access/actor.ts';
import { DEMO_CITIES, DEMO_PROVINCE } from '../demo/organisation.ts';
import { startOfLocalDay, toIso, zonedParts } from '../shared/time.ts';
import { distanceM } from './geo.ts';
import { importCells, type Ctx } from './import-cells.ts';
import { importSubscribers } from './import-subscribers.ts';
import { createIssue } from './issue-operations.ts';
import { raiseAlarm } from './alarm-operations.ts';

/** Place names for the demo sites of each city. */
const PLACES: Record<string, string[]> = {
  hz: ['文三路', '武林广场', '湖滨', '钱江新城', '西溪', '古墩路', '黄龙', '城站', '凤起路', '南星桥', '闸弄口', '三墩', '翠苑', '北山', '庆春路', '望江门'],
  nb: ['天一广场', '鼓楼', '江北岸', '东部新城', '南部商务区', '月湖', '老外滩', '福明', '石碶', '洪塘', '庄桥', '段塘', '孔浦', '甬江', '明楼', '百丈'],
  wz: ['五马街', '人民路', '江滨路', '南塘', '新城', '黎明', '双屿', '龙湾', '状元', '蒲州', '上陡门', '杨府山', '府东路', '水心', '松台', '划龙桥'],
};
const GRID = 8;           // 8 × 8 sites per city
const SPACING_M = 750;    // between neighbouring sites

/** A small deterministic random source (mulberry32), so demo ids and places never change. */
function random(seed: string): () => number {
  let a = [...seed].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 2654435761) >>> 0, 0x9e3779b9);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoCell { cellId: string; siteId: string; name: string; region: string; network: string; lon: number; lat: number; neighbours: string[] }

/**
 * The demo cells of a city: an 8 × 8 grid of sites about 750 m apart around the centre, each with
 * three LTE sectors (`-1..3`), NR sectors (`-4..6`) on most sites and GSM (`-7..9`) on some; ids
 * like `hz-0001-1`. Neighbours: the same network's cells on the own site and the sites around it.
 */
export function demoCells(city: { id: string; lon: number; lat: number }): DemoCell[] {
  const rnd = random(city.id);
  const mPerDegLon = 111_195 * Math.cos((city.lat * Math.PI) / 180);
  const sites: { id: string; place: string; lon: number; lat: number; networks: [string, number][] }[] = [];
  for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) {
    const n = r * GRID + c + 1;
    const east = (c - (GRID - 1) / 2) * SPACING_M + (rnd() - 0.5) * 200;
    const north = (r - (GRID - 1) / 2) * SPACING_M + (rnd() - 0.5) * 200;
    const central = Math.abs(c - 3.5) + Math.abs(r - 3.5) < 5;
    const networks: [string, number][] = [['LTE', 1]];
    if (rnd() < (central ? 0.9 : 0.5)) networks.push(['NR', 4]);
    if (rnd() < 0.25) networks.push(['GSM', 7]);
    sites.push({
      id: `${city.id}-${String(n).padStart(4, '0')}`, place: PLACES[city.id]?.[n % 16] ?? city.id,
      lon: Math.round((city.lon + east / mPerDegLon) * 1e6) / 1e6, lat: Math.round((city.lat + north / 111_195) * 1e6) / 1e6, networks,
    });
  }
  const cells: DemoCell[] = [];
  for (const s of sites) for (const [network, first] of s.networks) for (let k = 0; k < 3; k++) {
    cells.push({ cellId: `${s.id}-${first + k}`, siteId: s.id, name: `${s.place}${s.id.slice(-2)}-${network}-${k + 1}`, region: city.id, network, lon: s.lon, lat: s.lat, neighbours: [] });
  }
  for (const a of cells) {
    a.neighbours = cells.filter((b) => b !== a && b.network === a.network && distanceM(a.lon, a.lat, b.lon, b.lat) <= SPACING_M * 1.5).map((b) => b.cellId);
  }
  return cells;
}

/** Subscribers per network in the current month, by city (millions); earlier months follow each network's trend. */
const SUBSCRIBERS: Record<string, Record<string, number>> = {
  hz: { LTE: 8.2, NR: 5.6, GSM: 0.9 },
  nb: { LTE: 5.4, NR: 3.5, GSM: 0.6 },
  wz: { LTE: 5.0, NR: 2.9, GSM: 0.7 },
};
/** monthly growth: NR grows, LTE and GSM shrink as users move up */
const TREND: Record<string, number> = { LTE: -0.012, NR: 0.025, GSM: -0.03 };

/**
 * Demo reference data (DESIGN §10): cells with neighbours for the three demo cities, 13 months of
 * subscriber counts, and network issues of every kind with the explanations agents read out.
 * Goes through the same imports and operations as the API, acting as `system:demo`.
 */
export async function seedNetworkDemo(db: Db, opts: { timeZone: string; now: number; log: (msg: string) => void }): Promise<void> {
  const tz = opts.timeZone;
  const now = opts.now;
  const ctx: Ctx = { deps: { db, clock: { now: () => now } }, actor: systemActor('demo', DEMO_PROVINCE.id), address: null };
  const cells = DEMO_CITIES.flatMap((c) => demoCells(c));
  const rc = await importCells(ctx, { rows: cells }, { via: 'demo' });
  if (rc.rejected.length) throw new Error(`demo cells rejected: ${JSON.stringify(rc.rejected.slice(0, 3))}`);

  const z = zonedParts(now, tz);
  const rows: { region: string; network: string; month: string; count: number }[] = [];
  const rnd = random('subscribers');
  for (let back = 12; back >= 0; back--) {
    const d = new Date(Date.UTC(z.year, z.month - 1 - back, 1));
    const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    for (const [region, nets] of Object.entries(SUBSCRIBERS)) for (const [network, millions] of Object.entries(nets)) {
      const count = millions * 1e6 * (1 + TREND[network]) ** -back * (1 + (rnd() - 0.5) * 0.004);
      rows.push({ region, network, month, count: Math.round(count / 10) * 10 });
    }
  }
  await importSubscribers(ctx, { rows }, { via: 'demo' });

  const H = 3600_000;
  const iso = (ms: number) => toIso(ms, tz);
  const tonight = startOfLocalDay(z.year, z.month, z.day + 1, tz);
  const planned = new Date(Date.UTC(z.year, z.month - 1 + 3, 28)).toISOString().slice(0, 10);
  const siteCells = (siteId: string) => cells.filter((c) => c.siteId === siteId).map((c) => c.cellId);
  const hz = DEMO_CITIES.find((c) => c.id === 'hz')!, wz = DEMO_CITIES.find((c) => c.id === 'wz')!;
  await createIssue(ctx, {
    kind: 'outage', title: '文三路基站市电中断退服', cells: siteCells('hz-0012'), startsAt: iso(now - 2 * H),
    explanation: '您好，您所在的文三路附近基站因市电中断暂时退服，维护人员已到达现场抢修，预计今天18:00前恢复。恢复前该区域通话和上网可能受影响，给您带来不便，敬请谅解。',
  });
  await createIssue(ctx, {
    kind: 'outage', title: '湖滨基站传输光缆中断', cells: siteCells('hz-0027'), startsAt: iso(now - 26 * H), endsAt: iso(now - 22 * H),
    explanation: '湖滨附近基站因道路施工挖断传输光缆退服，已于当日抢通恢复。',
  });
  await createIssue(ctx, {
    kind: 'planned_work', title: '钱江新城区域设备升级割接', cells: [...siteCells('hz-0036'), ...siteCells('hz-0037')], startsAt: iso(tonight), endsAt: iso(tonight + 6 * H),
    explanation: '为提升网络质量，今晚0:00至6:00对钱江新城区域基站进行设备升级割接，期间手机信号可能短时中断，割接完成后自动恢复，无需您做任何操作。',
  });
  await createIssue(ctx, {
    kind: 'construction_plan', title: '三墩北新建宏基站', region: 'hz', circle: { lon: hz.lon - 0.045, lat: hz.lat + 0.035, radiusM: 1500 },
    startsAt: iso(now - 30 * 24 * H), plannedDate: planned,
    explanation: `您反映的三墩北区域信号弱问题已纳入本年度无线网络建设计划，新基站预计于${planned}前建成开通，届时室外及室内覆盖将明显改善。感谢您的耐心等待。`,
  });
  await createIssue(ctx, {
    kind: 'no_investment', title: '西湖景区山林地带', region: 'hz', circle: { lon: hz.lon - 0.06, lat: hz.lat - 0.04, radiusM: 2000 },
    startsAt: iso(now - 180 * 24 * H),
    explanation: '该区域位于景区山林地带，用户稀少且受地形和景区环保要求限制，暂不具备建站条件，目前没有建设计划。建议您在信号较好的位置使用手机，或开通VoWiFi（WiFi通话）功能。',
  });
  await createIssue(ctx, {
    kind: 'degradation', title: '天一广场区域上网慢（传输拥塞）', cells: siteCells('nb-0028').filter((id) => /-[1-3]$/.test(id)),
    startsAt: iso(now - 20 * H), endsAt: iso(now + 52 * H),
    explanation: '天一广场区域近期业务量激增导致传输拥塞，高峰时段上网速度变慢，我们正在进行传输扩容，预计两天内完成，完成后速率将恢复正常。',
  });
  await createIssue(ctx, {
    kind: 'coverage_gap', title: '瓯江沿岸弱覆盖', region: 'wz', circle: { lon: wz.lon + 0.03, lat: wz.lat + 0.028, radiusM: 1200 },
    startsAt: iso(now - 60 * 24 * H),
    explanation: '瓯江沿岸部分区域距离基站较远，室内信号偏弱，我们已安排优化调整天线方向，调整后覆盖会有所改善；如仍有问题请再次联系我们。',
  });
  await raiseAlarm(ctx, {
    alarmType: 'EquipmentAlarm', perceivedSeverity: 'critical', probableCause: 'powerProblem', specificProblem: '小区退服',
    alarmedObject: { id: 'wz-0019-1' }, alarmedObjectType: 'cell', sourceSystemId: 'demo-nms', state: 'raised',
    externalAlarmId: 'demo-nms-0001', alarmRaisedTime: iso(now - 40 * 60_000),
  });
  opts.log(`demo network: ${rc.created} cells, ${rows.length} subscriber counts, 8 network issues`);
}
