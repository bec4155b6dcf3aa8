import { useMemo, useState } from 'react';
import { App, Button, Card, Form, Input, Select, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { api, fetchAll, seg } from '../../api';
import { useT } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { regionName, useRegions } from '../../reference-data';
import { limits } from '../../limits';
import { USER_ROLES, type Department, type Role, type User } from '../../types';
import { Page } from '../../components/page';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { rules } from '../../components/rules';
import { testId } from '../../components/test-id';
import { adminPagination } from './table-defaults';

interface UserForm {
  username: string;
  displayName?: string;
  password?: string;
  role: Role;
  region: string;
  department?: string;
  disabled: boolean;
}

type Editing = { mode: 'create' } | { mode: 'edit'; user: User } | null;

/** People who sign in to the console: list, create, edit (`PUT /api/v1/users/{username}`). */
export default function UsersPage() {
  const t = useT();
  const { message } = App.useApp();
  const regions = useRegions();
  const list = useLoad(() => fetchAll<User>('/api/v1/users'), []);
  const departments = useLoad(() => fetchAll<Department>('/api/v1/departments'), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [search, setSearch] = useState('');

  const regionOptions = useMemo(() => (regions ?? []).map((r) => ({ value: r.id, label: `${r.name} (${r.id})` })), [regions]);
  const roleOptions = USER_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  const departmentName = (id: string | null) => (id ? (departments.data?.find((d) => d.id === id)?.name ?? id) : '');

  const needle = search.trim().toLowerCase();
  const shown = (list.data ?? []).filter(
    (u) => !needle || u.username.toLowerCase().includes(needle) || (u.displayName ?? '').toLowerCase().includes(needle),
  );

  const columns: TableColumnsType<User> = [
    { title: t('users.username'), dataIndex: 'username', render: (v: string) => <Typography.Text code>{v}</Typography.Text>, sorter: (a, b) => a.username.localeCompare(b.username) },
    { title: t('users.displayName'), dataIndex: 'displayName' },
    {
      title: t('users.role'),
      dataIndex: 'role',
      render: (r: Role) => <Tag color={r === 'admin' ? 'gold' : 'blue'}>{t(`role.${r}`)}</Tag>,
      filters: roleOptions.map((o) => ({ text: o.label, value: o.value })),
      onFilter: (value, u) => u.role === value,
    },
    { title: t('users.region'), dataIndex: 'regionId', render: (id: string) => regionName(regions, id) },
    { title: t('users.department'), dataIndex: 'departmentId', render: departmentName },
    {
      title: t('users.status'),
      dataIndex: 'disabled',
      width: 100,
      render: (disabled: boolean) => (disabled ? <Tag color="red">{t('users.disabled')}</Tag> : <Tag color="green">{t('users.active')}</Tag>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, u) => (
        <Button type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'edit', user: u })} data-testid={`user-edit-${u.username}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  const save = async (v: UserForm) => {
    const username = editing?.mode === 'edit' ? editing.user.username : v.username.trim();
    const displayName = v.displayName?.trim();
    await api.put(`/api/v1/users/${seg(username)}`, {
      role: v.role,
      region: v.region,
      disabled: !!v.disabled,
      department: v.department ?? null,
      displayName: displayName || null,
      ...(v.password ? { password: v.password } : {}),
    });
    void message.success(t('common.saved'));
    setEditing(null);
    list.reload();
  };

  const u = editing?.mode === 'edit' ? editing.user : undefined;
  return (
    <Page
      title={t('users.title')}
      testId="page-admin-users"
      extra={
        <>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={`${t('users.username')} / ${t('users.displayName')}`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ width: 260 }}
            data-testid="users-search"
          />
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="users-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create' })} data-testid="users-create">
            {t('users.create')}
          </Button>
        </>
      }
    >
      <LoadError error={list.error} onRetry={list.reload} testId="users-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<User>
          rowKey="username"
          columns={columns}
          dataSource={shown}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(r) => testId(`user-row-${r.username}`)}
          data-testid="users-table"
        />
      </Card>
      <FormModal<UserForm>
        open={editing !== null}
        title={u ? t('users.edit') : t('users.create')}
        testId="user-form"
        initialValues={
          u
            ? { username: u.username, displayName: u.displayName ?? undefined, role: u.role, region: u.regionId, department: u.departmentId ?? undefined, disabled: u.disabled }
            : { disabled: false }
        }
        onCancel={() => setEditing(null)}
        onSubmit={save}
      >
        <Form.Item
          label={t('users.username')}
          name="username"
          rules={u ? [] : [
            rules.required(t, t('users.username')),
            rules.min(t, t('users.username'), limits.usernameMin),
            rules.max(t, t('users.username'), limits.usernameMax),
            rules.username(t, t('users.username'), limits.usernamePattern),
            rules.unused(t, t('users.username'), (name) => (list.data ?? []).some((x) => x.username === name)),
          ]}
        >
          <Input disabled={!!u} autoFocus={!u} autoComplete="off" data-testid="user-form-username" />
        </Form.Item>
        <Form.Item
          label={t('users.displayName')}
          name="displayName"
          rules={[rules.max(t, t('users.displayName'), limits.displayNameMax), rules.trimmed(t, t('users.displayName'))]}
        >
          <Input autoComplete="off" data-testid="user-form-display-name" />
        </Form.Item>
        <Form.Item
          label={t('users.password')}
          name="password"
          extra={u ? t('users.passwordKeep') : undefined}
          rules={[
            ...(u ? [] : [rules.required(t, t('users.password'))]),
            rules.min(t, t('users.password'), limits.passwordMin),
            rules.max(t, t('users.password'), limits.passwordMax),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-form-password" />
        </Form.Item>
        <Form.Item label={t('users.role')} name="role" rules={[rules.requiredChoice(t, t('users.role'))]}>
          <Select options={roleOptions} data-testid="user-form-role" />
        </Form.Item>
        <RegionAndDepartment regionOptions={regionOptions} departments={departments.data ?? []} />
        <Form.Item name="disabled" valuePropName="checked" label={t('users.disable')}>
          <Switch checkedChildren={t('users.disabled')} unCheckedChildren={t('users.active')} data-testid="user-form-disabled" />
        </Form.Item>
      </FormModal>
    </Page>
  );
}

/** Region, then a department of that region (choosing another region clears the department). */
function RegionAndDepartment({ regionOptions, departments }: { regionOptions: { value: string; label: string }[]; departments: Department[] }) {
  const t = useT();
  const form = Form.useFormInstance<UserForm>();
  const region = Form.useWatch('region', form);
  const departmentOptions = departments
    .filter((d) => d.regionId === region)
    .map((d) => ({ value: d.id, label: `${d.name} · ${t(`deptKind.${d.kind}`)}` }));
  return (
    <>
      <Form.Item label={t('users.region')} name="region" rules={[rules.requiredChoice(t, t('users.region'))]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          options={regionOptions}
          onChange={() => form.setFieldValue('department', undefined)}
          data-testid="user-form-region"
        />
      </Form.Item>
      <Form.Item label={t('users.department')} name="department">
        <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={departmentOptions} disabled={!region} data-testid="user-form-department" />
      </Form.Item>
    </>
  );
}
