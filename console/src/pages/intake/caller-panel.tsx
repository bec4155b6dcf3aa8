import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Empty, Flex, Spin, Tag, Typography } from 'antd';
import { HistoryOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, type Page } from '../../api';
import { useT } from '../../i18n';
import { errorText } from '../../errors';
import type { Ticket } from '../../types';
import { StatusTag } from '../../components/tickets/tags';
import { categoryPath } from '../../components/tickets/categories';
import { shortTime } from '../../components/tickets/time';

/** How far back a ticket of the same category makes a repeat (DESIGN §3 step 2). */
const REPEAT_DAYS = 30;

/**
 * The caller's recent tickets (`GET /api/v1/tickets?q=<phone>&order=newest`), newest first; a
 * ticket of the same category within 30 days is marked, since the new one will be a repeat.
 */
export function CallerPanel({ msisdn, exclude, category }: { msisdn: string | null; exclude?: number; category?: string }) {
  const t = useT();
  const [items, setItems] = useState<Ticket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!msisdn) {
      setItems(null);
      setError(null);
      return;
    }
    let live = true;
    setLoading(true);
    api.get<Page<Ticket>>('/api/v1/tickets', { q: msisdn, order: 'newest', limit: 10 }).then(
      (p) => {
        if (!live) return;
        setItems(p.items);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(errorText(err, t));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [msisdn, exclude]);

  const shown = (items ?? []).filter((x) => x.id !== exclude);
  const since = dayjs().subtract(REPEAT_DAYS, 'day');
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <HistoryOutlined />
          {t('intake.callerHistory')}
          {items && <Tag data-testid="caller-count">{shown.length}</Tag>}
          {loading && <Spin size="small" />}
        </Flex>
      }
      styles={{ body: { maxHeight: 260, minHeight: 80, overflowY: 'auto' } }}
      data-testid="caller-history"
    >
      {!msisdn && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('intake.phoneFirst')} />}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {msisdn && items && shown.length === 0 && <Typography.Text type="secondary" data-testid="caller-none">{t('intake.callerNone')}</Typography.Text>}
      <Flex vertical gap={6}>
        {shown.map((x) => {
          const repeat = category && x.category === category && dayjs(x.reportedAt).isAfter(since);
          return (
            <Flex key={x.id} gap={8} align="center" wrap data-testid={`caller-ticket-${x.id}`}>
              <Link to={`/tickets/${x.id}`} style={{ fontVariantNumeric: 'tabular-nums' }}>#{x.id}</Link>
              <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>{shortTime(x.reportedAt)}</Typography.Text>
              <span>{categoryPath(t, x.category)}</span>
              <StatusTag status={x.status} />
              {repeat && <Tag color="orange">{t('intake.likelyRepeat')}</Tag>}
            </Flex>
          );
        })}
      </Flex>
    </Card>
  );
}
