import { Link } from 'react-router-dom';
import { Card, Col, Flex, Progress, Row, Skeleton, Typography } from 'antd';
import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import type { ClockLevel, Department, Ticket } from '../../types';
import { levelNow } from '../../components/tickets/tags';
import { useNow } from '../../components/tickets/time';
import { departmentName } from '../../components/tickets/departments';

const LEVELS: { level: ClockLevel; colour: string; icon: React.ReactNode }[] = [
  { level: 'ok', colour: '#389e0d', icon: <CheckCircleOutlined /> },
  { level: 'warned', colour: '#d46b08', icon: <ClockCircleOutlined /> },
  { level: 'breached', colour: '#cf1322', icon: <ExclamationCircleOutlined /> },
];

/** How many tickets of the queue are on time, warned and breached; a click filters the queue to one state. */
export function ClockCounts({ items, loading, active, onPick }: { items: Ticket[]; loading: boolean; active: ClockLevel | null; onPick: (l: ClockLevel) => void }) {
  const t = useT();
  const now = useNow();
  const counts: Record<ClockLevel, number> = { ok: 0, warned: 0, breached: 0 };
  for (const x of items) counts[levelNow(x, now)]++;
  return (
    <Row gutter={12} style={{ margin: '12px 0 16px' }} data-testid="clock-counts">
      {LEVELS.map(({ level, colour, icon }) => (
        <Col span={8} key={level}>
          <Card
            size="small"
            hoverable
            onClick={() => onPick(level)}
            style={{ borderColor: active === level ? colour : undefined, boxShadow: active === level ? `0 0 0 1px ${colour}` : undefined }}
            data-testid={`count-${level}`}
            role="button"
            aria-pressed={active === level}
            tabIndex={0}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onPick(level)}
          >
            <Flex align="center" justify="space-between">
              <Flex gap={8} align="center" style={{ color: colour }}>
                {icon}
                <Typography.Text>{t(`clockLevel.${level}` as MessageKey)}</Typography.Text>
              </Flex>
              <span style={{ fontSize: 24, fontWeight: 600, color: colour, fontVariantNumeric: 'tabular-nums', minWidth: 40, textAlign: 'end' }} data-testid={`count-${level}-value`}>
                {loading ? '–' : counts[level]}
              </span>
            </Flex>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/**
 * The supervisor's team load: open tickets per department, split by clock state; a department's
 * name opens the ticket list filtered to its open tickets, due soonest first. (Tickets are held by
 * departments, not by named people, so the load is per department.)
 */
export function DepartmentLoad({ items, departments, loading }: { items: Ticket[]; departments: Department[] | undefined; loading: boolean }) {
  const t = useT();
  const now = useNow();
  const byDept = new Map<string, Record<ClockLevel, number>>();
  for (const x of items) {
    const key = x.assigneeDepartment ?? '';
    const c = byDept.get(key) ?? { ok: 0, warned: 0, breached: 0 };
    c[levelNow(x, now)]++;
    byDept.set(key, c);
  }
  const rows = [...byDept.entries()]
    .map(([dept, c]) => ({ dept, ...c, total: c.ok + c.warned + c.breached }))
    .sort((a, b) => b.breached - a.breached || b.total - a.total);
  const max = Math.max(1, ...rows.map((r) => r.total));
  return (
    <Card size="small" title={t('queue.load')} style={{ marginBottom: 16 }} data-testid="department-load">
      {loading ? (
        <Skeleton active paragraph={{ rows: 2 }} title={false} />
      ) : rows.length === 0 ? (
        <Typography.Text type="secondary">{t('queue.none')}</Typography.Text>
      ) : (
        <Row gutter={[24, 6]}>
          {rows.map((r) => (
            <Col xs={24} lg={12} key={r.dept} data-testid={`load-${r.dept || 'centre'}`}>
              <Flex align="center" gap={8}>
                <Typography.Text ellipsis style={{ width: 130, flex: 'none' }}>
                  {r.dept ? (
                    <Link to={`/tickets?status=open&department=${encodeURIComponent(r.dept)}&order=due`} title={t('queue.loadOpen')} data-testid={`load-link-${r.dept}`}>
                      {departmentName(departments, r.dept)}
                    </Link>
                  ) : t('queue.atCentre')}
                </Typography.Text>
                <Progress
                  percent={(r.total / max) * 100}
                  success={{ percent: (r.breached / max) * 100, strokeColor: '#cf1322' }}
                  strokeColor={r.warned ? '#fa8c16' : '#52c41a'}
                  showInfo={false}
                  size="small"
                  style={{ flex: 1, margin: 0 }}
                />
                <Typography.Text style={{ width: 170, flex: 'none', fontVariantNumeric: 'tabular-nums', fontSize: 12, whiteSpace: 'nowrap' }}>
                  {t('queue.loadCounts', { total: r.total, warned: r.warned, breached: r.breached })}
                </Typography.Text>
              </Flex>
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
