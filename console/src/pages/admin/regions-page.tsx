import { useMemo, useState } from 'react';
import { App, Button, Card, Form, Input, Select, Table, Typography, type TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, fetchAll, seg } from '../../api';
import { useT } from '../../i18n';
import { useLoad } from '../../hooks/use-load';
import { refreshReferenceData, regionName } from '../../reference-data';
import { limits } from '../../limits';
import type { Region } from '../../types';
import { Page } from '../../components/page';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { rules } from '../../components/rules';
import { testId } from '../../components/test-id';
import { adminPagination } from './table-defaults';

interface RegionForm {
  id: string;
  name: string;
  parent?: string;
}

type Editing = { mode: 'create' } | { mode: 'edit'; region: Region } | null;

/** The ids of `id` and every region below it: none of them may become its parent. */
function subtree(list: Region[], id: string): Set<string> {
  const out = new Set([id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of list) {
      if (r.parentId && out.has(r.parentId) && !out.has(r.id)) {
        out.add(r.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Regions (province → cities): list, create, rename, move (`PUT /api/v1/regions/{id}`). */
export default function RegionsPage() {
  const t = useT();
  const { message } = App.useApp();
  const list = useLoad(() => fetchAll<Region>('/api/v1/regions'), []);
  const regions = list.data ?? [];
  const [editing, setEditing] = useState<Editing>(null);

  const parentOptions = useMemo(() => {
    const excluded = editing?.mode === 'edit' ? subtree(regions, editing.region.id) : new Set<string>();
    return regions.filter((r) => !excluded.has(r.id)).map((r) => ({ value: r.id, label: `${r.name} (${r.id})` }));
  }, [regions, editing]);

  const columns: TableColumnsType<Region> = [
    { title: t('regions.id'), dataIndex: 'id', width: 200, render: (id: string) => <Typography.Text code>{id}</Typography.Text>, sorter: (a, b) => a.id.localeCompare(b.id) },
    { title: t('regions.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
    {
      title: t('regions.parent'),
      dataIndex: 'parentId',
      render: (p: string | null) => (p ? regionName(regions, p) : <Typography.Text type="secondary">{t('regions.parentNone')}</Typography.Text>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, r) => (
        <Button type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'edit', region: r })} data-testid={`region-edit-${r.id}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  const save = async (v: RegionForm) => {
    const id = editing?.mode === 'edit' ? editing.region.id : v.id.trim();
    await api.put(`/api/v1/regions/${seg(id)}`, { name: v.name.trim(), parent: v.parent ?? null });
    void message.success(t('common.saved'));
    setEditing(null);
    list.reload();
    refreshReferenceData();
  };

  return (
    <Page
      title={t('regions.title')}
      testId="page-admin-regions"
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="regions-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create' })} data-testid="regions-create">
            {t('regions.create')}
          </Button>
        </>
      }
    >
      <LoadError error={list.error} onRetry={list.reload} testId="regions-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Region>
          rowKey="id"
          columns={columns}
          dataSource={regions}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(r) => testId(`region-row-${r.id}`)}
          data-testid="regions-table"
        />
      </Card>
      <FormModal<RegionForm>
        open={editing !== null}
        title={editing?.mode === 'edit' ? t('regions.edit') : t('regions.create')}
        testId="region-form"
        initialValues={editing?.mode === 'edit' ? { id: editing.region.id, name: editing.region.name, parent: editing.region.parentId ?? undefined } : {}}
        onCancel={() => setEditing(null)}
        onSubmit={save}
      >
        <Form.Item
          label={t('regions.id')}
          name="id"
          rules={editing?.mode === 'edit' ? [] : [
            rules.required(t, t('regions.id')),
            rules.max(t, t('regions.id'), limits.idMax),
            rules.code(t, t('regions.id'), limits.codePattern),
            rules.unused(t, t('regions.id'), (id) => regions.some((r) => r.id === id)),
          ]}
        >
          <Input disabled={editing?.mode === 'edit'} autoFocus={editing?.mode !== 'edit'} data-testid="region-form-id" />
        </Form.Item>
        <Form.Item
          label={t('regions.name')}
          name="name"
          rules={[rules.required(t, t('regions.name')), rules.max(t, t('regions.name'), limits.nameMax), rules.trimmed(t, t('regions.name'))]}
        >
          <Input data-testid="region-form-name" />
        </Form.Item>
        <Form.Item label={t('regions.parent')} name="parent" extra={t('regions.parentHint')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('regions.parentNone')}
            options={parentOptions}
            data-testid="region-form-parent"
          />
        </Form.Item>
      </FormModal>
    </Page>
  );
}
