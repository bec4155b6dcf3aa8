import { useCallback, useLayoutEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Button, Card, Col, Descriptions, Empty, Flex, Result, Row, Skeleton, Tag, Typography } from 'antd';
import { FireOutlined, ReloadOutlined, StarFilled } from '@ant-design/icons';
import { api, ApiError, seg } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { canOpen, useMe } from '../../session';
import { formatTime } from '../../format';
import { regionName, useRegions } from '../../reference-data';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { CLOCK_NAMES, RESOLUTIONS, type TicketDetail } from '../../types';
import { ClockChip, ClockLevelTag, GradeTag, ReasonTags, StatusTag, levelNow } from '../../components/tickets/tags';
import { TicketActions } from '../../components/tickets/ticket-actions';
import { ReassignButton } from '../../components/tickets/reassign-button';
import { History } from '../../components/tickets/history';
import { departmentName, useDepartments } from '../../components/tickets/departments';
import { categoryPath } from '../../components/tickets/categories';
import { useNow } from '../../components/tickets/time';

/** The place of a complaint: cell, coordinates and address, whichever it has. */
export function placeText(t: ReturnType<typeof useT>, ticket: Pick<TicketDetail, 'cellId' | 'location' | 'address'>): string {
  const parts: string[] = [];
  if (ticket.cellId) parts.push(t('ticket.cell', { cell: ticket.cellId }));
  if (ticket.location) parts.push(`${ticket.location.lon.toFixed(5)}, ${ticket.location.lat.toFixed(5)}`);
  if (ticket.address) parts.push(ticket.address);
  return parts.join(' · ');
}

/**
 * One ticket (`/tickets/:id`): status, grade and clocks on top, the customer and the place, the
 * history timeline, and the steps the signed-in user may take now, each a small form.
 */
export default function TicketPage() {
  const t = useT();
  const { id = '' } = useParams();
  const regions = useRegions();
  const departments = useDepartments();
  const now = useNow();
  const me = useMe();
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(() => {
    let live = true;
    setLoading(true);
    api.get<TicketDetail>(`/api/v1/tickets/${seg(id)}`).then(
      (d) => {
        if (!live) return;
        setTicket(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [id]);
  useLayoutEffect(() => load(), [load]); // before the first paint (see useLoad)

  const notFound = error instanceof ApiError && (error.status === 404 || error.status === 400);
  if (notFound) {
    return (
      <Result
        status="404"
        title={t('ticket.notFound', { id })}
        subTitle={t('ticket.notFoundText')}
        extra={<Link to="/tickets"><Button type="primary">{t('ticket.backToList')}</Button></Link>}
        data-testid="ticket-not-found"
      />
    );
  }
  if (!ticket) {
    return (
      <Page title={t('ticket.title', { id })} testId="page-ticket">
        <LoadError error={error} onRetry={load} testId="ticket-load-error" />
        {!error && <Card><Skeleton active paragraph={{ rows: 8 }} /></Card>}
      </Page>
    );
  }

  const clocks = [...ticket.clocks].sort(
    (a, b) => b.round - a.round || CLOCK_NAMES.indexOf(a.clock) - CLOCK_NAMES.indexOf(b.clock),
  );
  const currentClocks = clocks.filter((c) => c.round === ticket.round);
  const earlierClocks = clocks.filter((c) => c.round !== ticket.round);
  const resolutionSolved = ticket.resolution ? RESOLUTIONS[ticket.resolution] : null;

  return (
    <Page
      title={
        <Flex align="center" gap={12} wrap>
          <span data-testid="ticket-title">{t('ticket.title', { id: ticket.id })}</span>
          <StatusTag status={ticket.status} />
          <GradeTag ticket={ticket} />
          {ticket.nextDueAt && <ClockLevelTag level={levelNow(ticket, now)} />}
        </Flex>
      }
      testId="page-ticket"
      extra={
        <>
          <ReassignButton ticket={ticket} onDone={(a) => setTicket(a.ticket)} onStale={load} />
          <TicketActions ticket={ticket} onDone={(a) => setTicket(a.ticket)} onStale={load} />
          <Button icon={<ReloadOutlined />} onClick={load} loading={loading} data-testid="ticket-refresh" aria-label={t('common.refresh')} />
        </>
      }
    >
      <LoadError error={error} onRetry={load} testId="ticket-load-error" />
      <Card size="small" title={t('ticket.clocks')} style={{ marginBottom: 16 }} data-testid="ticket-clocks">
        {currentClocks.length === 0 ? (
          <Typography.Text type="secondary">{t('ticket.noClocks')}</Typography.Text>
        ) : (
          <Flex gap={8} wrap>
            {currentClocks.map((c) => <ClockChip key={`${c.round}-${c.clock}`} clock={c} />)}
          </Flex>
        )}
        {earlierClocks.length > 0 && (
          <Flex gap={8} wrap align="center" style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{t('ticket.earlierRounds')}</Typography.Text>
            {earlierClocks.map((c) => <ClockChip key={`${c.round}-${c.clock}`} clock={c} />)}
          </Flex>
        )}
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('ticket.customer')} style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small" data-testid="ticket-customer">
              <Descriptions.Item label={t('ticket.msisdn')}>
                <span data-testid="ticket-msisdn" style={{ fontVariantNumeric: 'tabular-nums' }}>{ticket.customer.msisdn}</span>
                {ticket.customer.vip && <Tag color="gold" icon={<StarFilled />} style={{ marginInlineStart: 8 }}>VIP</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('ticket.name')}>{ticket.customer.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.channel')}>{t(`channel.${ticket.channel}` as MessageKey)}</Descriptions.Item>
              {ticket.gradeProposal && (
                <Descriptions.Item label={t('ticket.proposal')}>
                  <ReasonTags reasons={ticket.gradeProposal.reasons} />
                </Descriptions.Item>
              )}
              {ticket.isRepeat && <Descriptions.Item label={t('ticket.repeat')}><Tag color="orange">{t('gradeReason.repeat')}</Tag></Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card size="small" title={t('ticket.complaint')}>
            <Descriptions column={1} size="small" data-testid="ticket-details">
              <Descriptions.Item label={t('ticket.category')}>
                {categoryPath(t, ticket.category)}
                {!ticket.isNetwork && <Tag style={{ marginInlineStart: 8 }}>{t('ticket.notNetwork')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('ticket.network')}>{ticket.network ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.place')}>{placeText(t, ticket) || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.region')}>{regionName(regions, ticket.region)}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.reportedAt')}>{formatTime(ticket.reportedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.commitment')}>
                {ticket.commitmentHours ? t('ticket.hours', { h: ticket.commitmentHours }) : t('ticket.commitmentDefault')}
              </Descriptions.Item>
              <Descriptions.Item label={t('ticket.noc')}>{departmentName(departments, ticket.nocDepartment) || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('ticket.assignee')}>
                <span data-testid="ticket-assignee">{departmentName(departments, ticket.assigneeDepartment) || '—'}</span>
              </Descriptions.Item>
              {ticket.hotspotId != null && (
                <Descriptions.Item label={t('ticket.hotspot')}>
                  {canOpen(me, 'hotspots') ? (
                    <Link to={`/hotspots?hotspot=${ticket.hotspotId}`}><Tag color="volcano" icon={<FireOutlined />}>#{ticket.hotspotId}</Tag></Link>
                  ) : (
                    <Tag color="volcano" icon={<FireOutlined />}>#{ticket.hotspotId}</Tag>
                  )}
                </Descriptions.Item>
              )}
              {ticket.resolution && (
                <Descriptions.Item label={t('ticket.resolution')}>
                  {t(`resolution.${ticket.resolution}` as MessageKey)}
                  <Tag color={resolutionSolved ? 'green' : 'default'} style={{ marginInlineStart: 8 }}>
                    {resolutionSolved ? t('ticket.solved') : t('ticket.notSolved')}
                  </Tag>
                </Descriptions.Item>
              )}
              {ticket.resolvedAtIntake && <Descriptions.Item label={t('ticket.firstContact')}><Tag color="green">{t('event.resolved_at_intake')}</Tag></Descriptions.Item>}
              {ticket.externalId && <Descriptions.Item label={t('ticket.externalId')}>{ticket.externalId}</Descriptions.Item>}
              <Descriptions.Item label={t('ticket.createdBy')}>{ticket.createdBy}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0, whiteSpace: 'pre-wrap' }} data-testid="ticket-description">
              {ticket.description}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('ticket.history', { n: ticket.events.length })}>
            {ticket.events.length === 0 ? <Empty /> : <History events={ticket.events} departments={departments} />}
          </Card>
        </Col>
      </Row>
    </Page>
  );
}
