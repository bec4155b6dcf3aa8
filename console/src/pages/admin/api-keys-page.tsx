import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { CopyOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { api, fetchAll, seg } from '../../api';
import { useT } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { regionName, useRegions } from '../../reference-data';
import { useShowError } from '../../errors';
import { formatTime } from '../../format';
import { limits } from '../../limits';
import { KEY_ROLES, type ApiKey, type Role } from '../../types';
import { Page } from '../../components/page';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { rules } from '../../components/rules';
import { buttonTestId, testId } from '../../components/test-id';
import { copyText } from '../../components/copy';
import { adminPagination } from './table-defaults';

interface KeyForm {
  name: string;
  role: Role;
  region: string;
}

/** API keys for other systems (CRM, call centre, NMS): create (key shown once), revoke. */
export default function ApiKeysPage() {
  const t = useT();
  const { message } = App.useApp();
  const showError = useShowError();
  const regions = useRegions();
  const list = useLoad(() => fetchAll<ApiKey>('/api/v1/api-keys'), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey['id'] | null>(null);

  const regionOptions = useMemo(() => (regions ?? []).map((r) => ({ value: r.id, label: `${r.name} (${r.id})` })), [regions]);
  const roleOptions = KEY_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));

  const revoke = async (k: ApiKey) => {
    setRevoking(k.id);
    try {
      await api.del(`/api/v1/api-keys/${seg(k.id)}`);
      void message.success(t('apiKeys.revokeDone'));
      list.reload();
    } catch (err) {
      showError(err);
    } finally {
      setRevoking(null);
    }
  };

  const columns: TableColumnsType<ApiKey> = [
    { title: t('apiKeys.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
    { title: t('apiKeys.role'), dataIndex: 'role', render: (r: Role) => <Tag>{t(`role.${r}`)}</Tag> },
    { title: t('apiKeys.region'), dataIndex: 'regionId', render: (id: string) => regionName(regions, id) },
    { title: t('apiKeys.createdAt'), dataIndex: 'createdAt', render: formatTime },
    {
      title: t('apiKeys.status'),
      dataIndex: 'revokedAt',
      render: (at: ApiKey['revokedAt']) =>
        at ? (
          <Tooltip title={t('apiKeys.revokedAt', { at: formatTime(at) })}>
            <Tag color="red">{t('apiKeys.revoked')}</Tag>
          </Tooltip>
        ) : (
          <Tag color="green">{t('apiKeys.active')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, k) =>
        k.revokedAt ? null : (
          <Popconfirm
            title={t('apiKeys.revoke')}
            description={<div style={{ maxWidth: 280 }}>{t('apiKeys.revokeConfirm', { name: k.name })}</div>}
            okText={t('apiKeys.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, ...buttonTestId('api-key-revoke-confirm') }}
            onConfirm={() => revoke(k)}
          >
            <Button type="link" danger icon={<StopOutlined />} loading={revoking === k.id} data-testid={`api-key-revoke-${k.id}`}>
              {t('apiKeys.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  const create = async (v: KeyForm) => {
    const name = v.name.trim();
    const answer = await api.post<{ id: ApiKey['id']; key: string }>('/api/v1/api-keys', { name, role: v.role, region: v.region });
    setCreating(false);
    setCreated({ name, key: answer.key });
    list.reload();
  };

  const copy = async () => {
    if (!created) return;
    if (await copyText(created.key)) void message.success(t('common.copied'));
    else void message.error(t('common.copyFailed'));
  };

  return (
    <Page
      title={t('apiKeys.title')}
      testId="page-admin-api-keys"
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="api-keys-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-keys-create">
            {t('apiKeys.create')}
          </Button>
        </>
      }
    >
      <LoadError error={list.error} onRetry={list.reload} testId="api-keys-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ApiKey>
          rowKey={(k) => String(k.id)}
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(k) => testId(`api-key-row-${k.id}`)}
          data-testid="api-keys-table"
        />
      </Card>

      <FormModal<KeyForm>
        open={creating}
        title={t('apiKeys.create')}
        testId="api-key-form"
        initialValues={{ role: 'api' }}
        onCancel={() => setCreating(false)}
        onSubmit={create}
      >
        <Form.Item
          label={t('apiKeys.name')}
          name="name"
          rules={[rules.required(t, t('apiKeys.name')), rules.max(t, t('apiKeys.name'), limits.nameMax), rules.trimmed(t, t('apiKeys.name'))]}
        >
          <Input autoFocus autoComplete="off" data-testid="api-key-form-name" />
        </Form.Item>
        <Form.Item label={t('apiKeys.role')} name="role" rules={[rules.requiredChoice(t, t('apiKeys.role'))]}>
          <Select options={roleOptions} data-testid="api-key-form-role" />
        </Form.Item>
        <Form.Item label={t('apiKeys.region')} name="region" rules={[rules.requiredChoice(t, t('apiKeys.region'))]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={regionOptions} data-testid="api-key-form-region" />
        </Form.Item>
      </FormModal>

      {/* The key exists only in this answer: it stays up until closed on purpose. */}
      <Modal
        open={created !== null}
        title={t('apiKeys.createdTitle')}
        closable={false}
        mask={{ closable: false }}
        keyboard={false}
        destroyOnHidden
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="api-key-created-close">
            {t('common.close')}
          </Button>
        }
      >
        <Flex vertical gap={12} data-testid="api-key-created">
          <Alert type="warning" showIcon title={t('apiKeys.createdWarning')} />
          <Typography.Text strong>{created?.name}</Typography.Text>
          <Flex gap={8} align="start">
            <Input.TextArea
              readOnly
              autoSize
              value={created?.key ?? ''}
              onFocus={(e) => e.target.select()}
              style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
              aria-label={t('apiKeys.title')}
              data-testid="api-key-value"
            />
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="api-key-copy">
              {t('common.copy')}
            </Button>
          </Flex>
          <Typography.Text type="secondary">{t('apiKeys.usage')}</Typography.Text>
        </Flex>
      </Modal>
    </Page>
  );
}
