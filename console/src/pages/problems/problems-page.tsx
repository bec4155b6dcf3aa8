import { useCallback, useLayoutEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Input, Select, Space, Spin, Table, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import { CheckCircleOutlined, EditOutlined, FireOutlined, LinkOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, request, seg, type Page as ListPage } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { regionName, useRegions } from '../../reference-data';
import { formatDetails, formatTime } from '../../format';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { testId } from '../../components/test-id';
import { categoryPath } from '../../components/tickets/categories';
import { departmentName, useDepartments } from '../../components/tickets/departments';
import { useLoad } from '../../hooks/use-load';
import { useShowError } from '../../errors';
import { CloseProblemModal, CloseResult, CreateProblemModal, EditProblemModal, LinkTicketsModal } from './problem-forms';
import { PROBLEM_STATUSES, STATUS_COLOUR, canEditAnalysis, canManage, type CloseAnswer, type LinkedTicket, type Problem, type ProblemDetail } from './problem-types';

const FILTERS = ['status', 'region', 'q'] as const;

/**
 * Problem records (DESIGN §6, 服务提升建议单): the list in scope with filters and paging; the
 * record itself opens in a drawer (`?id=`), with its linked tickets, history, and the edit, link
 * and close actions the user may take.
 */
export default function ProblemsPage() {
  const t = useT();
  const me = useMe();
  const regions = useRegions();
  const departments = useDepartments();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const openId = params.get('id') ? Number(params.get('id')) : null;
  const [items, setItems] = useState<Problem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true); // the first load starts at once: no empty table first
  const [error, setError] = useState<unknown>(undefined);
  const [search, setSearch] = useState(filters.q);
  const [creating, setCreating] = useState(false);
  const cities = (regions ?? []).filter((r) => r.parentId !== null);

  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v); else next.delete(k);
    setParams(next, { replace: true });
  };

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.get<ListPage<Problem>>('/api/v1/problems', { status: filters.status, region: filters.region, q: filters.q.trim(), cursor: after });
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [filters.status, filters.region, filters.q]);
  useLayoutEffect(() => { void load(null); }, [load]); // before the first paint (see useLoad)

  const columns: TableColumnsType<Problem> = [
    { title: t('problems.id'), dataIndex: 'id', width: 80, render: (id: number) => <Link to={`?${withId(params, id)}`} data-testid={`problem-link-${id}`}>#{id}</Link> },
    {
      title: t('problems.titleField'), dataIndex: 'title', ellipsis: true,
      render: (title: string, p) => <Flex gap={6} align="center">{p.hotspotId != null && <FireOutlined style={{ color: '#d4380d' }} />}<span>{title}</span></Flex>,
    },
    { title: t('problems.region'), dataIndex: 'region', width: 90, render: (r: string) => regionName(regions, r) },
    { title: t('problems.owner'), dataIndex: 'ownerDepartment', width: 140, ellipsis: true, render: (d: string | null) => departmentName(departments, d) || '—' },
    { title: t('problems.tickets'), dataIndex: 'ticketCount', width: 80 },
    { title: t('problems.dueDate'), dataIndex: 'dueDate', width: 110, render: (d: string | null) => d ?? '—' },
    { title: t('problems.status'), dataIndex: 'status', width: 100, render: (s: Problem['status']) => <Tag color={STATUS_COLOUR[s]}>{t(`problems.status.${s}`)}</Tag> },
    { title: t('problems.updatedAt'), dataIndex: 'updatedAt', width: 170, render: formatTime },
  ];

  return (
    <Page
      title={t('problems.title')}
      testId="page-problems"
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} data-testid="problems-refresh">{t('common.refresh')}</Button>
          {canManage(me.user.role) && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="problems-create">{t('problems.create')}</Button>
          )}
        </>
      }
    >
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center" data-testid="problems-filters">
          <Input.Search
            allowClear placeholder={t('problems.searchPlaceholder')} style={{ width: 260 }} value={search}
            onChange={(e) => setSearch(e.target.value)} onSearch={(v) => set({ q: v.trim() || null })} data-testid="problems-search"
          />
          <Select
            allowClear placeholder={t('problems.allStatuses')} style={{ width: 160 }} value={filters.status || undefined}
            options={[{ value: 'active', label: t('problems.status.active') }, ...PROBLEM_STATUSES.map((s) => ({ value: s, label: t(`problems.status.${s}`) }))]}
            onChange={(v?: string) => set({ status: v ?? null })} data-testid="problems-status"
          />
          <Select
            allowClear placeholder={t('problems.allRegions')} style={{ width: 140 }} value={filters.region || undefined}
            options={cities.map((c) => ({ value: c.id, label: c.name }))} onChange={(v?: string) => set({ region: v ?? null })} data-testid="problems-region"
          />
        </Flex>
      </Card>
      <LoadError error={error} onRetry={() => void load(null)} testId="problems-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Problem>
          rowKey="id" size="middle" tableLayout="fixed" columns={columns} dataSource={items} loading={loading} pagination={false}
          locale={{ emptyText: t('problems.none') }} onRow={(p) => testId(`problem-row-${p.id}`)} data-testid="problems-table"
        />
        <Flex justify="center" style={{ padding: 12 }}>
          {cursor
            ? <Button onClick={() => void load(cursor)} loading={loading} data-testid="problems-more">{t('common.loadMore')}</Button>
            : items.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>}
        </Flex>
      </Card>
      <CreateProblemModal
        open={creating} onClose={() => setCreating(false)}
        onCreated={(p) => { setCreating(false); void message.success(t('problems.created', { id: p.id })); void load(null); set({ id: String(p.id) }); }}
      />
      <Drawer
        open={openId != null} onClose={() => set({ id: null })} size={820} destroyOnHidden
        title={openId != null ? t('problems.record', { id: openId }) : ''} data-testid="problem-drawer"
      >
        {openId != null && <ProblemView id={openId} onChanged={() => void load(null)} />}
      </Drawer>
    </Page>
  );
}

/** The query string with `id` set (the drawer's address). */
function withId(params: URLSearchParams, id: number): string {
  const next = new URLSearchParams(params);
  next.set('id', String(id));
  return next.toString();
}

type Dialog = 'edit' | 'link' | 'close' | null;

/** One problem record: fields, actions, linked tickets, history. */
function ProblemView({ id, onChanged }: { id: number; onChanged: () => void }) {
  const t = useT();
  const me = useMe();
  const regions = useRegions();
  const departments = useDepartments();
  const { message } = App.useApp();
  const showError = useShowError();
  const [generation, setGeneration] = useState(0);
  const detail = useLoad(() => api.get<ProblemDetail>(`/api/v1/problems/${seg(id)}`), [id, generation]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [closed, setClosed] = useState<CloseAnswer | null>(null);
  const p = detail.data;

  if (detail.error) return <LoadError error={detail.error} onRetry={() => setGeneration((g) => g + 1)} testId="problem-load-error" />;
  if (!p) return <Flex justify="center" style={{ padding: 48 }}><Spin /></Flex>;
  const changed = () => { setGeneration((g) => g + 1); onChanged(); };
  const active = p.status === 'open' || p.status === 'in_progress';
  const manage = canManage(me.user.role);
  const analysis = canEditAnalysis(me.user, p);

  const ticketColumns: TableColumnsType<LinkedTicket> = [
    { title: t('problems.ticket'), dataIndex: 'id', width: 80, render: (tid: number) => <Link to={`/tickets/${tid}`}>#{tid}</Link> },
    { title: t('column.status'), dataIndex: 'status', width: 110, render: (s: string) => t(`status.${s}` as MessageKey) },
    { title: t('column.grade'), dataIndex: 'grade', width: 80, render: (g: string) => t(`grade.${g}` as MessageKey) },
    { title: t('column.category'), dataIndex: 'category', ellipsis: true, render: (c: string) => categoryPath(t, c) },
    { title: t('column.place'), dataIndex: 'cellId', width: 110, ellipsis: true, render: (c: string | null) => c ?? '—' },
    { title: t('column.reportedAt'), dataIndex: 'reportedAt', width: 160, render: formatTime },
  ];

  return (
    <div data-testid="problem-view">
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        {active && analysis && <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="problem-edit-open">{t('common.edit')}</Button>}
        {active && manage && <Button icon={<LinkOutlined />} onClick={() => setDialog('link')} data-testid="problem-link-open">{t('problems.link')}</Button>}
        {active && manage && <Button type="primary" icon={<CheckCircleOutlined />} onClick={() => setDialog('close')} data-testid="problem-close-open">{t('problems.close')}</Button>}
        {p.status === 'closed' && manage && (
          <Button
            onClick={async () => {
              try {
                await request<ProblemDetail>('PATCH', `/api/v1/problems/${seg(p.id)}`, { body: { status: 'open' } });
                void message.success(t('problems.reopened'));
                changed();
              } catch (err) {
                showError(err);
              }
            }}
            data-testid="problem-reopen"
          >{t('problems.reopen')}</Button>
        )}
      </Flex>
      <Descriptions
        size="small" bordered column={2} style={{ marginBottom: 16 }}
        items={[
          { key: 'title', label: t('problems.titleField'), span: 2, children: p.title },
          { key: 'status', label: t('problems.status'), children: <Tag color={STATUS_COLOUR[p.status]}>{t(`problems.status.${p.status}`)}</Tag> },
          { key: 'region', label: t('problems.region'), children: regionName(regions, p.region) },
          { key: 'category', label: t('problems.category'), children: p.category ? categoryPath(t, p.category) : '—' },
          { key: 'owner', label: t('problems.owner'), children: departmentName(departments, p.ownerDepartment) || '—' },
          { key: 'due', label: t('problems.dueDate'), children: p.dueDate ?? '—' },
          {
            key: 'hotspot', label: t('problems.hotspot'),
            children: p.hotspotId != null ? <Link to={`/hotspots?hotspot=${p.hotspotId}`}><Tag color="volcano" icon={<FireOutlined />}>#{p.hotspotId}</Tag></Link> : '—',
          },
          ...(p.mergedInto != null ? [{ key: 'merged', label: t('problems.mergedInto'), span: 2, children: <Link to={`?id=${p.mergedInto}`}>#{p.mergedInto}</Link> }] : []),
          { key: 'root', label: t('problems.rootCause'), span: 2, children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{p.rootCause ?? '—'}</Typography.Paragraph> },
          { key: 'action', label: t('problems.action'), span: 2, children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{p.action ?? '—'}</Typography.Paragraph> },
          { key: 'created', label: t('problems.createdAt'), children: `${formatTime(p.createdAt)} · ${p.createdBy}` },
          { key: 'closed', label: t('problems.closedAt'), children: p.closedAt ? `${formatTime(p.closedAt)} · ${p.closedBy ?? ''}` : '—' },
        ]}
      />
      <Typography.Title level={5}>{t('problems.linkedTickets', { n: p.ticketCount })}</Typography.Title>
      <Table<LinkedTicket>
        rowKey="id" size="small" columns={ticketColumns} dataSource={p.tickets} pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('problems.noTickets')} /> }}
        style={{ marginBottom: 16 }} data-testid="problem-tickets"
      />
      <Typography.Title level={5}>{t('problems.history')}</Typography.Title>
      <Timeline
        data-testid="problem-history"
        items={p.events.map((e) => ({
          key: e.id,
          content: (
            <Space direction="vertical" size={0}>
              <Typography.Text strong>{eventLabel(t, e.type)}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatTime(e.at)} · {e.actor}</Typography.Text>
              {e.data && <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>{formatDetails(e.data)}</Typography.Text>}
            </Space>
          ),
        }))}
      />
      {dialog === 'edit' && <EditProblemModal problem={p} open onClose={() => setDialog(null)} onSaved={() => { setDialog(null); void message.success(t('common.saved')); changed(); }} />}
      {dialog === 'link' && (
        <LinkTicketsModal
          problem={p} open onClose={() => setDialog(null)}
          onLinked={(_p, linked, already) => { setDialog(null); void message.success(t('problems.linked', { n: linked.length, already: already.length })); changed(); }}
        />
      )}
      {dialog === 'close' && <CloseProblemModal problem={p} open onClose={() => setDialog(null)} onClosed={(a) => { setDialog(null); setClosed(a); changed(); }} />}
      <CloseResult answer={closed} onClose={() => setClosed(null)} />
    </div>
  );
}

const EVENT_TYPES = ['created', 'updated', 'tickets_linked', 'closed', 'reopened', 'merged'];
function eventLabel(t: ReturnType<typeof useT>, type: string): string {
  return EVENT_TYPES.includes(type) ? t(`problems.event.${type}` as MessageKey) : type;
}
