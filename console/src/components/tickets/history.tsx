import { Flex, Tag, Timeline, Typography } from 'antd';
import { ArrowRightOutlined, RobotOutlined, UserOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useT, type MessageKey } from '../../i18n';
import { canOpen, useMe } from '../../session';
import { formatTime } from '../../format';
import type { Department, TicketEvent } from '../../types';
import { departmentName } from './departments';
import { categoryPath } from './categories';

/** Colour of a history row by what happened. */
function dotColour(e: TicketEvent): string {
  if (e.type === 'clock_warned') return 'orange';
  if (e.type === 'escalated') return 'red';
  if (e.type === 'closed' || e.type === 'resolved_at_intake' || e.type === 'followed_up') return 'green';
  if (e.actor.startsWith('system:')) return 'gray';
  return 'blue';
}

/** A label from a dictionary prefix, or the raw value when the console does not know it. */
function known(t: ReturnType<typeof useT>, prefix: string, value: unknown): string {
  const key = `${prefix}.${String(value)}` as MessageKey;
  const text = t(key);
  return text === key ? String(value) : text;
}

/**
 * The ticket's history (DESIGN §3 rules: who, when, from which department to which, and why),
 * oldest first, read-only: the event rows are never edited.
 */
export function History({ events, departments }: { events: TicketEvent[]; departments: Department[] | undefined }) {
  const t = useT();
  const me = useMe();
  return (
    <Timeline
      data-testid="history"
      items={events.map((e) => {
        const system = e.actor.startsWith('system:');
        const details: { label: MessageKey; value: React.ReactNode }[] = [];
        if (e.kind) details.push({ label: 'history.kind', value: known(t, 'replyKind', e.kind) });
        if (e.grade) details.push({ label: 'history.grade', value: `${e.previousGrade ? `${known(t, 'grade', e.previousGrade)} → ` : ''}${known(t, 'grade', e.grade)}` });
        if (e.to) details.push({ label: 'history.to', value: known(t, 'escalateTo', e.to) });
        if (e.clock) details.push({ label: 'history.clock', value: known(t, 'clock', e.clock) });
        if (e.resolution) details.push({ label: 'history.resolution', value: known(t, 'resolution', e.resolution) });
        if (e.responded !== undefined) details.push({ label: 'history.responded', value: e.responded ? t('common.yes') : t('common.no') });
        if (e.score !== undefined) details.push({ label: 'history.score', value: `${e.score} / 10` });
        if (e.type === 'created' && typeof e.category === 'string') details.push({ label: 'history.category', value: categoryPath(t, e.category) });
        if (e.type === 'created' && typeof e.channel === 'string') details.push({ label: 'history.channel', value: known(t, 'channel', e.channel) });
        if (e.networkIssueId) details.push({ label: 'history.networkIssue', value: `#${e.networkIssueId}` });
        if (typeof e.hotspotId === 'number') {
          details.push({ label: 'history.hotspot', value: canOpen(me, 'hotspots') ? <Link to={`/hotspots?hotspot=${e.hotspotId}`}>#{e.hotspotId}</Link> : `#${e.hotspotId}` });
        }
        if (typeof e.problemId === 'number') {
          details.push({ label: 'history.problem', value: canOpen(me, 'problems') ? <Link to={`/problems?id=${e.problemId}`}>#{e.problemId}</Link> : `#${e.problemId}` });
        }
        // the system regrades with a proposal reason (vip, repeat, regulator, hotspot): say it in words
        const text = e.text ?? (e.type === 'regraded' && e.reason ? known(t, 'gradeReason', e.reason) : e.reason);
        return {
          key: e.id,
          color: dotColour(e),
          content: (
            <div data-testid={`event-${e.id}`} data-type={e.type}>
              <Flex gap={8} wrap align="baseline">
                <Typography.Text strong>{known(t, 'event', e.type)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>{formatTime(e.at)}</Typography.Text>
                <Tag icon={system ? <RobotOutlined /> : <UserOutlined />} style={{ marginInlineEnd: 0 }}>
                  {system ? t('history.system') : e.actor}
                  {!system && e.actorRole ? ` · ${known(t, 'role', e.actorRole)}` : ''}
                </Tag>
              </Flex>
              {(e.fromDepartment || e.toDepartment) && (
                <Flex gap={6} align="center" style={{ marginTop: 2 }} data-testid="event-route">
                  {e.fromDepartment && <Typography.Text type={e.toDepartment ? 'secondary' : undefined}>{departmentName(departments, e.fromDepartment)}</Typography.Text>}
                  {e.toDepartment && e.toDepartment !== e.fromDepartment && (
                    <>
                      <ArrowRightOutlined style={{ fontSize: 11, opacity: 0.6 }} aria-label={t('history.toDepartment')} />
                      <Typography.Text>{departmentName(departments, e.toDepartment)}</Typography.Text>
                    </>
                  )}
                </Flex>
              )}
              {details.length > 0 && (
                <Flex gap={12} wrap style={{ marginTop: 2 }}>
                  {details.map((d) => (
                    <Typography.Text key={d.label} type="secondary" style={{ fontSize: 13 }}>
                      {t('common.labelled', { label: t(d.label) })}
                      <Typography.Text style={{ fontSize: 13 }}>{d.value}</Typography.Text>
                    </Typography.Text>
                  ))}
                </Flex>
              )}
              {text && (
                <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }} data-testid="event-text">
                  {text}
                </Typography.Paragraph>
              )}
              {e.comment && (
                <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
                  {e.comment}
                </Typography.Paragraph>
              )}
            </div>
          ),
        };
      })}
    />
  );
}
