import type { ReactNode } from 'react';
import { Card, Empty, Flex, Typography } from 'antd';
import { useT } from '../i18n';

/** A page of the console: title and actions on top, content below; `testId` marks the page root. */
export function Page({ title, extra, testId, children }: { title: ReactNode; extra?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <div data-testid={testId}>
      <Flex justify="space-between" align="center" gap={16} wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra && <Flex gap={8} wrap>{extra}</Flex>}
      </Flex>
      {children}
    </div>
  );
}

/** The empty state of an area that later work fills: what will be here. */
export function AreaPlaceholder({ title, text, testId, children }: { title: ReactNode; text: ReactNode; testId: string; children?: ReactNode }) {
  const t = useT();
  return (
    <Page title={title} testId={testId}>
      <Card>
        <Empty
          data-testid="empty-state"
          description={
            <Flex vertical gap={4} align="center">
              <Typography.Text strong>{t('page.comingSoon')}</Typography.Text>
              <Typography.Text type="secondary">{text}</Typography.Text>
              {children}
            </Flex>
          }
          style={{ padding: '48px 0' }}
        />
      </Card>
    </Page>
  );
}
