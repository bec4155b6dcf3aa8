import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Empty, Flex, Input, Select, Tag, Typography } from 'antd';
import { FireOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { regionName, useRegions } from '../../reference-data';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { GRADES, TICKET_STATUSES } from '../../types';
import { useTicketList } from '../../components/tickets/ticket-list';
import { ColumnChooser, TicketTable, useColumnChoice } from '../../components/tickets/ticket-table';
import { categorySelectOptions } from '../../components/tickets/categories';
import { useDepartments } from '../../components/tickets/departments';
import { SavedFilters } from './saved-filters';
import { FILTERS, ticketFilters, ticketSearch, ticketsQuery, type Filter } from './tickets-query';

/**
 * Every ticket in scope (`GET /api/v1/tickets`) with filters on status, grade, clock state,
 * category, region, department and hotspot group (`?hotspot=`, from the hotspot map and problem
 * records), a search by ticket id or phone number (`?q=`, also the top bar's search), named filter
 * sets saved in this browser, the user's choice of columns, and paging by cursor.
 */
export default function TicketsPage() {
  const t = useT();
  const me = useMe();
  const regions = useRegions();
  const departments = useDepartments();
  const [params, setParams] = useSearchParams();
  const filters = ticketFilters(params);
  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);
  const [columns, setColumns] = useColumnChoice('netcare.tickets.columns', ['id', 'status', 'grade', 'category', 'customer', 'department', 'reportedAt', 'due']);

  const badQuery = ticketSearch(filters).bad;
  const key = JSON.stringify(filters);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the filters by value
  const query = useMemo(() => ticketsQuery(filters), [key]);
  const list = useTicketList(query);

  const set = (f: Filter, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(f, value);
    else next.delete(f);
    setParams(next, { replace: true });
  };
  const statusValue = filters.status ? filters.status.split(',') : [];
  const childRegions = (regions ?? []).filter((r) => r.parentId !== null);
  const departmentOptions = (departments ?? [])
    .filter((d) => !filters.region || d.regionId === filters.region)
    .map((d) => ({ value: d.id, label: d.name }));
  const anyFilter = FILTERS.some((f) => f !== 'order' && filters[f]);
  // the filters as a saved set holds them: every known filter in a fixed order
  const currentQuery = new URLSearchParams(FILTERS.filter((f) => filters[f]).map((f) => [f, filters[f]])).toString();

  return (
    <Page
      title={t('tickets.title')}
      testId="page-tickets"
      extra={
        <>
          <SavedFilters username={me.user.username} current={currentQuery} onApply={(query) => setParams(new URLSearchParams(query), { replace: true })} />
          <ColumnChooser value={columns} onChange={setColumns} />
          <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.refreshing} data-testid="tickets-refresh">{t('common.refresh')}</Button>
        </>
      }
    >
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center" data-testid="tickets-filters">
          {filters.hotspot && (
            <Tag
              color="volcano"
              icon={<FireOutlined />}
              closable
              onClose={() => set('hotspot', undefined)}
              closeIcon={<span aria-label={t('tickets.hotspotClear')}>×</span>}
              style={{ marginInlineEnd: 0, paddingBlock: 4 }}
              data-testid="tickets-hotspot"
            >
              {t('tickets.hotspotFilter', { id: filters.hotspot })}
            </Tag>
          )}
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('header.searchPlaceholder')}
            aria-label={t('header.searchLabel')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (!e.target.value) set('q', undefined);
            }}
            onPressEnter={() => set('q', search.trim() || undefined)}
            status={badQuery ? 'error' : undefined}
            style={{ width: 220 }}
            data-testid="tickets-search"
          />
          <Select
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            placeholder={t('column.status')}
            aria-label={t('column.status')}
            value={statusValue}
            onChange={(v: string[]) => set('status', v.join(','))}
            options={[
              { value: 'open', label: t('tickets.open') },
              ...TICKET_STATUSES.map((s) => ({ value: s, label: t(`status.${s}` as MessageKey) })),
            ]}
            style={{ width: 220 }}
            data-testid="tickets-status"
          />
          <Select
            allowClear
            placeholder={t('column.grade')}
            aria-label={t('column.grade')}
            value={filters.grade || undefined}
            onChange={(v?: string) => set('grade', v)}
            options={GRADES.map((g) => ({ value: g, label: t(`grade.${g}` as MessageKey) }))}
            style={{ width: 110 }}
            data-testid="tickets-grade"
          />
          <Select
            allowClear
            placeholder={t('tickets.clock')}
            aria-label={t('tickets.clock')}
            value={filters.clock || undefined}
            onChange={(v?: string) => set('clock', v)}
            options={[
              { value: 'warned', label: t('clockLevel.warned') },
              { value: 'breached', label: t('clockLevel.breached') },
            ]}
            style={{ width: 110 }}
            data-testid="tickets-clock"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'search' }}
            placeholder={t('column.category')}
            aria-label={t('column.category')}
            value={filters.category || undefined}
            onChange={(v?: string) => set('category', v)}
            options={categorySelectOptions(t)}
            style={{ width: 170 }}
            data-testid="tickets-category"
          />
          {childRegions.length > 1 && (
            <Select
              allowClear
              placeholder={t('column.region')}
              aria-label={t('column.region')}
              value={filters.region || undefined}
              onChange={(v?: string) => {
                const next = new URLSearchParams(params);
                if (v) next.set('region', v);
                else next.delete('region');
                next.delete('department');
                setParams(next, { replace: true });
              }}
              options={childRegions.map((r) => ({ value: r.id, label: regionName(regions, r.id) }))}
              style={{ width: 110 }}
              data-testid="tickets-region"
            />
          )}
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('column.department')}
            aria-label={t('column.department')}
            value={filters.department || undefined}
            onChange={(v?: string) => set('department', v)}
            options={departmentOptions}
            style={{ width: 160 }}
            data-testid="tickets-department"
          />
          <Select
            aria-label={t('tickets.order')}
            value={filters.order || 'newest'}
            onChange={(v: string) => set('order', v === 'newest' ? undefined : v)}
            options={[
              { value: 'newest', label: t('tickets.orderNewest') },
              { value: 'due', label: t('tickets.orderDue') },
            ]}
            style={{ width: 130 }}
            data-testid="tickets-order"
          />
          {anyFilter && (
            <Button type="link" onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="tickets-reset">
              {t('common.reset')}
            </Button>
          )}
        </Flex>
        {badQuery && <Typography.Text type="danger" style={{ display: 'block', marginTop: 8 }}>{t('tickets.badQuery')}</Typography.Text>}
      </Card>
      <LoadError error={list.error} onRetry={list.reload} testId="tickets-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <TicketTable
          items={list.items}
          columns={columns}
          loading={list.loading}
          testId="tickets-table"
          empty={<Empty description={anyFilter ? t('tickets.noneMatching') : t('tickets.none')} />}
          footer={
            <Flex justify="space-between" align="center">
              <Typography.Text type="secondary" data-testid="tickets-count">
                {t(list.more ? 'tickets.shownMore' : 'common.total', { n: list.items.length })}
              </Typography.Text>
              {list.more ? (
                <Button onClick={list.loadMore} loading={list.loadingMore} data-testid="tickets-more">{t('common.loadMore')}</Button>
              ) : (
                list.items.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
              )}
            </Flex>
          }
        />
      </Card>
      {me.user.role === 'auditor' && <Typography.Text type="secondary">{t('tickets.readOnly')}</Typography.Text>}
    </Page>
  );
}
