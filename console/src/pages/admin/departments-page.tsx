import { useMemo, useState } from 'react';
import { App, Button, Card, Form, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, fetchAll, seg } from '../../api';
import { useT } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { regionName, useRegions } from '../../reference-data';
import { limits } from '../../limits';
import { DEPARTMENT_KINDS, type Department, type DepartmentKind } from '../../types';
import { Page } from '../../components/page';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { rules } from '../../components/rules';
import { testId } from '../../components/test-id';
import { adminPagination } from './table-defaults';

interface DepartmentForm {
  id: string;
  name: string;
  kind: DepartmentKind;
  region: string;
}

type Editing = { mode: 'create' } | { mode: 'edit'; department: Department } | null;

/** Departments of each region (DESIGN §2): list, create, edit (`PUT /api/v1/departments/{id}`). */
export default function DepartmentsPage() {
  const t = useT();
  const { message } = App.useApp();
  const regions = useRegions();
  const list = useLoad(() => fetchAll<Department>('/api/v1/departments'), []);
  const departments = list.data ?? [];
  const [editing, setEditing] = useState<Editing>(null);
  const [regionFilter, setRegionFilter] = useState<string | undefined>(undefined);

  const regionOptions = useMemo(() => (regions ?? []).map((r) => ({ value: r.id, label: `${r.name} (${r.id})` })), [regions]);
  const kindOptions = DEPARTMENT_KINDS.map((k) => ({ value: k, label: t(`deptKind.${k}`) }));
  const shown = regionFilter ? departments.filter((d) => d.regionId === regionFilter) : departments;

  const columns: TableColumnsType<Department> = [
    { title: t('departments.id'), dataIndex: 'id', width: 200, render: (id: string) => <Typography.Text code>{id}</Typography.Text>, sorter: (a, b) => a.id.localeCompare(b.id) },
    { title: t('departments.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      title: t('departments.kind'),
      dataIndex: 'kind',
      render: (k: DepartmentKind) => <Tag>{DEPARTMENT_KINDS.includes(k) ? t(`deptKind.${k}`) : k}</Tag>,
      filters: kindOptions.map((o) => ({ text: o.label, value: o.value })),
      onFilter: (value, d) => d.kind === value,
    },
    { title: t('departments.region'), dataIndex: 'regionId', render: (id: string) => regionName(regions, id) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, d) => (
        <Button type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'edit', department: d })} data-testid={`department-edit-${d.id}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  const save = async (v: DepartmentForm) => {
    const id = editing?.mode === 'edit' ? editing.department.id : v.id.trim();
    await api.put(`/api/v1/departments/${seg(id)}`, { name: v.name.trim(), kind: v.kind, region: v.region });
    void message.success(t('common.saved'));
    setEditing(null);
    list.reload();
  };

  const d = editing?.mode === 'edit' ? editing.department : undefined;
  return (
    <Page
      title={t('departments.title')}
      testId="page-admin-departments"
      extra={
        <>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('departments.region')}
            options={regionOptions}
            value={regionFilter}
            onChange={setRegionFilter}
            style={{ width: 220 }}
            data-testid="departments-region-filter"
          />
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="departments-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create' })} data-testid="departments-create">
            {t('departments.create')}
          </Button>
        </>
      }
    >
      <LoadError error={list.error} onRetry={list.reload} testId="departments-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Department>
          rowKey="id"
          columns={columns}
          dataSource={shown}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(r) => testId(`department-row-${r.id}`)}
          data-testid="departments-table"
        />
      </Card>
      <FormModal<DepartmentForm>
        open={editing !== null}
        title={d ? t('departments.edit') : t('departments.create')}
        testId="department-form"
        initialValues={d ? { id: d.id, name: d.name, kind: d.kind, region: d.regionId } : { region: regionFilter }}
        onCancel={() => setEditing(null)}
        onSubmit={save}
      >
        <Form.Item
          label={t('departments.id')}
          name="id"
          rules={d ? [] : [
            rules.required(t, t('departments.id')),
            rules.max(t, t('departments.id'), limits.idMax),
            rules.code(t, t('departments.id'), limits.codePattern),
            rules.unused(t, t('departments.id'), (id) => departments.some((x) => x.id === id)),
          ]}
        >
          <Input disabled={!!d} autoFocus={!d} data-testid="department-form-id" />
        </Form.Item>
        <Form.Item
          label={t('departments.name')}
          name="name"
          rules={[rules.required(t, t('departments.name')), rules.max(t, t('departments.name'), limits.nameMax), rules.trimmed(t, t('departments.name'))]}
        >
          <Input data-testid="department-form-name" />
        </Form.Item>
        <Form.Item label={t('departments.kind')} name="kind" rules={[rules.requiredChoice(t, t('departments.kind'))]}>
          <Select options={kindOptions} data-testid="department-form-kind" />
        </Form.Item>
        <Form.Item label={t('departments.region')} name="region" rules={[rules.requiredChoice(t, t('departments.region'))]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={regionOptions} data-testid="department-form-region" />
        </Form.Item>
      </FormModal>
    </Page>
  );
}
