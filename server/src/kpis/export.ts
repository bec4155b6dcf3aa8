/**
 * Exports (DESIGN §7 "everything exports to CSV and Excel"): KPI tables, ticket lists masked per
 * role (the ticket presenter decides what leaves the server), and the monthly report workbook.
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { listTickets, type ListFilters } from '../tickets/list.ts';
import { presentTicket } from '../tickets/present.ts';
import { CLOCK_NAMES, KPIS, KPI_NAMES, type KpiName } from './catalogue.ts';
import type { KpiGroup, KpiReport } from './query.ts';

export type Lang = 'zh' | 'en';

/** The console's language rule: Chinese unless the caller prefers English. */
export function langOf(acceptLanguage: string | undefined): Lang {
  return acceptLanguage && /^\s*en/i.test(acceptLanguage) ? 'en' : 'zh';
}

/** One column of an export: header per language and the cell value of a row. */
export interface Column<T> { key: string; zh: string; en: string; value: (row: T) => string | number | boolean | null; format?: 'percent' | 'decimal' | 'integer' }

const CLOCK_LABELS: Record<string, { zh: string; en: string }> = {
  triage: { zh: '分拣', en: 'triage' }, initial_reply: { zh: '初步回复', en: 'initial reply' }, resolution: { zh: '问题处理', en: 'resolution' },
  commitment: { zh: '服务承诺', en: 'commitment' }, follow_up: { zh: '回访', en: 'follow-up' },
};

const isRate = (k: KpiName) => k.endsWith('Rate') || k === 'tenPointShare';

/** The columns of a KPI table: the grouped keys, the counts, every KPI, handling times, backlog. */
export function kpiColumns(groupBy: readonly string[]): Column<KpiGroup>[] {
  const keyColumns: Column<KpiGroup>[] = [
    { key: 'region', zh: '地市', en: 'Region', value: (g) => g.key.region ?? null },
    { key: 'network', zh: '网络', en: 'Network', value: (g) => g.key.network ?? null },
    { key: 'department', zh: '部门', en: 'Department', value: (g) => g.key.department ?? null },
    { key: 'month', zh: '月份', en: 'Month', value: (g) => g.key.month ?? null },
    { key: 'day', zh: '日期', en: 'Day', value: (g) => g.key.day ?? null },
  ];
  const keys = keyColumns.filter((c) => groupBy.includes(c.key));
  return [
    ...keys,
    { key: 'tickets', zh: '受理量', en: 'Tickets', value: (g) => g.tickets, format: 'integer' },
    { key: 'complaints', zh: '网络投诉量', en: 'Network complaints', value: (g) => g.complaints, format: 'integer' },
    { key: 'subscribers', zh: '用户数', en: 'Subscribers', value: (g) => g.subscribers, format: 'integer' },
    ...KPI_NAMES.map((k): Column<KpiGroup> => ({ key: k, zh: KPIS[k].zh, en: KPIS[k].en, value: (g) => g[k] as number | null, format: isRate(k) ? 'percent' : 'decimal' })),
    ...CLOCK_NAMES.flatMap((c): Column<KpiGroup>[] => [
      { key: `${c}.median`, zh: `${CLOCK_LABELS[c].zh}时长中位数(小时)`, en: `${CLOCK_LABELS[c].en} median (h)`, value: (g) => g.handlingHours[c]?.median ?? null, format: 'decimal' },
      { key: `${c}.p90`, zh: `${CLOCK_LABELS[c].zh}时长P90(小时)`, en: `${CLOCK_LABELS[c].en} p90 (h)`, value: (g) => g.handlingHours[c]?.p90 ?? null, format: 'decimal' },
    ]),
    { key: 'backlog', zh: '积压工单', en: 'Backlog', value: (g) => g.backlog.total, format: 'integer' },
    { key: 'backlog.warned', zh: '积压-预警', en: 'Backlog warned', value: (g) => g.backlog.warned, format: 'integer' },
    { key: 'backlog.breached', zh: '积压-超时', en: 'Backlog breached', value: (g) => g.backlog.breached, format: 'integer' },
  ];
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; formulas defused. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v == null) return '';
  let s = String(v);
  // a cell starting with = + - @ is a formula to Excel: prefix a quote so exported text never runs
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: (string | number | boolean | null | undefined)[]) => `${cells.map(csvField).join(',')}\r\n`;
/** UTF-8 byte order mark: Excel then opens Chinese text in a CSV correctly. */
const BOM = '\uFEFF';

export function kpiCsv(report: KpiReport, lang: Lang): string {
  const cols = kpiColumns(report.groupBy);
  return BOM + csvLine(cols.map((c) => c[lang])) + report.groups.map((g) => csvLine(cols.map((c) => c.value(g)))).join('');
}

function numFmt(f: Column<unknown>['format']): string | undefined {
  return f === 'percent' ? '0.00%' : f === 'decimal' ? '0.00' : f === 'integer' ? '0' : undefined;
}

/** Writes rows under a bold, frozen header with column formats. */
function fillSheet<T>(ws: ExcelJS.Worksheet, cols: Column<T>[], rows: T[], lang: Lang): void {
  ws.columns = cols.map((c) => ({ header: c[lang], key: c.key, width: Math.max(10, Math.min(28, c[lang].length * (lang === 'zh' ? 2 : 1) + 2)), style: numFmt(c.format) ? { numFmt: numFmt(c.format) } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow(Object.fromEntries(cols.map((c) => [c.key, c.value(r)])));
}

export async function kpiXlsx(report: KpiReport, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'netcare';
  const ws = wb.addWorksheet(lang === 'zh' ? '指标' : 'KPIs');
  fillSheet(ws, kpiColumns(report.groupBy), report.groups, lang);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Ticket exports stop here (issue 5: stream, cap rows). */
export const TICKET_EXPORT_MAX = 100_000;
const PAGE = 1000;

type Presented = ReturnType<typeof presentTicket>;
export const TICKET_COLUMNS: Column<Presented>[] = [
  { key: 'id', zh: '工单号', en: 'Id', value: (t) => t.id },
  { key: 'externalId', zh: '外部编号', en: 'External id', value: (t) => t.externalId },
  { key: 'status', zh: '状态', en: 'Status', value: (t) => t.status },
  { key: 'grade', zh: '等级', en: 'Grade', value: (t) => t.grade },
  { key: 'channel', zh: '渠道', en: 'Channel', value: (t) => t.channel },
  { key: 'category', zh: '投诉类型', en: 'Category', value: (t) => t.category },
  { key: 'network', zh: '网络', en: 'Network', value: (t) => t.network },
  { key: 'region', zh: '地市', en: 'Region', value: (t) => t.region },
  { key: 'cellId', zh: '小区', en: 'Cell', value: (t) => t.cellId },
  { key: 'msisdn', zh: '号码', en: 'Phone', value: (t) => t.customer.msisdn },
  { key: 'name', zh: '客户', en: 'Customer', value: (t) => t.customer.name },
  { key: 'vip', zh: 'VIP', en: 'VIP', value: (t) => t.customer.vip },
  { key: 'reportedAt', zh: '受理时间', en: 'Reported at', value: (t) => t.reportedAt },
  { key: 'isRepeat', zh: '重复投诉', en: 'Repeat', value: (t) => t.isRepeat },
  { key: 'assigneeDepartment', zh: '处理部门', en: 'With department', value: (t) => t.assigneeDepartment },
  { key: 'clockState', zh: '时限状态', en: 'Clock state', value: (t) => t.clockState },
  { key: 'nextDueAt', zh: '最近到期', en: 'Next due', value: (t) => t.nextDueAt },
  { key: 'resolution', zh: '解决方式', en: 'Resolution', value: (t) => t.resolution },
  { key: 'resolvedAtIntake', zh: '一次性答复', en: 'Resolved at intake', value: (t) => t.resolvedAtIntake },
  { key: 'closedAt', zh: '关闭时间', en: 'Closed at', value: (t) => t.closedAt },
  { key: 'description', zh: '描述', en: 'Description', value: (t) => t.description },
];

/**
 * The tickets of a list filter (GET /api/v1/tickets filters and order), page by page through the
 * same keyset query, each through the presenter (masked per role), at most TICKET_EXPORT_MAX.
 * The first page is read before anything is sent, so a bad filter still answers 400.
 */
export interface TicketPages extends AsyncIterable<Presented[]> {
  /** set once iteration ended: more tickets matched than were exported */
  truncated: boolean;
}

export async function ticketPages(deps: Deps, actor: Actor, f: ListFilters, opts: { page?: number; max?: number } = {}): Promise<TicketPages> {
  const tz = deps.config.timeZone;
  const size = opts.page ?? PAGE;
  const max = opts.max ?? TICKET_EXPORT_MAX;
  const first = await listTickets(deps, actor, { ...f, limit: size, cursor: undefined });
  const out: TicketPages = {
    truncated: false,
    async *[Symbol.asyncIterator]() {
      let page = first;
      let sent = 0;
      for (;;) {
        const items = page.items.slice(0, max - sent).map((t) => presentTicket(t, actor, deps.pii, tz));
        sent += items.length;
        if (items.length) yield items;
        if (sent >= max && (page.nextCursor || items.length < page.items.length)) out.truncated = true;
        if (!page.nextCursor || sent >= max) return;
        page = await listTickets(deps, actor, { ...f, limit: size, cursor: page.nextCursor });
      }
    },
  };
  return out;
}

export function ticketCsvStream(pages: TicketPages, lang: Lang): Readable {
  async function* lines() {
    yield BOM + csvLine(TICKET_COLUMNS.map((c) => c[lang]));
    for await (const page of pages) yield page.map((t) => csvLine(TICKET_COLUMNS.map((c) => c.value(t)))).join('');
  }
  return Readable.from(lines());
}

/** Streams the workbook row by row (exceljs WorkbookWriter): memory stays flat at 100,000 rows. */
export function ticketXlsxStream(pages: TicketPages, lang: Lang): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(lang === 'zh' ? '工单' : 'Tickets');
  ws.columns = TICKET_COLUMNS.map((c) => ({ header: c[lang], key: c.key, width: c.key === 'description' ? 60 : 16 }));
  (async () => {
    let n = 0;
    for await (const page of pages) {
      for (const t of page) {
        ws.addRow(Object.fromEntries(TICKET_COLUMNS.map((c) => [c.key, c.value(t)]))).commit();
        n++;
      }
    }
    if (pages.truncated) ws.addRow({ id: lang === 'zh' ? `仅导出前 ${n} 条，请缩小筛选范围` : `Only the first ${n} tickets; narrow the filter` }).commit();
    ws.commit();
    await wb.commit();
  })().catch((err) => out.destroy(err));
  return out;
}

/** The monthly report's parts, computed by the route with the caller's scope. */
export interface MonthlyReport {
  month: string;
  regionName: string;
  total: KpiReport;
  byCity: KpiReport;
  byDepartment: KpiReport;
  trend: KpiReport;
  daily: KpiReport;
  targets: Map<string, Map<KpiName, number>>;
}

const MISSED = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE2E1' } } as const;
const MET = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3F4E1' } } as const;

/**
 * The monthly report (Excel): KPI table per city with the province/region total and targets
 * (cells green when met, red when missed), departments, a 12-month trend and the month's days,
 * with data bars, set up to print landscape on one page wide.
 */
export async function monthlyReportXlsx(r: MonthlyReport, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'netcare';
  const title = lang === 'zh' ? `${r.regionName} ${r.month} 服务质量月报` : `${r.regionName} service quality report ${r.month}`;
  const sheet = (name: string) => {
    const ws = wb.addWorksheet(name, { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 } });
    return ws;
  };

  const kpiSheet = sheet(lang === 'zh' ? '指标' : 'KPIs');
  const cols = kpiColumns(['region']);
  fillSheet(kpiSheet, cols, [...r.byCity.groups, ...r.total.groups.map((g) => ({ ...g, key: { region: lang === 'zh' ? '合计' : 'Total' } }))], lang);
  kpiSheet.insertRow(1, [title]);
  kpiSheet.getRow(1).font = { bold: true, size: 14 };
  kpiSheet.views = [{ state: 'frozen', ySplit: 2, xSplit: 1 }];
  // colour each KPI cell by its region's target
  r.byCity.groups.concat(r.total.groups).forEach((g, i) => {
    const row = kpiSheet.getRow(3 + i);
    const targets = r.targets.get(g.key.region ?? '') ?? r.targets.get('') ?? new Map();
    cols.forEach((c, j) => {
      const target = targets.get(c.key as KpiName);
      const v = c.value(g);
      if (target == null || typeof v !== 'number') return;
      const met = KPIS[c.key as KpiName].better === 'higher' ? v >= target : v <= target;
      row.getCell(j + 1).fill = met ? MET : MISSED;
    });
  });
  const targetRow = kpiSheet.addRow([lang === 'zh' ? '目标' : 'Target', ...cols.slice(1).map((c) => r.targets.get('')?.get(c.key as KpiName) ?? null)]);
  targetRow.font = { italic: true };
  cols.forEach((c, j) => { if (numFmt(c.format)) targetRow.getCell(j + 1).numFmt = numFmt(c.format)!; });

  const deptSheet = sheet(lang === 'zh' ? '部门' : 'Departments');
  fillSheet(deptSheet, kpiColumns(['department']), r.byDepartment.groups, lang);

  for (const [name, rep, key] of [[lang === 'zh' ? '月度趋势' : 'Monthly trend', r.trend, 'month'], [lang === 'zh' ? '日趋势' : 'Daily trend', r.daily, 'day']] as const) {
    const ws = sheet(name);
    const c = kpiColumns([key]);
    fillSheet(ws, c, rep.groups, lang);
    const n = rep.groups.length;
    if (n > 0) {
      for (const k of ['tickets', 'complaintRatePer10k', 'onTimeReplyRate', 'commitmentComplianceRate']) {
        const col = c.findIndex((x) => x.key === k);
        if (col < 0) continue;
        const letter = ws.getColumn(col + 1).letter;
        ws.addConditionalFormatting({ ref: `${letter}2:${letter}${n + 1}`, rules: [{ type: 'dataBar', priority: 1, cfvo: [{ type: 'min' }, { type: 'max' }], color: { argb: 'FF5B8FF9' } } as any] });
      }
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
