import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Empty, Flex, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import type { ClockLevel, Me, Ticket } from '../../types';
import { useTicketList } from '../../components/tickets/ticket-list';
import { ColumnChooser, TicketTable, useColumnChoice, type TicketColumn } from '../../components/tickets/ticket-table';
import { TicketActions } from '../../components/tickets/ticket-actions';
import { departmentName, useDepartments } from '../../components/tickets/departments';
import { levelNow } from '../../components/tickets/tags';
import { useNow } from '../../components/tickets/time';
import { ClockCounts, DepartmentLoad } from './queue-summary';

/** One tab of a queue: what to ask the server, and which of the answer to keep. */
interface QueueTab {
  key: string;
  label: MessageKey;
  query: Record<string, string | undefined>;
  keep?: (t: Ticket) => boolean;
  columns: TicketColumn[];
}

/** Rows on one page of a queue: a queue holds up to 1000 open tickets, each row with its step buttons. */
const QUEUE_PAGE_SIZE = 50;

const WORK_COLUMNS: TicketColumn[] = ['id', 'due', 'status', 'grade', 'category', 'customer', 'place'];

/**
 * The work queues of DESIGN §9, per role: the agent's customer-contact and follow-up queues,
 * the NOC's incoming queue and the tickets it has out with departments, a department's queue
 * (handler, expert), and the supervisor's view of everything open with the load per department.
 */
function queuesOf(me: Me): QueueTab[] {
  const dept = me.user.departmentId ?? undefined;
  switch (me.user.role) {
    case 'agent':
      return [
        { key: 'reply', label: 'queue.agentReply', query: { status: 'replied' }, columns: WORK_COLUMNS },
        { key: 'followUp', label: 'queue.agentFollowUp', query: { status: 'customer_replied,followed_up' }, columns: WORK_COLUMNS },
        { key: 'working', label: 'queue.agentWorking', query: { status: 'dispatched,in_progress' }, columns: [...WORK_COLUMNS.slice(0, 6), 'department'] },
      ];
    case 'noc':
      return [
        { key: 'incoming', label: 'queue.nocIncoming', query: { status: 'dispatched,in_progress', department: dept }, columns: WORK_COLUMNS },
        {
          key: 'out', label: 'queue.nocOut', query: { status: 'in_progress' },
          keep: (t) => (!dept || t.nocDepartment === dept) && t.assigneeDepartment !== t.nocDepartment,
          columns: [...WORK_COLUMNS.slice(0, 6), 'department'],
        },
      ];
    case 'handler':
    case 'expert':
      return [{ key: 'department', label: 'queue.department', query: { status: 'in_progress', department: dept }, columns: WORK_COLUMNS }];
    default:
      return [{ key: 'open', label: 'queue.allOpen', query: { status: 'open' }, columns: [...WORK_COLUMNS.slice(0, 6), 'department', 'region'] }];
  }
}

/** The signed-in user's work queue, nearest due time first, with clock states in colour and counts. */
export default function QueuePage() {
  const t = useT();
  const me = useMe();
  const departments = useDepartments();
  const tabs = useMemo(() => queuesOf(me), [me]);
  const [params, setParams] = useSearchParams();
  const tab = tabs.find((x) => x.key === params.get('tab')) ?? tabs[0];
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
