import { Flex, Tag, Tooltip, Typography } from 'antd';
import { ClockCircleOutlined, ExclamationCircleOutlined, FireOutlined, StarFilled } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useT, type MessageKey } from '../../i18n';
import type { ClockLevel, Ticket, TicketClock, TicketStatus } from '../../types';
import { formatTime } from '../../format';
import { countdownText, shortTime, useNow } from './time';

const STATUS_COLOURS: Record<TicketStatus, string> = {
  new: 'default', dispatched: 'purple', in_progress: 'processing', replied: 'cyan',
  customer_replied: 'geekblue', followed_up: 'lime', closed: 'success',
};

/** The ticket's status in words and colour. */
export function StatusTag({ status }: { status: TicketStatus }) {
  const t = useT();
  return <Tag color={STATUS_COLOURS[status] ?? 'default'} data-testid="status-tag" data-status={status}>{t(`status.${status}` as MessageKey)}</Tag>;
}

/** `important` in red; the proposal, when the grade is still ordinary, as a hint with its reasons. */
export function GradeTag({ ticket, compact = false }: { ticket: Pick<Ticket, 'grade' | 'gradeProposal'>; compact?: boolean }) {
  const t = useT();
  const proposal = ticket.grade === 'ordinary' ? ticket.gradeProposal : null;
  return (
    <Flex gap={4} wrap={!compact} align="center">
      <Tag color={ticket.grade === 'important' ? 'red' : 'default'} data-testid="grade-tag" data-grade={ticket.grade} style={{ marginInlineEnd: 0 }}>
        {t(`grade.${ticket.grade}` as MessageKey)}
      </Tag>
      {proposal && (
        <Tooltip title={t('grade.proposalHint', { reasons: proposal.reasons.map((r) => t(`gradeReason.${r}` as MessageKey)).join('、') })}>
          <Tag
            color="orange"
            icon={<ExclamationCircleOutlined />}
            data-testid="grade-proposal"
            aria-label={t('grade.proposed')}
            style={{ marginInlineEnd: 0, ...(compact ? { paddingInline: 5 } : {}) }}
          >
            {compact ? null : t('grade.proposed')}
          </Tag>
        </Tooltip>
      )}
    </Flex>
  );
}

/** The grade proposal's reasons as tags (VIP, repeat, regulator, hotspot). */
export function ReasonTags({ reasons }: { reasons: readonly string[] }) {
  const t = useT();
  return (
    <Flex gap={4} wrap>
      {reasons.map((r) => (
        <Tag key={r} color="orange" icon={r === 'hotspot' ? <FireOutlined /> : r === 'vip' ? <StarFilled /> : undefined} data-testid={`reason-${r}`}>
          {t(`gradeReason.${r}` as MessageKey)}
        </Tag>
      ))}
    </Flex>
  );
}

export const LEVEL_COLOURS: Record<ClockLevel, string> = { ok: 'green', warned: 'orange', breached: 'red' };
const LEVEL_HEX: Record<ClockLevel, string> = { ok: '#389e0d', warned: '#d46b08', breached: '#cf1322' };

/** The ticket's worst running clock: 正常 / 预警 / 超时. */
export function ClockLevelTag({ level }: { level: ClockLevel }) {
  const t = useT();
  return <Tag color={LEVEL_COLOURS[level]} data-testid="clock-level" data-level={level} style={{ marginInlineEnd: 0 }}>{t(`clockLevel.${level}` as MessageKey)}</Tag>;
}

/** The state a ticket's clocks are in now: the server's, or breached when its next due time has passed. */
export function levelNow(ticket: Pick<Ticket, 'clockState' | 'nextDueAt'>, now: number): ClockLevel {
  if (ticket.nextDueAt && dayjs(ticket.nextDueAt).valueOf() <= now) return 'breached';
  return ticket.clockState;
}

/** Next due time with its countdown, coloured by the clock state; a dash without a running clock. */
export function DueCell({ ticket }: { ticket: Pick<Ticket, 'clockState' | 'nextDueAt' | 'status'> }) {
  const t = useT();
  const now = useNow();
  if (!ticket.nextDueAt) return <Typography.Text type="secondary">—</Typography.Text>;
  const level = levelNow(ticket, now);
  return (
    <Flex vertical gap={0} style={{ lineHeight: 1.35, minWidth: 112 }}>
      <span style={{ color: LEVEL_HEX[level], fontWeight: 500, fontVariantNumeric: 'tabular-nums' }} data-testid="due-countdown">
        {countdownText(ticket.nextDueAt, now, t)}
      </span>
      <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
        {shortTime(ticket.nextDueAt)}
      </Typography.Text>
    </Flex>
  );
}

const CLOCK_STATE_COLOURS = { running: 'blue', met: 'green', breached: 'red' } as const;

/** One clock as a chip: name, state (warned while running), due time and countdown. */
export function ClockChip({ clock }: { clock: TicketClock }) {
  const t = useT();
  const now = useNow();
  const running = clock.state === 'running';
  const warned = running && (clock.warned || dayjs(clock.warnAt).valueOf() <= now);
  const colour = running ? (warned ? 'orange' : CLOCK_STATE_COLOURS.running) : CLOCK_STATE_COLOURS[clock.state];
  const stateText = running && warned ? t('clockLevel.warned') : t(`clockState.${clock.state}` as MessageKey);
  return (
    <Tooltip
      title={
        <div>
          <div>{t('clock.startedAt', { at: formatTime(clock.startedAt) })}</div>
          <div>{t('clock.warnAt', { at: formatTime(clock.warnAt) })}</div>
          <div>{t('clock.dueAt', { at: formatTime(clock.dueAt) })}</div>
          {clock.stoppedAt && <div>{t('clock.stoppedAt', { at: formatTime(clock.stoppedAt) })}</div>}
          <div>{t('clock.calendar', { calendar: clock.calendar === '24x7' ? t('calendars.roundTheClock') : clock.calendar })}</div>
        </div>
      }
    >
      <Tag
        color={colour}
        icon={<ClockCircleOutlined />}
        style={{ padding: '2px 8px', marginInlineEnd: 0 }}
        data-testid={`clock-${clock.clock}`}
        data-state={running && warned ? 'warned' : clock.state}
      >
        <strong>{t(`clock.${clock.clock}` as MessageKey)}</strong>
        {' · '}
        {stateText}
        {' · '}
        {running ? countdownText(clock.dueAt, now, t) : shortTime(clock.stoppedAt)}
        <span style={{ opacity: 0.75 }}>{` (${t('clock.due', { at: shortTime(clock.dueAt) })})`}</span>
      </Tag>
    </Tooltip>
  );
}
