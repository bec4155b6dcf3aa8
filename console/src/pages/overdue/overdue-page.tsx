import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Badge, Button, Card, Empty, Flex, Select, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useT } from '../../i18n';
import { regionName, useRegions } from '../../reference-data';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { useTicketList } from '../../components/tickets/ticket-list';
import { ColumnChooser, TicketTable, useColumnChoice } from '../../components/tickets/ticket-table';
import { TicketActions } from '../../components/tickets/ticket-actions';
import { departmentName, useDepartments } from '../../components/tickets/departments';

type Level = 'breached' | 'warned';

/** Rows on one page of the list, as in the queue: each row carries its step buttons. */
const OVERDUE_PAGE_SIZE = 50;

/**
 * The supervisor's overdue and warned lists (`GET /api/v1/tickets?clock=breached|warned`, DESIGN
 * §5: a breached ticket escalates and shows here), nearest due time first, by department.
 */
export default function OverduePage() {
  const t = useT();
  const regions = useRegions();
  const departments = useDepartments();
  const [params, setParams] = useSearchParams();
  const level: Level = params.get('clock') === 'warned' ? 'warned' : 'breached';
  const department = params.get('department') ?? '';
  const breached = useTicketList(useMemo(() => ({ clock: 'breached' }), []), { all: true, refreshMs: 60_000 });
  const warned = useTicketList(useMemo(() => ({ clock: 'warned' }), []), { all: true, refreshMs: 60_000 });
  const list = level === 'breached' ? breached : warned;
  const [columns, setColumns] = useColumnChoice('netcare.overdue.columns', ['id', 'due', 'status', 'grade', 'category', 'customer', 'department', 'region']);

  const shown = department ? list.items.filter((x) => (x.assigneeDepartment ?? '') === department) : list.items;
  const deptOptions = [...new Set(list.items.map((x) => x.assigneeDepartment ?? ''))].map((d) => ({
    value: d,
    label: d ? `${departmentName(departments, d)}${regions && regions.length > 2 ? ` · ${regionName(regions, departments?.find((x) => x.id === d)?.regionId)}` : ''}` : t('queue.atCentre'),
  }));
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <Page
      title={t('overdue.title')}
      testId="page-overdue"
      extra={
        <>
          <Select
            allowClear
            placeholder={t('column.department')}
            aria-label={t('column.department')}
            value={department || undefined}
            onChange={(v?: string) => set('department', v ?? null)}
            options={deptOptions}
            style={{ width: 200 }}
            data-testid="overdue-department"
          />
          <ColumnChooser value={columns} onChange={setColumns} testIdPrefix="overdue-columns" />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              breached.reload();
              warned.reload();
            }}
            loading={breached.refreshing || warned.refreshing}
            data-testid="overdue-refresh"
          >
            {t('common.refresh')}
          </Button>
        </>
      }
    >
      <Tabs
        activeKey={level}
        onChange={(k) => set('clock', k === 'breached' ? null : k)}
        items={[
          {
            key: 'breached',
            label: (
              <Flex gap={8} align="center" data-testid="overdue-tab-breached">
                {t('overdue.breached')}
                <Badge count={breached.loading ? 0 : breached.items.length} showZero color="#cf1322" overflowCount={999} data-testid="overdue-breached-count" />
              </Flex>
            ),
          },
          {
            key: 'warned',
            label: (
              <Flex gap={8} align="center" data-testid="overdue-tab-warned">
                {t('overdue.warned')}
                <Badge count={warned.loading ? 0 : warned.items.length} showZero color="#d46b08" overflowCount={999} data-testid="overdue-warned-count" />
              </Flex>
            ),
          },
        ]}
      />
      <Typography.Paragraph type="secondary">{level === 'breached' ? t('overdue.breachedHelp') : t('overdue.warnedHelp')}</Typography.Paragraph>
      <LoadError error={list.error} onRetry={list.reload} testId="overdue-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <TicketTable
          key={`${level}.${department}`} // another tab or department starts at its first page
          items={shown}
          pageSize={OVERDUE_PAGE_SIZE}
          columns={columns}
          loading={list.loading}
          testId="overdue-table"
          actions={(x) => <TicketActions ticket={x} compact size="small" onDone={() => { breached.reload(); warned.reload(); }} onStale={list.reload} />}
          actionsWidth={140}
          empty={<Empty description={level === 'breached' ? t('overdue.noneBreached') : t('overdue.noneWarned')} />}
          footer={
            <Flex justify="space-between">
              <Typography.Text type="secondary" data-testid="overdue-count">{t('common.total', { n: shown.length })}</Typography.Text>
              {list.more && <Typography.Text type="warning">{t('queue.truncated')}</Typography.Text>}
            </Flex>
          }
        />
      </Card>
    </Page>
  );
}
