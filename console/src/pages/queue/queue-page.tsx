import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Empty, Flex, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { useMe } from '../../session';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import type { ClockLevel } from '../../types';
import { queuesOf, queueTab } from './queues';
import { useTicketList } from '../../components/tickets/ticket-list';
import { ColumnChooser, TicketTable, useColumnChoice } from '../../components/tickets/ticket-table';
import { TicketActions } from '../../components/tickets/ticket-actions';
import { departmentName, useDepartments } from '../../components/tickets/departments';
import { levelNow } from '../../components/tickets/tags';
import { useNow } from '../../components/tickets/time';
import { ClockCounts, DepartmentLoad } from './queue-summary';

/** Rows on one page of a queue: a queue holds up to 1000 open tickets, each row with its step buttons. */
const QUEUE_PAGE_SIZE = 50;

/** The signed-in user's work queue, nearest due time first, with clock states in colour and counts. */
export default function QueuePage() {
  const t = useT();
  const me = useMe();
  const departments = useDepartments();
  const tabs = useMemo(() => queuesOf(me), [me]);
  const [params, setParams] = useSearchParams();
  const tab = queueTab(tabs, params.get('tab'));
  const level = (params.get('clock') as ClockLevel | null) ?? null;
  const [columns, setColumns] = useColumnChoice(`netcare.queue.${me.user.role}.${tab.key}.columns`, tab.columns);
  const list = useTicketList(tab.query, { all: true, refreshMs: 60_000 });
  const now = useNow();

  const items = useMemo(() => (tab.keep ? list.items.filter(tab.keep) : list.items), [list.items, tab]);
  const shown = level ? items.filter((x) => levelNow(x, now) === level) : items;
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === 'tab') next.delete('clock');
    setParams(next, { replace: true });
  };
  const dept = me.user.departmentId;

  return (
    <Page
      title={
        <Flex align="baseline" gap={12} wrap>
          <span>{t('queue.title')}</span>
          {dept && <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400 }} data-testid="queue-department">{departmentName(departments, dept)}</Typography.Text>}
        </Flex>
      }
      testId="page-queue"
      extra={
        <>
          <ColumnChooser value={columns} onChange={setColumns} testIdPrefix="queue-columns" />
          <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.refreshing} data-testid="queue-refresh">{t('common.refresh')}</Button>
        </>
      }
    >
      {tabs.length > 1 && (
        <Tabs
          activeKey={tab.key}
          onChange={(k) => set('tab', k)}
          items={tabs.map((x) => ({ key: x.key, label: <span data-testid={`queue-tab-${x.key}`}>{t(x.label)}</span> }))}
          style={{ marginBottom: 0 }}
        />
      )}
      <ClockCounts items={items} loading={list.loading} active={level} onPick={(l) => set('clock', l === level ? null : l)} />
      {me.user.role === 'supervisor' && <DepartmentLoad items={items} departments={departments} loading={list.loading} />}
      <LoadError error={list.error} onRetry={list.reload} testId="queue-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <TicketTable
          key={`${tab.key}.${level ?? ''}`} // another tab or clock state starts at its first page
          items={shown}
          pageSize={QUEUE_PAGE_SIZE}
          columns={columns}
          loading={list.loading}
          testId="queue-table"
          actions={(x) => <TicketActions ticket={x} compact size="small" onDone={() => list.reload()} onStale={list.reload} />}
          actionsWidth={176}
          empty={<Empty description={level ? t('queue.noneAtLevel') : t('queue.none')} />}
          footer={
            <Flex justify="space-between" align="center">
              <Typography.Text type="secondary" data-testid="queue-count">
                {level ? t('queue.shownOf', { n: shown.length, total: items.length }) : t('common.total', { n: items.length })}
              </Typography.Text>
              {list.more && <Typography.Text type="warning">{t('queue.truncated')}</Typography.Text>}
            </Flex>
          }
        />
      </Card>
    </Page>
  );
}
