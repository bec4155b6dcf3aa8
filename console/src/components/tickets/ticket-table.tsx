import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Button, Checkbox, Dropdown, Flex, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { FireOutlined, SettingOutlined, StarFilled } from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import { formatTime } from '../../format';
import { regionName, useRegions } from '../../reference-data';
import type { Ticket } from '../../types';
import { DropdownPanel } from '../dropdown-panel';
import { testId } from '../test-id';
import { DueCell, GradeTag, StatusTag } from './tags';
import { categoryPath } from './categories';
import { departmentName, useDepartments } from './departments';
import { shortTime } from './time';
import { useContentWidth } from '../../layout/content-width';

/** The columns a ticket table can show; the user picks which (saved in the browser). */
export const TICKET_COLUMNS = [
  'id', 'due', 'status', 'grade', 'category', 'customer', 'place', 'region', 'department', 'channel', 'reportedAt', 'description',
] as const;
export type TicketColumn = (typeof TICKET_COLUMNS)[number];

const WIDTHS: Record<TicketColumn, number | undefined> = {
  id: 72, due: 120, status: 96, grade: 116, category: 150, customer: 136, place: 120, region: 84,
  department: 130, channel: 96, reportedAt: 100, description: undefined,
};

/** Which columns to show, remembered per table in localStorage. */
export function useColumnChoice(storageKey: string, defaults: readonly TicketColumn[]): [TicketColumn[], (c: TicketColumn[]) => void] {
  const [value, setValue] = useState<TicketColumn[]>(() => {
    try {
      const saved = JSON.parse(window.localStorage.getItem(storageKey) ?? 'null') as unknown;
      if (Array.isArray(saved)) {
        const known = saved.filter((c): c is TicketColumn => (TICKET_COLUMNS as readonly string[]).includes(c as string));
        if (known.length) return known;
      }
    } catch {
      // storage disabled or garbled: the defaults
    }
    return [...defaults];
  });
  const set = (c: TicketColumn[]) => {
    const ordered = TICKET_COLUMNS.filter((k) => c.includes(k));
    setValue(ordered);
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(ordered));
    } catch {
      // the choice lasts for this page only
    }
  };
  return [value, set];
}

/** A button opening the column checklist (the ticket id always shows). */
export function ColumnChooser({ value, onChange, testIdPrefix = 'columns' }: { value: TicketColumn[]; onChange: (c: TicketColumn[]) => void; testIdPrefix?: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Dropdown
      open={open}
      onOpenChange={setOpen}
      trigger={['click']}
      popupRender={() => (
        <DropdownPanel padding={12} testId={`${testIdPrefix}-menu`}>
          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>{t('tickets.columnsHint')}</Typography.Text>
          <Checkbox.Group value={value} onChange={(v) => onChange(['id', ...(v as TicketColumn[]).filter((c) => c !== 'id')])}>
            <Flex vertical gap={4}>
              {TICKET_COLUMNS.map((c) => (
                <Checkbox key={c} value={c} disabled={c === 'id'}><span data-testid={`${testIdPrefix}-${c}`}>
                  {t(`column.${c}` as MessageKey)}
                </span></Checkbox>
              ))}
            </Flex>
          </Checkbox.Group>
        </DropdownPanel>
      )}
    >
      <Button icon={<SettingOutlined />} data-testid={`${testIdPrefix}-button`}>{t('tickets.columns')}</Button>
    </Dropdown>
  );
}

interface TicketTableProps {
  items: Ticket[];
  columns: readonly TicketColumn[];
  loading: boolean;
  /** a last column, e.g. the queue's step buttons */
  actions?: (t: Ticket) => ReactNode;
  actionsWidth?: number;
  testId: string;
  empty?: ReactNode;
  footer?: ReactNode;
  /**
   * Rows per page: the table renders one page of `items` (all of them still count in the
   * footer). Without it every row renders, for lists the server already pages.
   */
  pageSize?: number;
}

/**
 * Tickets as a table: the id links to the ticket page. Widths are fixed and rows keep their
 * height, so a refresh does not move the page.
 */
export function TicketTable({ items, columns, loading, actions, actionsWidth = 150, testId: tid, empty, footer, pageSize }: TicketTableProps) {
  const t = useT();
  const regions = useRegions();
  const departments = useDepartments();
  const contentWidth = useContentWidth();

  const all = useMemo<Record<TicketColumn, TableColumnsType<Ticket>[number]>>(() => ({
    id: {
      title: t('column.id'), dataIndex: 'id',
      render: (id: number) => <Link to={`/tickets/${id}`} data-testid={`ticket-link-${id}`} style={{ fontVariantNumeric: 'tabular-nums' }}>#{id}</Link>,
    },
    due: { title: t('column.due'), key: 'due', render: (_, r) => <DueCell ticket={r} /> },
    status: { title: t('column.status'), dataIndex: 'status', render: (_, r) => <StatusTag status={r.status} /> },
    grade: { title: t('column.grade'), dataIndex: 'grade', render: (_, r) => <GradeTag ticket={r} compact /> },
    category: {
      title: t('column.category'), dataIndex: 'category', ellipsis: true,
      render: (_, r) => (
        <Flex gap={4} align="center" style={{ minWidth: 0 }}>
          {r.hotspotId != null && <Tooltip title={t('ticket.hotspot')}><FireOutlined style={{ color: '#d4380d' }} /></Tooltip>}
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{categoryPath(t, r.category)}</span>
        </Flex>
      ),
    },
    customer: {
      title: t('column.customer'), key: 'customer',
      render: (_, r) => (
        <Flex gap={4} align="center" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {r.customer.vip && <StarFilled style={{ color: '#d48806' }} aria-label="VIP" />}
          <span>{r.customer.msisdn}</span>
          {r.isRepeat && <Tag color="orange" style={{ marginInlineEnd: 0 }}>{t('tickets.repeatShort')}</Tag>}
        </Flex>
      ),
    },
    place: {
      title: t('column.place'), key: 'place', ellipsis: true,
      render: (_, r) => r.cellId ?? r.address ?? (r.location ? `${r.location.lon.toFixed(3)}, ${r.location.lat.toFixed(3)}` : '—'),
    },
    region: { title: t('column.region'), dataIndex: 'region', render: (id: string) => regionName(regions, id) },
    department: {
      title: t('column.department'), dataIndex: 'assigneeDepartment', ellipsis: true,
      render: (id: string | null) => departmentName(departments, id) || '—',
    },
    channel: { title: t('column.channel'), dataIndex: 'channel', render: (c: string) => t(`channel.${c}` as MessageKey) },
    reportedAt: {
      title: t('column.reportedAt'), dataIndex: 'reportedAt',
      render: (at: string) => <Tooltip title={formatTime(at)}><span style={{ fontVariantNumeric: 'tabular-nums' }}>{shortTime(at)}</span></Tooltip>,
    },
    description: { title: t('column.description'), dataIndex: 'description', ellipsis: true },
  }), [t, regions, departments]);

  const shown: TableColumnsType<Ticket> = columns.map((c) => ({ ...all[c], key: c, width: WIDTHS[c] }));
  if (actions) shown.push({ title: t('common.actions'), key: 'actions', width: actionsWidth, render: (_, r) => actions(r) });
  const minWidth = shown.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 220), 0);
  // Only a table wider than the page scrolls sideways, with the id and the actions fixed at its
  // edges. Fixed columns have antd measure every column after rendering (a forced layout of the
  // whole page, then another render): a table that fits needs neither (the card's border: 2 px).
  const scrolls = minWidth > contentWidth - 2;
  const placed = scrolls ? shown.map((c) => (c.key === 'id' ? { ...c, fixed: 'left' as const } : c.key === 'actions' ? { ...c, fixed: 'right' as const } : c)) : shown;

  return (
    <Table<Ticket>
      rowKey="id"
      size="middle"
      columns={placed}
      dataSource={items}
      loading={loading}
      pagination={pageSize ? { pageSize, showSizeChanger: false, hideOnSinglePage: true, size: 'small', showLessItems: true } : false}
      tableLayout="fixed"
      scroll={scrolls ? { x: minWidth } : undefined}
      locale={empty ? { emptyText: empty } : undefined}
      onRow={(r) => testId(`ticket-row-${r.id}`)}
      footer={footer ? () => footer : undefined}
      data-testid={tid}
    />
  );
}
