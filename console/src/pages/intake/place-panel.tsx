import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { CheckCircleOutlined, FireOutlined, WifiOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { errorText } from '../../errors';
import { formatTime } from '../../format';
import type { IssueKind, LookupAnswer, NetworkIssue } from '../../types';
import { categoryPath, isNetworkCategory } from '../../components/tickets/categories';
import { shortTime } from '../../components/tickets/time';

export const ISSUE_COLOURS: Record<IssueKind, string> = {
  outage: 'red', degradation: 'orange', planned_work: 'blue', construction_plan: 'geekblue', no_investment: 'default', coverage_gap: 'purple',
};

type Place = { cellId: string } | { lon: number; lat: number } | null;

/**
 * What is known at the complaint's place (DESIGN §3 step 1): the network issues covering it at
 * the time, and the open hotspots there (`GET /api/v1/network-issues/lookup`). The last answer
 * stays while the next one loads, so the panel does not jump while the agent types.
 */
export function PlacePanel({ place, category, at, onAnswer, answering, answered }: {
  place: Place;
  category?: string;
  at?: string;
  /** after saving: answers at intake with the issue's explanation */
  onAnswer?: (issue: NetworkIssue) => void;
  answering: boolean;
  answered: boolean;
}) {
  const t = useT();
  const [answer, setAnswer] = useState<LookupAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const key = JSON.stringify([place, category, at]);

  useEffect(() => {
    if (!place) {
      setAnswer(null);
      setProblem(null);
      return;
    }
    let live = true;
    setLoading(true);
    api.get<LookupAnswer>('/api/v1/network-issues/lookup', { ...place, at, category }).then(
      (r) => {
        if (!live) return;
        setAnswer(r);
        setProblem(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setAnswer(null);
        setProblem(err instanceof ApiError && err.status === 404 && 'cellId' in place ? t('intake.cellUnknown', { cell: place.cellId }) : errorText(err, t));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // the place is compared by content through `key`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const issues = answer?.issues ?? [];
  const hotspots = answer?.hotspots ?? [];
  const cells = answer?.cells ?? [];
  const network = !category || isNetworkCategory(category);

  return (
    <>
      <Card
        size="small"
        title={
          <Flex gap={8} align="center">
            <WifiOutlined />
            {t('intake.knownIssues')}
            {answer && <Tag color={issues.length ? 'red' : 'default'} data-testid="known-issues-count">{issues.length}</Tag>}
            {loading && <Spin size="small" />}
          </Flex>
        }
        style={{ marginBottom: 16 }}
        styles={{ body: { maxHeight: 'calc(100vh - 380px)', minHeight: 120, overflowY: 'auto' } }}
        data-testid="known-issues"
      >
        {!place && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('intake.placeFirst')} />}
        {problem && <Typography.Text type="warning" data-testid="lookup-problem">{problem}</Typography.Text>}
        {cells.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }} data-testid="lookup-cells">
            {t('intake.cellsFound', {
              cells: cells.slice(0, 3).map((c) => `${c.name}（${c.network}${c.distanceM != null ? ` · ${Math.round(c.distanceM)} m` : ''}）`).join('、'),
              n: cells.length,
            })}
          </Typography.Paragraph>
        )}
        {answer && !network && <Typography.Text type="secondary">{t('intake.notNetworkCategory')}</Typography.Text>}
        {answer && network && issues.length === 0 && <Typography.Text type="secondary" data-testid="no-known-issues">{t('intake.noKnownIssues')}</Typography.Text>}
        <Flex vertical gap={12}>
          {issues.map((i) => (
            <div key={i.id} data-testid={`issue-${i.id}`} style={{ borderInlineStart: '3px solid #ff7875', paddingInlineStart: 10 }}>
              <Flex gap={6} align="center" wrap>
                <Tag color={ISSUE_COLOURS[i.kind]} style={{ marginInlineEnd: 0 }}>{t(`issueKind.${i.kind}` as MessageKey)}</Tag>
                <Typography.Text strong>{i.title}</Typography.Text>
              </Flex>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.endsAt ? t('intake.window', { from: shortTime(i.startsAt), to: shortTime(i.endsAt) }) : t('intake.windowOpen', { from: shortTime(i.startsAt) })}
                {i.plannedDate ? ` · ${t('intake.plannedDate', { date: i.plannedDate })}` : ''}
              </Typography.Text>
              <Typography.Paragraph style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }} data-testid={`issue-${i.id}-explanation`}>
                {i.explanation}
              </Typography.Paragraph>
              {onAnswer && (
                <Button
                  type="primary"
                  size="small"
                  icon={<CheckCircleOutlined />}
                  onClick={() => onAnswer(i)}
                  loading={answering}
                  data-testid={`issue-${i.id}-answer`}
                >
                  {t('intake.answerWith')}
                </Button>
              )}
              {!onAnswer && !answered && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('intake.answerAfterSave')}</Typography.Text>}
            </div>
          ))}
        </Flex>
      </Card>
      {hotspots.length > 0 && (
        <Card
          size="small"
          title={<Flex gap={8} align="center"><FireOutlined style={{ color: '#d4380d' }} />{t('intake.hotspots')}<Tag color="volcano">{hotspots.length}</Tag></Flex>}
          style={{ marginBottom: 16 }}
          data-testid="intake-hotspots"
        >
          <Flex vertical gap={8}>
            {hotspots.map((h) => (
              <div key={h.id} data-testid={`hotspot-${h.id}`}>
                <Flex gap={6} wrap align="center">
                  <Link to={`/hotspots?hotspot=${h.id}`}><Tag color="volcano" style={{ marginInlineEnd: 0 }}>#{h.id}</Tag></Link>
                  <Typography.Text strong>{categoryPath(t, h.category)}</Typography.Text>
                  {h.ticketCount != null && <Typography.Text type="secondary">{t('intake.hotspotTickets', { n: h.ticketCount })}</Typography.Text>}
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('intake.hotspotSpan', { from: formatTime(h.firstReportedAt), to: formatTime(h.lastReportedAt) })}
                </Typography.Text>
              </div>
            ))}
          </Flex>
        </Card>
      )}
    </>
  );
}
