import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Drawer, Empty, Flex, Row, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { FireOutlined, ReloadOutlined, UnorderedListOutlined, FileSearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { regionName, useRegions } from '../../reference-data';
import { formatTime } from '../../format';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { testId } from '../../components/test-id';
import { CATEGORY_TREE, categoryPath } from '../../components/tickets/categories';
import { TicketTable } from '../../components/tickets/ticket-table';
import { useTicketList } from '../../components/tickets/ticket-list';
import { lazyChart } from '../../charts/lazy-chart';
import type { Hotspot, HotspotRule, MapAnswer, MapCell } from './hotspot-types';

// the map comes with ECharts after the hotspot list (charts/lazy-chart.tsx)
const CellMap = lazyChart(() => import('./cell-map').then((m) => m.CellMap), () => 520);

const WINDOWS = [
  { key: '6h', hours: 6 }, { key: '24h', hours: 24 }, { key: '3d', hours: 72 }, { key: '7d', hours: 168 }, { key: '31d', hours: 744 },
] as const;

/** Status colours of a group. */
const STATUS_COLOUR: Record<string, string> = { open: 'volcano', closed: 'default', merged: 'purple' };

/**
 * The hotspot map (DESIGN §4, §9): the cells of a city coloured by their open network complaints
 * in a chosen window, every hotspot group outlined; a click on a cell or an outline shows it,
 * with its member tickets and its problem record. Region, window and category live in the URL.
 */
export default function HotspotsPage() {
  const t = useT();
  const regions = useRegions();
  const [params, setParams] = useSearchParams();
  const cities = (regions ?? []).filter((r) => r.parentId !== null);
  const region = params.get('region') ?? '';
  const category = params.get('category') ?? '';
  const windowKey = (params.get('window') ?? '24h') as (typeof WINDOWS)[number]['key'];
  const endText = params.get('to');
  const end = endText && dayjs(endText).isValid() ? dayjs(endText) : null;
  const [selectedHotspot, setSelectedHotspot] = useState<number | null>(params.get('hotspot') ? Number(params.get('hotspot')) : null);
  const [selectedCell, setSelectedCell] = useState<string | null>(null);
  const [ticketsOf, setTicketsOf] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);

  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };

  const hours = WINDOWS.find((w) => w.key === windowKey)?.hours ?? 24;

  // opened for one group (`?hotspot=ID`, from a ticket or a problem record): show its city and a window that holds it
  const focus = params.get('hotspot');
  useEffect(() => {
    if (!focus) return;
    let live = true;
    api.get<Hotspot>(`/api/v1/hotspots/${encodeURIComponent(focus)}`).then((h) => {
      if (!live) return;
      const id = h.status === 'merged' && h.mergedInto != null ? h.mergedInto : h.id;
      setSelectedHotspot(id);
      const windowStart = (end ?? dayjs()).subtract(hours, 'hour');
      const changes: Record<string, string | null> = { hotspot: null };
      if (!region) changes.region = h.region;
      if (dayjs(h.lastReportedAt).isBefore(windowStart)) changes.to = dayjs(h.lastReportedAt).add(1, 'hour').startOf('hour').format();
      set(changes);
    }, () => { /* unknown or outside the scope: the map as it is */ });
    return () => { live = false; };
    // only when arriving with ?hotspot=
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus]);
  const map = useLoad(async () => {
    const to = (end ?? dayjs()).format();
    const from = (end ?? dayjs()).subtract(hours, 'hour').format();
    return api.get<MapAnswer>('/api/v1/hotspots/map', { from, to, region, category });
  }, [region, category, hours, endText, generation]);
  const rule = useLoad(() => api.get<HotspotRule>('/api/v1/hotspots/settings'), []);

  const hotspots = map.data?.hotspots ?? [];
  const cells = map.data?.cells ?? [];
  const hotspot = hotspots.find((h) => h.id === selectedHotspot) ?? null;
  const cell = cells.find((c) => c.id === selectedCell) ?? null;
  const stats = useMemo(() => ({
    complaints: cells.reduce((s, c) => s + c.complaints, 0),
    open: cells.reduce((s, c) => s + c.openComplaints, 0),
    withComplaints: cells.filter((c) => c.complaints > 0).length,
  }), [cells]);

  const networkCategories = CATEGORY_TREE.filter((c) => c.isNetwork).flatMap((c) => c.children).map((c) => ({ value: c.id, label: categoryPath(t, c.id) }));

  const columns: TableColumnsType<Hotspot> = [
    {
      title: t('hotspots.id'), dataIndex: 'id', width: 90,
      render: (id: number) => <Button type="link" size="small" onClick={() => { setSelectedHotspot(id); setSelectedCell(null); }} data-testid={`hotspot-select-${id}`}>#{id}</Button>,
    },
    { title: t('hotspots.category'), dataIndex: 'category', ellipsis: true, render: (c: string) => categoryPath(t, c) },
    { title: t('hotspots.region'), dataIndex: 'region', width: 100, render: (r: string) => regionName(regions, r) },
    { title: t('hotspots.cells'), dataIndex: 'cells', width: 80, render: (c: string[]) => c.length },
    { title: t('hotspots.tickets'), dataIndex: 'ticketCount', width: 80 },
    { title: t('hotspots.first'), dataIndex: 'firstReportedAt', width: 170, render: formatTime },
    { title: t('hotspots.last'), dataIndex: 'lastReportedAt', width: 170, render: formatTime },
    { title: t('hotspots.status'), dataIndex: 'status', width: 100, render: (s: string) => <Tag color={STATUS_COLOUR[s]}>{t(`hotspots.status.${s}` as 'hotspots.status.open')}</Tag> },
    {
      title: t('common.actions'), key: 'actions', width: 210,
      render: (_, h) => <HotspotLinks hotspot={h} onTickets={() => setTicketsOf(h.id)} />,
    },
  ];

  return (
    <Page
      title={t('hotspots.title')}
      testId="page-hotspots"
      extra={<Button icon={<ReloadOutlined />} onClick={() => setGeneration((g) => g + 1)} loading={map.loading} data-testid="hotspots-refresh">{t('common.refresh')}</Button>}
    >
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center" data-testid="hotspots-filters">
          <Select
            allowClear placeholder={t('hotspots.allRegions')} style={{ width: 160 }} value={region || undefined}
            options={cities.map((c) => ({ value: c.id, label: c.name }))} onChange={(v?: string) => set({ region: v ?? null })}
            data-testid="hotspots-region"
          />
          <Select
            style={{ width: 150 }} value={windowKey} onChange={(v: string) => set({ window: v })} data-testid="hotspots-window"
            options={WINDOWS.map((w) => ({ value: w.key, label: t(`hotspots.window.${w.key}` as 'hotspots.window.24h') }))}
          />
          <DatePicker
            showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" placeholder={t('hotspots.untilNow')} value={end}
            onChange={(d: Dayjs | null) => set({ to: d ? d.format() : null })} style={{ width: 190 }} data-testid="hotspots-to"
          />
          <Select
            allowClear placeholder={t('hotspots.allCategories')} style={{ width: 220 }} value={category || undefined}
            options={networkCategories} onChange={(v?: string) => set({ category: v ?? null })} data-testid="hotspots-category"
          />
          {rule.data && (
            <Typography.Text type="secondary" data-testid="hotspots-rule">
              {t('hotspots.rule', { n: rule.data.minComplaints, minutes: rule.data.windowMinutes })}
            </Typography.Text>
          )}
        </Flex>
      </Card>
      <LoadError error={map.error} onRetry={() => setGeneration((g) => g + 1)} testId="hotspots-load-error" />
      {map.data?.truncated && <Alert type="warning" showIcon title={t('hotspots.truncated')} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" style={{ marginBottom: 16 }}
            title={<Space size={16} wrap>
              <span>{t('hotspots.mapTitle')}</span>
              <Typography.Text type="secondary" style={{ fontWeight: 'normal' }} data-testid="hotspots-stats">
                {t('hotspots.stats', { cells: stats.withComplaints, complaints: stats.complaints, open: stats.open, hotspots: hotspots.length })}
              </Typography.Text>
            </Space>}
          >
            {cells.length === 0 && !map.loading
              ? <Empty description={region ? t('hotspots.noCells') : t('hotspots.chooseRegion')} style={{ padding: '120px 0' }} />
              : (
                <CellMap
                  cells={cells} hotspots={hotspots} selectedHotspot={selectedHotspot} selectedCell={selectedCell}
                  onCell={(id) => { setSelectedCell(id); const c = cells.find((x) => x.id === id); if (c?.hotspotIds.length) setSelectedHotspot(c.hotspotIds[0]); }}
                  onHotspot={(id) => { setSelectedHotspot(id); setSelectedCell(null); }}
                />
              )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          {cell && <CellCard cell={cell} hotspots={hotspots} onHotspot={(id) => setSelectedHotspot(id)} />}
          {hotspot
            ? <HotspotCard hotspot={hotspot} onTickets={() => setTicketsOf(hotspot.id)} onClose={() => setSelectedHotspot(null)} />
            : !cell && <Card size="small"><Typography.Text type="secondary">{t('hotspots.pickHint')}</Typography.Text></Card>}
        </Col>
      </Row>
      <Card size="small" title={<Flex gap={8} align="center"><FireOutlined style={{ color: '#d4380d' }} />{t('hotspots.listTitle')}</Flex>} styles={{ body: { padding: 0 } }}>
        <Table<Hotspot>
          rowKey="id" size="middle" columns={columns} dataSource={hotspots} loading={map.loading} pagination={{ pageSize: 20, hideOnSinglePage: true }}
          rowClassName={(h) => (h.id === selectedHotspot ? 'ant-table-row-selected' : '')}
          locale={{ emptyText: t('hotspots.none') }} onRow={(h) => testId(`hotspot-row-${h.id}`)} data-testid="hotspots-table"
        />
      </Card>
      <HotspotTickets id={ticketsOf} onClose={() => setTicketsOf(null)} />
    </Page>
  );
}

/** Links of a group: its tickets (here, and in the ticket list) and its problem record. */
function HotspotLinks({ hotspot, onTickets }: { hotspot: Hotspot; onTickets: () => void }) {
  const t = useT();
  return (
    <Space size={4} wrap>
      <Button size="small" icon={<UnorderedListOutlined />} onClick={onTickets} data-testid={`hotspot-tickets-${hotspot.id}`}>{t('hotspots.viewTickets')}</Button>
      {hotspot.problemId != null && (
        <Link to={`/problems?id=${hotspot.problemId}`} data-testid={`hotspot-problem-${hotspot.id}`}>
          <Button size="small" icon={<FileSearchOutlined />}>{t('hotspots.problem', { id: hotspot.problemId })}</Button>
        </Link>
      )}
    </Space>
  );
}

function HotspotCard({ hotspot: h, onTickets, onClose }: { hotspot: Hotspot; onTickets: () => void; onClose: () => void }) {
  const t = useT();
  const regions = useRegions();
  return (
    <Card
      size="small" style={{ marginBottom: 16 }} data-testid="hotspot-card"
      title={<Flex gap={8} align="center"><FireOutlined style={{ color: h.status === 'open' ? '#d4380d' : '#8c8c8c' }} />{t('hotspots.hotspot', { id: h.id })}
        <Tag color={STATUS_COLOUR[h.status]}>{t(`hotspots.status.${h.status}` as 'hotspots.status.open')}</Tag></Flex>}
      extra={<Button type="text" size="small" onClick={onClose}>{t('common.close')}</Button>}
    >
      <Descriptions size="small" column={1} items={[
        { key: 'c', label: t('hotspots.category'), children: categoryPath(t, h.category) },
        { key: 'r', label: t('hotspots.region'), children: regionName(regions, h.region) },
        { key: 'n', label: t('hotspots.tickets'), children: h.ticketCount },
        { key: 'f', label: t('hotspots.first'), children: formatTime(h.firstReportedAt) },
        { key: 'l', label: t('hotspots.last'), children: formatTime(h.lastReportedAt) },
        { key: 'o', label: t('hotspots.openedAt'), children: formatTime(h.openedAt) },
        ...(h.closedAt ? [{ key: 'x', label: t('hotspots.closedAt'), children: formatTime(h.closedAt) }] : []),
        { key: 'cells', label: t('hotspots.cells'), children: <Flex gap={4} wrap>{h.cells.map((c) => <Tag key={c} style={{ marginInlineEnd: 0 }}>{c}</Tag>)}</Flex> },
      ]} />
      <div style={{ marginTop: 12 }}><HotspotLinks hotspot={h} onTickets={onTickets} /></div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
        <Link to={`/tickets?hotspot=${h.id}`}>{t('hotspots.inTicketList')}</Link>
      </Typography.Paragraph>
    </Card>
  );
}

function CellCard({ cell, hotspots, onHotspot }: { cell: MapCell; hotspots: Hotspot[]; onHotspot: (id: number) => void }) {
  const t = useT();
  const regions = useRegions();
  const mine = hotspots.filter((h) => h.cells.includes(cell.id));
  return (
    <Card size="small" style={{ marginBottom: 16 }} title={`${cell.name} (${cell.id})`} data-testid="cell-card">
      <Descriptions size="small" column={1} items={[
        { key: 'r', label: t('hotspots.region'), children: `${regionName(regions, cell.region)} · ${cell.network}` },
        { key: 'p', label: t('hotspots.position'), children: `${cell.lon.toFixed(4)}, ${cell.lat.toFixed(4)}` },
        { key: 'c', label: t('hotspots.complaints'), children: t('hotspots.complaintsOpen', { n: cell.complaints, open: cell.openComplaints }) },
      ]} />
      {mine.length > 0 && (
        <Flex gap={4} wrap style={{ marginTop: 8 }}>
          {mine.map((h) => <Tag key={h.id} color="volcano" style={{ cursor: 'pointer' }} onClick={() => onHotspot(h.id)}>#{h.id}</Tag>)}
        </Flex>
      )}
    </Card>
  );
}

/** The member tickets of a group, in a drawer (the ticket list filtered by `hotspot=`). */
function HotspotTickets({ id, onClose }: { id: number | null; onClose: () => void }) {
  const t = useT();
  return (
    <Drawer open={id != null} onClose={onClose} size="large" title={id != null ? t('hotspots.ticketsOf', { id }) : ''} destroyOnHidden data-testid="hotspot-tickets-drawer">
      {id != null && <MemberTable id={id} />}
    </Drawer>
  );
}

function MemberTable({ id }: { id: number }) {
  const t = useT();
  const list = useTicketList({ hotspot: id, order: 'newest' });
  return (
    <>
      <LoadError error={list.error} onRetry={list.reload} testId="hotspot-tickets-error" />
      <TicketTable
        items={list.items} loading={list.loading} columns={['id', 'status', 'grade', 'category', 'place', 'reportedAt', 'due']} testId="hotspot-tickets-table"
        footer={list.more ? <Button onClick={list.loadMore} loading={list.loadingMore}>{t('common.loadMore')}</Button> : undefined}
      />
    </>
  );
}
