import { useMemo, useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Card, Col, DatePicker, Dropdown, Flex, Row, Segmented, Select, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useT } from '../../i18n';
import { useMe } from '../../session';
import { regionName, useRegions } from '../../reference-data';
import { useDepartments } from '../../components/tickets/departments';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { useLoad } from '../../hooks/use-load';
import { CLOCKS, downloads, FRACTIONS, KPI_NAMES, kpiApi, type KpiFilters, type KpiGroup, type KpiName, type Scorecard } from './kpi-api';
import { addMonths, formatHours, formatKpi, meets, targetFor } from './kpi-format';
import { backlogOption, compareOption, ratesOption, volumeOption } from './kpi-charts';
import { lazyChart } from '../../charts/lazy-chart';

// the charts come with ECharts after the figures (charts/lazy-chart.tsx)
const KpiChart = lazyChart(() => import('./kpi-chart').then((m) => m.KpiChart), (p) => p.height ?? 300);

const NETWORKS = ['LTE', 'NR', 'GSM', 'WCDMA'] as const;
interface HandlingRow { clock: (typeof CLOCKS)[number]; median: number | null; p90: number | null }
const RATE_LINES: KpiName[] = ['onTimeReplyRate', 'commitmentComplianceRate', 'resolutionRate', 'firstContactResolutionRate'];

/** The ticket list behind a figure: the dashboard's region and department, and what the figure counts. */
function ticketsLink(f: KpiFilters, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ region: f.region, department: f.department, ...extra })) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `/tickets?${s}` : '/tickets';
}

/**
 * The KPI dashboard (DESIGN §7, §9): the month's KPIs against their targets, monthly and daily
 * trends, cities or departments side by side, backlog by age and clock state, hotspots and
 * overdue tickets, scorecards, and exports; a click on a figure opens the tickets behind it.
 * The filters live in the address so a view can be shared.
 */
export default function KpisPage() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const regions = useRegions();
  const departments = useDepartments();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : dayjs().format('YYYY-MM');
  const filters: KpiFilters = { region: params.get('region') ?? undefined, network: params.get('network') ?? undefined, department: params.get('department') ?? undefined };
  const [compareBy, setCompareBy] = useState<'region' | 'department'>('region');
  const [compareKpi, setCompareKpi] = useState<KpiName>('complaintRatePer10k');
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const from = month;
  const to = addMonths(month, 1);
  const key = [month, filters.region, filters.network, filters.department];
  const summary = useLoad(() => kpiApi.report({ ...filters, from, to }), key);
  const trend = useLoad(() => kpiApi.report({ ...filters, from: addMonths(month, -11), to, groupBy: 'month' }), key);
  const daily = useLoad(() => kpiApi.report({ ...filters, from, to, groupBy: 'day' }), key);
  const compare = useLoad(() => kpiApi.report({ ...filters, from, to, groupBy: compareBy }), [...key, compareBy]);
  const backlog = useLoad(() => kpiApi.backlog({ ...filters }), key);
  const targets = useLoad(() => kpiApi.targets(), []);
  const scores = useLoad(() => kpiApi.scorecards({ from, to, region: filters.region }), [month, filters.region]);
  const hotspots = useLoad(() => kpiApi.openHotspots({ region: filters.region }), [filters.region]);
  const reloadAll = () => [summary, trend, daily, compare, backlog, targets, scores, hotspots].forEach((x) => x.reload());
  const error = [summary, trend, daily, compare, backlog, scores].find((x) => x.error)?.error;

  const g = summary.data?.groups[0];
  const scopeRegion = filters.region ?? me.user.regionId;
  const target = (kpi: KpiName, region = scopeRegion) => targetFor(targets.data, kpi, region, regions);
  const cities = (regions ?? []).filter((r) => r.parentId !== null);
  const deptName = (id: string | undefined) => departments?.find((d) => d.id === id)?.name ?? id ?? '';
  const groupLabel = (x: KpiGroup) => (x.key.region ? regionName(regions, x.key.region) : deptName(x.key.department));
  const backlogTotal = backlog.data?.groups.reduce((acc, x) => {
    acc.total += x.backlog.total; acc.warned += x.backlog.warned; acc.breached += x.backlog.breached;
    x.backlog.byAge.forEach((c, i) => { const a = acc.byAge[i]; a.total += c.total; a.ok += c.ok; a.warned += c.warned; a.breached += c.breached; });
    return acc;
  }, { total: 0, ok: 0, warned: 0, breached: 0, byAge: ['0-1d', '1-3d', '3-7d', '7-30d', '30d+'].map((age) => ({ age, total: 0, ok: 0, warned: 0, breached: 0 })) });

  const card = (title: ReactNode, value: ReactNode, foot: ReactNode, link: string, testId: string) => (
    <Col xs={12} sm={8} lg={6} xl={4} key={testId}>
      <Tooltip title={t('kpis.drill')}>
        <Card size="small" hoverable onClick={() => navigate(link)} data-testid={testId} style={{ height: '100%' }}>
          <Statistic title={title} value={value as string} />
          <div style={{ minHeight: 22 }}>{foot}</div>
        </Card>
      </Tooltip>
    </Col>
  );
  const kpiCard = (kpi: KpiName) => {
    const value = g ? g[kpi] : null;
    const goal = target(kpi);
    const state = value === null || goal === null ? null : meets(kpi, value, goal);
    return card(t(`kpis.kpi.${kpi}`), formatKpi(kpi, value), (
      <Flex gap={4} align="center">
        <Typography.Text type="secondary">{goal === null ? t('kpis.noTarget') : t('kpis.target', { value: formatKpi(kpi, goal) })}</Typography.Text>
        {state !== null && <Tag color={state ? 'success' : 'error'}>{state ? t('kpis.met') : t('kpis.missed')}</Tag>}
      </Flex>
    ), ticketsLink(filters), `kpi-card-${kpi}`);
  };

  const exportItems = [
    { key: 'csv', label: t('kpis.exportCsv'), href: downloads.kpis({ ...filters, from, to, groupBy: 'region,network', format: 'csv' }) },
    { key: 'xlsx', label: t('kpis.exportXlsx'), href: downloads.kpis({ ...filters, from, to, groupBy: 'region,network', format: 'xlsx' }) },
    { key: 'monthly', label: t('kpis.exportMonthly'), href: downloads.monthly({ month, region: filters.region }) },
    { key: 'tickets-csv', label: t('kpis.exportTicketsCsv'), href: downloads.tickets({ region: filters.region, format: 'csv' }) },
    { key: 'tickets-xlsx', label: t('kpis.exportTicketsXlsx'), href: downloads.tickets({ region: filters.region, format: 'xlsx' }) },
  ];

  const compareGroups = compare.data?.groups ?? [];
  const compareColumns = [
    { title: compareBy === 'region' ? t('kpis.region') : t('kpis.department'), key: 'name', render: (_: unknown, x: KpiGroup) => groupLabel(x), fixed: 'left' as const },
    { title: t('kpis.tickets'), dataIndex: 'tickets', key: 'tickets' },
    ...KPI_NAMES.map((k) => ({
      title: t(`kpis.kpi.${k}`), key: k,
      render: (_: unknown, x: KpiGroup) => {
        const goal = target(k, x.key.region ?? departments?.find((d) => d.id === x.key.department)?.regionId);
        const v = x[k];
        const bad = v !== null && goal !== null && !meets(k, v, goal);
        return <Typography.Text type={bad ? 'danger' : undefined}>{formatKpi(k, v)}</Typography.Text>;
      },
    })),
    { title: t('kpis.backlog'), key: 'backlog', render: (_: unknown, x: KpiGroup) => x.backlog.total },
  ];
  const scoreColumns = [
    { title: t('kpis.rank'), dataIndex: 'rank', key: 'rank', width: 64 },
    { title: t('kpis.unit'), key: 'name', render: (_: unknown, s: Scorecard) => (s.key.region ? regionName(regions, s.key.region) : deptName(s.key.department)) },
    { title: t('kpis.score'), key: 'score', render: (_: unknown, s: Scorecard) => `${s.score.toFixed(2)} / ${s.maxScore}` },
    { title: t('kpis.percent'), key: 'percent', render: (_: unknown, s: Scorecard) => (s.percent === null ? '—' : `${(s.percent * 100).toFixed(1)}%`) },
    ...(scores.data?.weights ?? []).map((w) => ({
      title: `${t(`kpis.kpi.${w.kpi}`)} (${w.points})`, key: w.kpi,
      render: (_: unknown, s: Scorecard) => {
        const item = s.items.find((i) => i.kpi === w.kpi);
        if (!item) return '—';
        return <Typography.Text type={item.met === false ? 'danger' : undefined}>{`${formatKpi(w.kpi, item.value)} → ${item.score === null ? '—' : item.score.toFixed(2)}`}</Typography.Text>;
      },
    })),
  ];
  const dayLabel = (x: KpiGroup) => x.key.day?.slice(5) ?? '';
  const monthLabel = (x: KpiGroup) => x.key.month ?? '';
  const options = useMemo(() => ({
    volume: volumeOption(trend.data?.groups ?? [], monthLabel, t),
    rates: ratesOption(trend.data?.groups ?? [], monthLabel, RATE_LINES, t),
    dailyVolume: volumeOption(daily.data?.groups ?? [], dayLabel, t),
    dailyRates: ratesOption(daily.data?.groups ?? [], dayLabel, ['onTimeReplyRate', 'commitmentComplianceRate'], t),
    compare: compareOption(compareGroups, groupLabel, compareKpi, target(compareKpi), FRACTIONS.has(compareKpi), t),
    backlog: backlogTotal ? backlogOption(backlogTotal, t) : backlogOption({ total: 0, ok: 0, warned: 0, breached: 0, byAge: [] }, t),
  }), [trend.data, daily.data, compare.data, backlog.data, compareKpi, targets.data, regions, departments, t]);

  return (
    <Page
      title={t('kpis.title')}
      testId="page-kpis"
      extra={
        <>
          <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => set('month', d ? d.format('YYYY-MM') : undefined)} data-testid="kpis-month" />
          <Select
            allowClear placeholder={t('kpis.allRegions')} style={{ minWidth: 140 }} value={filters.region} onChange={(v) => set('region', v)}
            options={(regions ?? []).map((r) => ({ value: r.id, label: r.name }))} data-testid="kpis-region"
          />
          <Select allowClear placeholder={t('kpis.allNetworks')} style={{ minWidth: 120 }} value={filters.network} onChange={(v) => set('network', v)} options={NETWORKS.map((n) => ({ value: n, label: n }))} data-testid="kpis-network" />
          <Select
            allowClear showSearch optionFilterProp="label" placeholder={t('kpis.allDepartments')} style={{ minWidth: 160 }} value={filters.department} onChange={(v) => set('department', v)}
            options={(departments ?? []).filter((d) => !filters.region || d.regionId === filters.region || cities.every((c) => c.id !== filters.region)).map((d) => ({ value: d.id, label: d.name }))}
            data-testid="kpis-department"
          />
          <Button icon={<ReloadOutlined />} onClick={reloadAll} loading={summary.loading} data-testid="kpis-refresh">{t('common.refresh')}</Button>
          <Dropdown menu={{ items: exportItems.map((i) => ({ key: i.key, label: <a href={i.href} download data-testid={`kpis-export-${i.key}`}>{i.label}</a> })) }}>
            <Button icon={<DownloadOutlined />} data-testid="kpis-export">{t('kpis.export')}</Button>
          </Dropdown>
        </>
      }
    >
      <LoadError error={error} onRetry={reloadAll} testId="kpis-error" />
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="kpi-cards">
        {card(t('kpis.tickets'), g?.tickets ?? '—', <Typography.Text type="secondary">{t('kpis.complaintsOf', { n: g?.complaints ?? 0 })}</Typography.Text>, ticketsLink(filters), 'kpi-card-tickets')}
        {KPI_NAMES.map(kpiCard)}
        {card(t('kpis.backlog'), backlogTotal?.total ?? '—', <Typography.Text type="secondary">{t('kpis.warnedOf', { n: backlogTotal?.warned ?? 0 })}</Typography.Text>, ticketsLink(filters, { status: 'open' }), 'kpi-card-backlog')}
        {card(t('kpis.overdue'), backlogTotal?.breached ?? '—', <Tag color="error">{t('kpis.breached')}</Tag>, ticketsLink(filters, { status: 'open', clock: 'breached' }), 'kpi-card-overdue')}
        {card(t('kpis.openHotspots'), hotspots.data ? `${hotspots.data.items.length}${hotspots.data.nextCursor ? '+' : ''}` : '—', null, filters.region ? `/hotspots?region=${filters.region}` : '/hotspots', 'kpi-card-hotspots')}
      </Row>

      <Card title={t('kpis.trendMonthly')} size="small" style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} lg={12}><KpiChart option={options.volume} testId="chart-monthly-volume" onClick={(c) => set('month', trend.data?.groups[c.dataIndex]?.key.month)} /></Col>
          <Col xs={24} lg={12}><KpiChart option={options.rates} testId="chart-monthly-rates" onClick={(c) => set('month', trend.data?.groups[c.dataIndex]?.key.month)} /></Col>
        </Row>
      </Card>

      <Card title={t('kpis.trendDaily', { month })} size="small" style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24} lg={12}><KpiChart option={options.dailyVolume} testId="chart-daily-volume" onClick={() => navigate(ticketsLink(filters))} /></Col>
          <Col xs={24} lg={12}><KpiChart option={options.dailyRates} testId="chart-daily-rates" onClick={() => navigate(ticketsLink(filters))} /></Col>
        </Row>
      </Card>

      <Card
        title={t('kpis.compare')} size="small" style={{ marginBottom: 16 }}
        extra={
          <Flex gap={8}>
            <Select value={compareKpi} onChange={setCompareKpi} style={{ minWidth: 180 }} options={KPI_NAMES.map((k) => ({ value: k, label: t(`kpis.kpi.${k}`) }))} data-testid="kpis-compare-kpi" />
            <Segmented value={compareBy} onChange={(v) => setCompareBy(v as 'region' | 'department')} options={[{ value: 'region', label: t('kpis.byCity') }, { value: 'department', label: t('kpis.byDepartment') }]} />
          </Flex>
        }
      >
        <KpiChart
          option={options.compare} testId="chart-compare"
          onClick={(c) => { const x = compareGroups[c.dataIndex]; if (x) navigate(ticketsLink({ ...filters, region: x.key.region ?? filters.region, department: x.key.department ?? filters.department })); }}
        />
        <Table
          size="small" rowKey={(x) => JSON.stringify(x.key)} dataSource={compareGroups} columns={compareColumns} pagination={false} scroll={{ x: 'max-content' }}
          loading={compare.loading} data-testid="kpis-compare-table"
          onRow={(x) => ({ onClick: () => navigate(ticketsLink({ ...filters, region: x.key.region ?? filters.region, department: x.key.department ?? filters.department })), style: { cursor: 'pointer' } })}
        />
      </Card>

      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('kpis.backlogByAge')} size="small" style={{ marginBottom: 16 }}>
            <KpiChart option={options.backlog} testId="chart-backlog" onClick={(c) => navigate(ticketsLink(filters, { status: 'open', clock: c.seriesName === t('kpis.breached') ? 'breached' : c.seriesName === t('kpis.warned') ? 'warned' : undefined }))} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('kpis.handling')} size="small" style={{ marginBottom: 16 }}>
            <Table<HandlingRow>
              size="small" pagination={false} rowKey="clock" data-testid="kpis-handling"
              dataSource={CLOCKS.map((c) => ({ clock: c, median: g?.handlingHours[c]?.median ?? null, p90: g?.handlingHours[c]?.p90 ?? null }))}
              columns={[
                { title: t('kpis.clock'), key: 'clock', render: (_: unknown, r) => t(`kpis.clock.${r.clock}`) },
                { title: t('kpis.median'), key: 'median', render: (_: unknown, r) => formatHours(r.median) },
                { title: t('kpis.p90'), key: 'p90', render: (_: unknown, r) => formatHours(r.p90) },
              ]}
            />
          </Card>
        </Col>
      </Row>

      <Card title={t('kpis.scorecards')} size="small" data-testid="kpis-scorecards"
        extra={<Typography.Text type="secondary">{t('kpis.scoreRule')}</Typography.Text>}>
        <Segmented
          style={{ marginBottom: 8 }} value={params.get('scores') === 'departments' ? 'departments' : 'cities'} onChange={(v) => set('scores', v === 'departments' ? 'departments' : undefined)}
          options={[{ value: 'cities', label: t('kpis.byCity') }, { value: 'departments', label: t('kpis.byDepartment') }]}
        />
        <Table
          size="small" pagination={false} scroll={{ x: 'max-content' }} loading={scores.loading}
          rowKey={(s) => JSON.stringify(s.key)} columns={scoreColumns}
          dataSource={params.get('scores') === 'departments' ? scores.data?.departments ?? [] : scores.data?.cities ?? []}
        />
      </Card>
    </Page>
  );
}
