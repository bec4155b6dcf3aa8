import { useCallback, useLayoutEffect, useState } from 'react';
import { Button, Card, DatePicker, Flex, Form, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, type Page as ListPage } from '../../api';
import { useT } from '../../i18n';
import { regionName, useRegions } from '../../reference-data';
import { formatDetails, formatTime } from '../../format';
import type { AuditEntry } from '../../types';
import { Page } from '../../components/page';
import { LoadError } from '../../components/load-error';
import { testId } from '../../components/test-id';

interface Filters {
  from?: Dayjs | null;
  to?: Dayjs | null;
  action?: string;
  actor?: string;
}

/** The query of `GET /api/v1/audit`: a half-open period [from, to) in ISO 8601 with offset. */
function toQuery(f: Filters) {
  return {
    from: f.from?.format() ?? undefined,
    to: f.to?.format() ?? undefined,
    action: f.action?.trim() || undefined,
    actor: f.actor?.trim() || undefined,
  };
}

/** Details as readable JSON (the server may send an object or its JSON text). */
function prettyDetails(details: unknown): string {
  if (typeof details === 'string') {
    try {
      return JSON.stringify(JSON.parse(details), null, 2);
    } catch {
      return details;
    }
  }
  return JSON.stringify(details, null, 2);
}

const hasDetails = (e: AuditEntry) => e.details !== null && e.details !== undefined && e.details !== '';

/** The audit trail, newest first, filtered by period, action and actor; pages by cursor. */
export default function AuditPage() {
  const t = useT();
  const regions = useRegions();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true); // the first load starts at once: no empty table first
  const [error, setError] = useState<unknown>(undefined);

  const load = useCallback(async (f: Filters, after: string | null) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.get<ListPage<AuditEntry>>('/api/v1/audit', { ...toQuery(f), cursor: after });
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);

  useLayoutEffect(() => {
    void load(filters, null); // before the first paint (see useLoad)
  }, [filters, load]);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: formatTime },
    { title: t('audit.actor'), dataIndex: 'actor', width: 140, ellipsis: true },
    { title: t('audit.action'), dataIndex: 'action', width: 170, render: (a: string) => <Tag>{a}</Tag> },
    { title: t('audit.target'), dataIndex: 'target', ellipsis: true },
    { title: t('audit.region'), dataIndex: 'regionId', width: 110, render: (id: string | null) => regionName(regions, id) },
    { title: t('audit.address'), dataIndex: 'address', width: 130, ellipsis: true },
    {
      title: t('audit.details'),
      dataIndex: 'details',
      ellipsis: true,
      render: (d: unknown) => <Typography.Text type="secondary">{formatDetails(d)}</Typography.Text>,
    },
  ];

  return (
    <Page title={t('audit.title')} testId="page-audit">
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form<Filters> form={form} layout="inline" onFinish={(v) => setFilters({ ...v })} data-testid="audit-filters">
          <Form.Item label={t('audit.periodStart')} name="from" style={{ marginBottom: 16 }}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 180 }} data-testid="audit-from" />
          </Form.Item>
          <Form.Item
            label={t('audit.periodEnd')}
            name="to"
            dependencies={['from']}
            style={{ marginBottom: 16 }}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_rule, to: Dayjs | null | undefined) => {
                  const from = getFieldValue('from') as Dayjs | null | undefined;
                  return from && to && !to.isAfter(from) ? Promise.reject(new Error(t('audit.periodOrder'))) : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 180 }} data-testid="audit-to" />
          </Form.Item>
          <Form.Item label={t('audit.action')} name="action" style={{ marginBottom: 16 }}>
            <Input allowClear placeholder={t('audit.actionPlaceholder')} style={{ width: 200 }} data-testid="audit-action" />
          </Form.Item>
          <Form.Item label={t('audit.actor')} name="actor" style={{ marginBottom: 16 }}>
            <Input allowClear placeholder={t('audit.actorPlaceholder')} style={{ width: 160 }} data-testid="audit-actor" />
          </Form.Item>
          <Form.Item style={{ marginBottom: 16 }}>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({});
                }}
                data-testid="audit-reset"
              >
                {t('common.reset')}
              </Button>
              <Button icon={<ReloadOutlined />} onClick={() => void load(filters, null)} aria-label={t('common.refresh')} data-testid="audit-refresh" />
            </Flex>
          </Form.Item>
        </Form>
      </Card>
      <LoadError error={error} onRetry={() => void load(filters, null)} testId="audit-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<AuditEntry>
          rowKey={(e) => String(e.id)}
          columns={columns}
          dataSource={items}
          loading={loading}
          pagination={false}
          size="middle"
          tableLayout="fixed"
          locale={{ emptyText: t('audit.empty') }}
          expandable={{
            rowExpandable: hasDetails,
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid={`audit-details-${e.id}`}>
                {prettyDetails(e.details)}
              </pre>
            ),
          }}
          onRow={(e) => testId(`audit-row-${e.id}`)}
          data-testid="audit-table"
        />
        <Flex justify="center" style={{ padding: 12 }}>
          {cursor ? (
            <Button onClick={() => void load(filters, cursor)} loading={loading} data-testid="audit-more">
              {t('common.loadMore')}
            </Button>
          ) : (
            items.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
          )}
        </Flex>
      </Card>
    </Page>
  );
}
