import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Flex, Form, Input, InputNumber, Popconfirm, Radio, Row, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, fetchAll, seg } from '../../../api';
import { useT, type MessageKey, type Translate } from '../../../i18n';
import { useLoad } from '../../../hooks/use-load';
import { useShowError } from '../../../errors';
import { limits } from '../../../limits';
import { Page } from '../../../components/page';
import { FormModal } from '../../../components/form-modal';
import { LoadError } from '../../../components/load-error';
import { rules } from '../../../components/rules';
import { buttonTestId, testId } from '../../../components/test-id';
import { CLOCK_NAMES, GRADES, type ClockName, type Grade, type SlaPolicy, type WorkingCalendar } from '../../../types';
import { categoryPath, categorySelectOptions } from '../../../components/tickets/categories';
import { formatSpan } from '../../../components/tickets/time';
import { adminPagination } from '../table-defaults';
import { hoursToIso, msToHours, parseIsoDuration } from './duration';

/** The built-in time limits of DESIGN §5, used when no policy matches (server/src/clocks/plan-clock.ts). */
const FALLBACK_HOURS: Record<ClockName, Record<Grade, number>> = {
  commitment: { ordinary: 48, important: 24 },
  triage: { ordinary: 2, important: 0.5 },
  initial_reply: { ordinary: 24, important: 4 },
  resolution: { ordinary: 72, important: 24 },
  follow_up: { ordinary: 72, important: 24 },
};

const ALL = '*';

interface PolicyForm {
  id: string;
  category: string;
  grade: Grade;
  clock: ClockName;
  hours?: number;
  duration: string;
  calendar: string;
}

type Editing = { mode: 'create' } | { mode: 'edit'; policy: SlaPolicy } | null;

/** A duration in words ("4小时", "1天") with its ISO form. */
function durationText(t: Translate, iso: string): string {
  const ms = parseIsoDuration(iso);
  return ms === null ? iso : formatSpan(ms, t, { days: false });
}

/**
 * SLA policies (DESIGN §5, §11 `PUT /api/v1/sla-policies/{id}`): the time limit of each clock per
 * category and grade, round the clock or in a working calendar. A policy with a category wins
 * over one without; the §5 table applies when none matches.
 */
export default function SlaPoliciesPage() {
  const t = useT();
  const { message } = App.useApp();
  const showError = useShowError();
  const list = useLoad(() => fetchAll<SlaPolicy>('/api/v1/sla-policies'), []);
  const calendars = useLoad(() => fetchAll<WorkingCalendar>('/api/v1/calendars'), []);
  const [editing, setEditing] = useState<Editing>(null);

  const calendarLabel = (id: string) => (id === '24x7' ? t('calendars.roundTheClock') : id);
  const calendarOptions = useMemo(
    () => [{ value: '24x7', label: t('calendars.roundTheClock') }, ...(calendars.data ?? []).map((c) => ({ value: c.id, label: c.id }))],
    [calendars.data, t],
  );

  const columns: TableColumnsType<SlaPolicy> = [
    { title: t('sla.id'), dataIndex: 'id', width: 190, ellipsis: true, render: (v: string) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{v}</Typography.Text>, sorter: (a, b) => a.id.localeCompare(b.id) },
    {
      title: t('sla.category'), dataIndex: 'category',
      render: (c: string | null) => (c ? categoryPath(t, c) : <Tag>{t('sla.allCategories')}</Tag>),
    },
    {
      title: t('sla.grade'), dataIndex: 'grade', width: 100,
      render: (g: Grade) => <Tag color={g === 'important' ? 'red' : 'default'}>{t(`grade.${g}` as MessageKey)}</Tag>,
      filters: GRADES.map((g) => ({ text: t(`grade.${g}` as MessageKey), value: g })),
      onFilter: (v, p) => p.grade === v,
    },
    {
      title: t('sla.clock'), dataIndex: 'clock', width: 120,
      render: (c: ClockName) => t(`clock.${c}` as MessageKey),
      filters: CLOCK_NAMES.map((c) => ({ text: t(`clock.${c}` as MessageKey), value: c })),
      onFilter: (v, p) => p.clock === v,
    },
    {
      title: t('sla.duration'), dataIndex: 'duration', width: 170,
      render: (d: string) => (
        <Flex gap={8} align="center">
          <span>{durationText(t, d)}</span>
          <Typography.Text type="secondary" code style={{ fontSize: 12 }}>{d}</Typography.Text>
        </Flex>
      ),
    },
    { title: t('sla.calendar'), dataIndex: 'calendar', width: 160, render: calendarLabel },
    {
      title: t('common.actions'), key: 'actions', width: 170,
      render: (_, p) => (
        <Flex gap={0}>
          <Button type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'edit', policy: p })} data-testid={`sla-edit-${p.id}`}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('sla.deleteConfirm', { id: p.id })}
            okText={t('sla.delete')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, ...buttonTestId(`sla-delete-${p.id}-ok`) }}
            onConfirm={async () => {
              try {
                await api.del(`/api/v1/sla-policies/${seg(p.id)}`);
                void message.success(t('sla.deleted'));
              } catch (err) {
                showError(err);
              }
              list.reload();
            }}
          >
            <Button type="link" danger icon={<DeleteOutlined />} data-testid={`sla-delete-${p.id}`}>{t('sla.delete')}</Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  const save = async (v: PolicyForm) => {
    const id = editing?.mode === 'edit' ? editing.policy.id : v.id.trim();
    await api.put(`/api/v1/sla-policies/${seg(id)}`, {
      category: v.category === ALL ? null : v.category,
      grade: v.grade,
      clock: v.clock,
      duration: v.duration.trim(),
      calendar: v.calendar,
    });
    void message.success(t('common.saved'));
    setEditing(null);
    list.reload();
  };

  const p = editing?.mode === 'edit' ? editing.policy : undefined;
  const initial: Partial<PolicyForm> = p
    ? { id: p.id, category: p.category ?? ALL, grade: p.grade, clock: p.clock, duration: p.duration, hours: msToHours(parseIsoDuration(p.duration) ?? 0), calendar: p.calendar }
    : { category: ALL, grade: 'ordinary', clock: 'initial_reply', calendar: '24x7' };

  return (
    <Page
      title={t('sla.title')}
      testId="page-admin-sla"
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="sla-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create' })} data-testid="sla-create">{t('sla.create')}</Button>
        </>
      }
    >
      <LoadError error={list.error} onRetry={list.reload} testId="sla-load-error" />
      <Card styles={{ body: { padding: 0 } }} style={{ marginBottom: 16 }}>
        <Table<SlaPolicy>
          rowKey="id"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(r) => testId(`sla-row-${r.id}`)}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('sla.none') }}
          data-testid="sla-table"
        />
      </Card>
      <Fallback />
      <FormModal<PolicyForm>
        open={editing !== null}
        title={p ? t('sla.edit') : t('sla.create')}
        testId="sla-form"
        initialValues={initial}
        onCancel={() => setEditing(null)}
        onSubmit={save}
        width={560}
      >
        <Form.Item
          label={t('sla.id')}
          name="id"
          rules={p ? [] : [
            rules.required(t, t('sla.id')),
            rules.max(t, t('sla.id'), limits.idMax),
            rules.code(t, t('sla.id'), limits.codePattern),
            rules.unused(t, t('sla.id'), (id) => (list.data ?? []).some((x) => x.id === id)),
          ]}
        >
          <Input disabled={!!p} autoFocus={!p} autoComplete="off" placeholder="important-initial" data-testid="sla-form-id" />
        </Form.Item>
        <Form.Item label={t('sla.category')} name="category" extra={t('sla.categoryHint')}>
          <Select
            showSearch={{ optionFilterProp: 'search' }}
            options={[{ label: t('sla.allCategories'), value: ALL, search: t('sla.allCategories') }, ...categorySelectOptions(t)]}
            data-testid="sla-form-category"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label={t('sla.grade')} name="grade" rules={[rules.requiredChoice(t, t('sla.grade'))]}>
              <Radio.Group optionType="button" buttonStyle="solid">
                {GRADES.map((g) => <Radio.Button key={g} value={g}><span data-testid={`sla-form-grade-${g}`}>{t(`grade.${g}` as MessageKey)}</span></Radio.Button>)}
              </Radio.Group>
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('sla.clock')} name="clock" rules={[rules.requiredChoice(t, t('sla.clock'))]}>
              <Select options={CLOCK_NAMES.map((c) => ({ value: c, label: t(`clock.${c}` as MessageKey) }))} data-testid="sla-form-clock" />
            </Form.Item>
          </Col>
        </Row>
        <DurationFields />
        <Form.Item label={t('sla.calendar')} name="calendar" rules={[rules.requiredChoice(t, t('sla.calendar'))]} extra={t('sla.calendarHint')}>
          <Select options={calendarOptions} data-testid="sla-form-calendar" />
        </Form.Item>
      </FormModal>
    </Page>
  );
}

/** Hours for people, ISO 8601 for the API: typing either fills the other. */
function DurationFields() {
  const t = useT();
  const form = Form.useFormInstance<PolicyForm>();
  return (
    <Row gutter={12}>
      <Col span={10}>
        <Form.Item label={t('sla.hours')} name="hours">
          <InputNumber
            min={0.01}
            max={24 * 366}
            step={0.5}
            style={{ width: '100%' }}
            suffix={t('intake.hoursUnit')}
            onChange={(h) => {
              if (typeof h === 'number' && h > 0) form.setFieldValue('duration', hoursToIso(h));
            }}
            data-testid="sla-form-hours"
          />
        </Form.Item>
      </Col>
      <Col span={14}>
        <Form.Item
          label={t('sla.iso')}
          name="duration"
          extra={t('sla.isoHint')}
          rules={[
            rules.required(t, t('sla.iso')),
            { validator: (_r, v: string) => (!v || parseIsoDuration(v) ? Promise.resolve() : Promise.reject(new Error(t('sla.isoInvalid')))) },
          ]}
        >
          <Input
            autoComplete="off"
            placeholder="PT4H"
            onChange={(e) => {
              const ms = parseIsoDuration(e.target.value);
              if (ms) form.setFieldValue('hours', msToHours(ms));
            }}
            data-testid="sla-form-duration"
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

/** The §5 table: what applies when no policy matches. */
function Fallback() {
  const t = useT();
  const rows = CLOCK_NAMES.map((c) => ({ clock: c, ...FALLBACK_HOURS[c] }));
  return (
    <Card size="small" title={t('sla.fallback')} data-testid="sla-fallback">
      <Typography.Paragraph type="secondary">{t('sla.fallbackHelp')}</Typography.Paragraph>
      <Table
        rowKey="clock"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('sla.clock'), dataIndex: 'clock', render: (c: ClockName) => t(`clock.${c}` as MessageKey) },
          { title: t('grade.ordinary'), dataIndex: 'ordinary', render: (h: number) => formatSpan(h * 3_600_000, t, { days: false }) },
          { title: t('grade.important'), dataIndex: 'important', render: (h: number) => formatSpan(h * 3_600_000, t, { days: false }) },
          { title: t('sla.calendar'), key: 'calendar', render: () => t('calendars.roundTheClock') },
        ]}
      />
    </Card>
  );
}
