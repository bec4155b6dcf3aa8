import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Empty, Flex, List, Segmented, Tag, Typography } from 'antd';
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, type Page as ApiPage } from '../../api';
import { useLang, useT } from '../../i18n';
import { useShowError } from '../../errors';
import { formatTime } from '../../format';
import { useLoad } from '../../hooks/use-load';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import type { AppNotification } from '../../types';
import { markRead, notificationsChanged } from '../../components/notifications/unread';
import { kindColour, kindLabel, notificationText } from '../../components/notifications/notification-text';

type Show = 'unread' | 'all';

/**
 * The user's notifications (`GET /api/v1/notifications`): warnings, escalations, assignments
 * and replies for its department or its role in its region, newest first, page by page.
 */
export default function NotificationsPage() {
  const t = useT();
  const { lang } = useLang();
  const showError = useShowError();
  const [show, setShow] = useState<Show>('unread');
  const [extra, setExtra] = useState<{ items: AppNotification[]; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useLoad(async () => {
    setExtra(null);
    return api.get<ApiPage<AppNotification>>('/api/v1/notifications', { unread: show === 'unread' ? true : undefined, limit: 50 });
  }, [show]);
  const [readNow, setReadNow] = useState<Set<number>>(new Set());

  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : (first.data?.nextCursor ?? null);
  const isRead = (n: AppNotification) => n.read || readNow.has(n.id);

  const more = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const p = await api.get<ApiPage<AppNotification>>('/api/v1/notifications', { unread: show === 'unread' ? true : undefined, limit: 50, cursor });
      setExtra((e) => ({ items: [...(e?.items ?? []), ...p.items], cursor: p.nextCursor }));
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  const read = async (ids: number[]) => {
    setBusy(true);
    try {
      for (const id of ids) await markRead(id);
      setReadNow((s) => new Set([...s, ...ids]));
      notificationsChanged();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  const unreadShown = items.filter((n) => !isRead(n)).map((n) => n.id);

  return (
    <Page
      title={t('notifications.title')}
      testId="page-notifications"
      extra={
        <>
          <Segmented<Show>
            value={show}
            onChange={(v) => {
              setReadNow(new Set());
              setShow(v);
            }}
            options={[
              { value: 'unread', label: <span data-testid="notifications-show-unread">{t('notifications.unread')}</span> },
              { value: 'all', label: <span data-testid="notifications-show-all">{t('notifications.everything')}</span> },
            ]}
          />
          <Button icon={<CheckOutlined />} disabled={unreadShown.length === 0} loading={busy} onClick={() => void read(unreadShown)} data-testid="notifications-read-all">
            {t('notifications.markShownRead')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={first.reload} loading={first.loading} data-testid="notifications-refresh">{t('common.refresh')}</Button>
        </>
      }
    >
      <LoadError error={first.error} onRetry={first.reload} testId="notifications-load-error" />
      <Card styles={{ body: { padding: '0 16px' } }}>
        <List<AppNotification>
          loading={first.loading && !first.data}
          dataSource={items}
          locale={{ emptyText: <Empty description={show === 'unread' ? t('notifications.noneUnread') : t('notifications.none')} /> }}
          data-testid="notifications-list"
          renderItem={(n) => (
            <List.Item
              key={n.id}
              data-testid={`notification-row-${n.id}`}
              style={{ opacity: isRead(n) ? 0.6 : 1 }}
              actions={[
                n.ticketId != null && (
                  <Link key="open" to={`/tickets/${n.ticketId}`} onClick={() => !isRead(n) && void read([n.id])}>
                    {t('notifications.openTicket', { id: n.ticketId })}
                  </Link>
                ),
                !isRead(n) && (
                  <Button key="read" type="link" size="small" icon={<CheckOutlined />} onClick={() => void read([n.id])} data-testid={`notification-row-${n.id}-read`}>
                    {t('notifications.markRead')}
                  </Button>
                ),
              ].filter(Boolean)}
            >
              <Flex gap={12} align="start" style={{ minWidth: 0 }}>
                <Tag color={kindColour(n.kind)} style={{ flex: 'none' }}>{kindLabel(t, n.kind)}</Tag>
                <div style={{ minWidth: 0 }}>
                  <Typography.Text strong={!isRead(n)}>{notificationText(t, lang, n)}</Typography.Text>
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatTime(n.createdAt)}</Typography.Text>
                  </div>
                </div>
              </Flex>
            </List.Item>
          )}
        />
        {cursor && (
          <Flex justify="center" style={{ padding: 12 }}>
            <Button onClick={() => void more()} loading={busy} data-testid="notifications-more">{t('common.loadMore')}</Button>
          </Flex>
        )}
      </Card>
    </Page>
  );
}
