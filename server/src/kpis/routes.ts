import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE } from '../access/roles.ts';
import { ListQuery } from '../tickets/schemas.ts';
import { kpiReport } from './query.ts';
import { currentBacklog } from './backlog.ts';
import { monthlyReport } from './monthly-report.ts';
import { BacklogQuery, KpiExportQuery, KpiQueryString, MonthlyReportQuery, ScorecardQuery, TargetsBody, WeightsBody } from './schemas.ts';
import { listTargets, listWeights, putTargets, putWeights } from './targets.ts';
import { scorecards } from './scorecards.ts';
import { kpiCsv, kpiXlsx, langOf, ticketCsvStream, ticketPages, ticketXlsxStream } from './export.ts';

/** Everyone signed in reads KPIs, scoped to their region (DESIGN §1, §7). */
const READERS = ANY_ROLE;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(reply: FastifyReply, name: string, type: string): FastifyReply {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
}

/** KPIs, backlog, targets, weights, scorecards, exports and the monthly report (issue 5). */
export function kpiRoutes(app: FastifyInstance, deps: Deps): void {
  const ctx = (req: any) => ({ deps, actor: actorOf(req), address: req.ip as string });

  route(app, {
    method: 'GET', url: '/api/v1/kpis', access: READERS,
    schema: { tags: ['kpis'], summary: 'Quality KPIs of a period [from, to), grouped by region, network, department, month, day (DESIGN §7, §11)', querystring: KpiQueryString },
    handler: async (req) => kpiReport(deps, actorOf(req), req.query as any),
  });

  route(app, {
    method: 'GET', url: '/api/v1/kpis/backlog', access: READERS,
    schema: { tags: ['kpis'], summary: 'Open tickets now, by age and clock state, grouped by region, network, department', querystring: BacklogQuery },
    handler: async (req) => currentBacklog(deps, actorOf(req), req.query as any),
  });

  route(app, {
    method: 'GET', url: '/api/v1/kpis/export', access: READERS,
    schema: { tags: ['kpis'], summary: 'The KPI table as CSV or Excel (same parameters as GET /api/v1/kpis)', querystring: KpiExportQuery },
    handler: async (req, reply) => {
      const q = req.query as any;
      const report = await kpiReport(deps, actorOf(req), q);
      const lang = langOf(req.headers['accept-language']);
      if (q.format === 'xlsx') return attachment(reply, 'kpis.xlsx', XLSX).send(await kpiXlsx(report, lang));
      return attachment(reply, 'kpis.csv', 'text/csv; charset=utf-8').send(kpiCsv(report, lang));
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/kpi-targets', access: READERS,
    schema: { tags: ['kpis'], summary: 'KPI targets (a region without its own takes its parent\'s, then *)' },
    handler: async (req) => ({ items: await listTargets(deps, actorOf(req)), nextCursor: null }),
  });
  route(app, {
    method: 'PUT', url: '/api/v1/kpi-targets', access: ['admin'],
    schema: { tags: ['kpis'], summary: 'Set or remove KPI targets per region (value null removes)', body: TargetsBody },
    handler: async (req) => ({ items: await putTargets(ctx(req), (req.body as any).targets), nextCursor: null }),
  });
  route(app, {
    method: 'GET', url: '/api/v1/kpi-weights', access: READERS,
    schema: { tags: ['kpis'], summary: 'Scorecard points per KPI' },
    handler: async () => ({ items: await listWeights(deps.db.kysely), nextCursor: null }),
  });
  route(app, {
    method: 'PUT', url: '/api/v1/kpi-weights', access: ['admin'],
    schema: { tags: ['kpis'], summary: 'Set or remove scorecard points per KPI (points null removes)', body: WeightsBody },
    handler: async (req) => ({ items: await putWeights(ctx(req), (req.body as any).weights), nextCursor: null }),
  });

  route(app, {
    method: 'GET', url: '/api/v1/scorecards', access: READERS,
    schema: { tags: ['kpis'], summary: 'City and department scorecards: points × (1 when the target is met, else the achieved fraction)', querystring: ScorecardQuery },
    handler: async (req) => scorecards(deps, actorOf(req), req.query as any),
  });

  const { limit: _limit, cursor: _cursor, ...listFilters } = ListQuery.properties;
  route(app, {
    method: 'GET', url: '/api/v1/tickets/export', access: ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor', 'api'],
    schema: {
      tags: ['tickets'], summary: 'The ticket list as CSV or Excel (filters of GET /api/v1/tickets), masked per role, at most 100,000 rows',
      querystring: Type.Object({ ...listFilters, format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' })) }),
    },
    handler: async (req, reply) => {
      const { format, ...filters } = req.query as any;
      const pages = await ticketPages(deps, actorOf(req), filters);
      const lang = langOf(req.headers['accept-language']);
      reply.header('x-export-row-limit', '100000');
      if (format === 'xlsx') return attachment(reply, 'tickets.xlsx', XLSX).send(ticketXlsxStream(pages, lang));
      return attachment(reply, 'tickets.csv', 'text/csv; charset=utf-8').send(ticketCsvStream(pages, lang));
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/reports/monthly', access: READERS,
    schema: { tags: ['kpis'], summary: 'Monthly service-quality report (Excel): KPIs per city with targets, departments, 12-month and daily trends', querystring: MonthlyReportQuery },
    handler: async (req, reply) => {
      const q = req.query as { month: string; region?: string };
      const { region, body } = await monthlyReport(deps, actorOf(req), q, langOf(req.headers['accept-language']));
      return attachment(reply, `report-${region}-${q.month}.xlsx`, XLSX).send(body);
    },
  });
}
