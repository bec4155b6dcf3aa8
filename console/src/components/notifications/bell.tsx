import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Badge, Button, Empty, Flex, Popover, Tag, Typography, theme } from 'antd';
import { BellOutlined, CheckOutlined } from '@ant-design/icons';
import { useLang, useT } from '../../i18n';
import { useShowError } from '../../errors';
import { shortTime } from '../tickets/time';
import type { AppNotification } from '../../types';
import { markRead, notificationsChanged, useUnread } from './unread';
import { kindColour, kindLabel, notificationText } from './notification-text';

/**
 * The top bar's bell: the number of unread notifications (warnings, escalations, assignments),
 * the newest in a popover; a click opens the ticket and marks the notification read.
 */
export function NotificationBell() {
  const t = useT();
  const { lang } = useLang();
  const navigate = useNavigate();
  const showError = useShowError();
  const { token } = theme.useToken();
  const unread = useUnread();
  const [open, setOpen] = useState(false);
  const count = unread.items.length;

  const read = async (n: AppNotification, go: boolean) => {
    try {
      await markRead(n.id);
      notificationsChanged();
    } catch (err) {
      showError(err);
    }
    if (go && n.ticketId != null) {
      setOpen(false);
      navigate(`/tickets/${n.ticketId}`);
    }
  };

  const content = (
    <div style={{ width: 380 }} data-testid="notifications-popover">
      {count === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.noneUnread')} />
      ) : (
        <Flex vertical style={{ maxHeight: 420, overflowY: 'auto' }}>
          {unread.items.slice(0, 8).map((n) => (
            <Flex
              key={n.id}
              gap={8}
              align="start"
              style={{ padding: '8px 4px', borderBottom: `1px solid ${token.colorSplit}`, cursor: n.ticketId != null ? 'pointer' : undefined }}
              onClick={() => void read(n, true)}
              data-testid={`notification-${n.id}`}
            >
              <Tag color={kindColour(n.kind)} style={{ marginInlineEnd: 0, flex: 'none' }}>{kindLabel(t, n.kind)}</Tag>
              <div style={{ flex: 1, minWidth: 0 }}>
                <Typography.Text style={{ display: 'block' }}>{notificationText(t, lang, n)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{shortTime(n.createdAt)}</Typography.Text>
              </div>
              <Button
                type="text"
                size="small"
                icon={<CheckOutlined />}
                aria-label={t('notifications.markRead')}
                title={t('notifications.markRead')}
                onClick={(e) => {
                  e.stopPropagation();
                  void read(n, false);
                }}
                data-testid={`notification-${n.id}-read`}
              />
            </Flex>
          ))}
        </Flex>
      )}
      <Flex justify="space-between" align="center" style={{ paddingTop: 8 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {count > 8 ? t('notifications.moreUnread', { n: unread.more ? `${count}+` : count }) : ''}
        </Typography.Text>
        <Button
          type="link"
          size="small"
          onClick={() => {
            setOpen(false);
            navigate('/notifications');
          }}
          data-testid="notifications-all"
        >
          {t('notifications.all')}
        </Button>
      </Flex>
    </div>
  );

  return (
    <Popover
      content={content}
      title={t('notifications.title')}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) unread.reload();
      }}
    >
      <Button
        type="text"
        aria-label={t('notifications.bellLabel', { n: count })}
        data-testid="notifications-bell"
        style={{ height: 40, width: 40, padding: 0 }}
      >
        <Badge count={unread.more ? count + 1 : count} overflowCount={50} size="small" data-testid="notifications-count">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
