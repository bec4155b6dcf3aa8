import { useState } from 'react';
import { App, Button, Card, Checkbox, Col, DatePicker, Flex, Form, Input, Row, Switch, Table, Tag, TimePicker, Tooltip, Typography, type TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, fetchAll, seg } from '../../../api';
import { useT, type MessageKey } from '../../../i18n';
import { useLoad } from '../../../hooks/use-load';
import { limits } from '../../../limits';
import { Page } from '../../../components/page';
import { FormModal } from '../../../components/form-modal';
import { LoadError } from '../../../components/load-error';
import { rules } from '../../../components/rules';
import { testId } from '../../../components/test-id';
import { WEEKDAYS, type Weekday, type WorkingCalendar } from '../../../types';
import { adminPagination } from '../table-defaults';

interface CalendarForm {
  id: string;
  timeZone: string;
  workingDays: Weekday[];
  workingHours: [Dayjs, Dayjs][];
  official: boolean;
  extraHolidays: Dayjs[];
  extraWorkdays: Dayjs[];
}

type Editing = { mode: 'create' } | { mode: 'edit'; calendar: WorkingCalendar } | null;

const DAY = 'YYYY-MM-DD';
const HM = 'HH:mm';
const hm = (s: string) => dayjs(`2000-01-01T${s}`);

/** A few dates as tags, the rest behind a tooltip. */
function Dates({ dates, colour }: { dates: string[]; colour: string }) {
  const t = useT();
  if (dates.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const sorted = [...dates].sort();
  return (
    <Tooltip title={sorted.join('、')}>
      <Flex gap={4} wrap>
        {sorted.slice(0, 3).map((d) => <Tag key={d} color={colour} style={{ marginInlineEnd: 0 }}>{d}</Tag>)}
        {sorted.length > 3 && <Tag style={{ marginInlineEnd: 0 }}>{t('calendars.moreDates', { n: sorted.length - 3 })}</Tag>}
      </Flex>
    </Tooltip>
  );
}

/**
 * Working calendars (DESIGN §5, §11 `PUT /api/v1/calendars/{id}`): working days and hours in a
 * time zone, the official Chinese public holidays and make-up working days (调休), and the
 * operator's own extra holidays and working days. SLA policies count working time in them.
 */
export default function CalendarsPage() {
  const t = useT();
  const { message } = App.useApp();
  const list = useLoad(() => fetchAll<WorkingCalendar>('/api/v1/calendars'), []);
  const [editing, setEditing] = useState<Editing>(null);

  const dayName = (d: Weekday) => t(`weekday.${d}` as MessageKey);
  const columns: TableColumnsType<WorkingCalendar> = [
    {
      title: t('calendars.id'), dataIndex: 'id', width: 150, ellipsis: true,
      render: (v: string, c) => (
        <Flex vertical gap={2}>
          <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{v}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.timeZone}</Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('calendars.workingDays'), dataIndex: 'workingDays', width: 290,
      render: (days: Weekday[]) => (
        <Flex gap={2}>
          {WEEKDAYS.map((d) => <Tag key={d} color={days.includes(d) ? 'blue' : 'default'} style={{ marginInlineEnd: 0, opacity: days.includes(d) ? 1 : 0.45 }}>{dayName(d)}</Tag>)}
        </Flex>
      ),
    },
    {
      title: t('calendars.workingHours'), dataIndex: 'workingHours', width: 120,
      render: (hours: [string, string][]) => (hours.length ? hours.map(([a, b]) => <div key={a} style={{ whiteSpace: 'nowrap' }}>{`${a}–${b}`}</div>) : '—'),
    },
    {
      title: t('calendars.official'), dataIndex: 'official', width: 110,
      render: (o: string | null) => (o === 'cn' ? <Tag color="red">{t('calendars.officialCn')}</Tag> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    { title: t('calendars.extraHolidays'), dataIndex: 'extraHolidays', width: 120, render: (d: string[]) => <Dates dates={d} colour="orange" /> },
    { title: t('calendars.extraWorkdays'), dataIndex: 'extraWorkdays', width: 120, render: (d: string[]) => <Dates dates={d} colour="green" /> },
    {
      title: t('common.actions'), key: 'actions', width: 100,
      render: (_, c) => (
        <Button type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'edit', calendar: c })} data-testid={`calendar-edit-${c.id}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  const save = async (v: CalendarForm) => {
    const id = editing?.mode === 'edit' ? editing.calendar.id : v.id.trim();
    await api.put(`/api/v1/calendars/${seg(id)}`, {
      timeZone: v.timeZone.trim(),
      workingDays: WEEKDAYS.filter((d) => (v.workingDays ?? []).includes(d)),
      workingHours: (v.workingHours ?? []).filter((r) => r?.[0] && r?.[1]).map(([a, b]) => [a.format(HM), b.format(HM)]),
      official: v.official ? 'cn' : null,
      extraHolidays: [...new Set((v.extraHolidays ?? []).map((d) => d.format(DAY)))].sort(),
      extraWorkdays: [...new Set((v.extraWorkdays ?? []).map((d) => d.format(DAY)))].sort(),
    });
    void message.success(t('common.saved'));
    setEditing(null);
    list.reload();
  };

  const c = editing?.mode === 'edit' ? editing.calendar : undefined;
  const initial: Partial<CalendarForm> = c
    ? {
        id: c.id, timeZone: c.timeZone, workingDays: c.workingDays,
        workingHours: c.workingHours.map(([a, b]) => [hm(a), hm(b)] as [Dayjs, Dayjs]),
        official: c.official === 'cn',
        extraHolidays: c.extraHolidays.map((d) => dayjs(d)), extraWorkdays: c.extraWorkdays.map((d) => dayjs(d)),
      }
    : {
        timeZone: 'Asia/Shanghai', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        workingHours: [[hm('08:30'), hm('12:00')], [hm('13:30'), hm('17:30')]], official: true, extraHolidays: [], extraWorkdays: [],
      };

  return (
    <Page
      title={t('calendars.title')}
      testId="page-admin-calendars"
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={list.reload} data-testid="calendars-refresh">{t('common.refresh')}</Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'create' })} data-testid="calendars-create">{t('calendars.create')}</Button>
        </>
      }
    >
      <Typography.Paragraph type="secondary">{t('calendars.help')}</Typography.Paragraph>
      <LoadError error={list.error} onRetry={list.reload} testId="calendars-load-error" />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<WorkingCalendar>
          rowKey="id"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.loading}
          pagination={adminPagination(t)}
          onRow={(r) => testId(`calendar-row-${r.id}`)}
          locale={{ emptyText: t('calendars.none') }}
          scroll={{ x: 1000 }}
          data-testid="calendars-table"
        />
      </Card>
      <FormModal<CalendarForm>
        open={editing !== null}
        title={c ? t('calendars.edit') : t('calendars.create')}
        testId="calendar-form"
        initialValues={initial}
        onCancel={() => setEditing(null)}
        onSubmit={save}
        width={620}
      >
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              label={t('calendars.id')}
              name="id"
              rules={c ? [] : [
                rules.required(t, t('calendars.id')),
                rules.max(t, t('calendars.id'), limits.idMax),
                rules.code(t, t('calendars.id'), limits.codePattern),
                { validator: (_r, v: string) => (v?.trim() === '24x7' ? Promise.reject(new Error(t('calendars.builtIn'))) : Promise.resolve()) },
                rules.unused(t, t('calendars.id'), (id) => (list.data ?? []).some((x) => x.id === id)),
              ]}
            >
              <Input disabled={!!c} autoFocus={!c} autoComplete="off" placeholder="office" data-testid="calendar-form-id" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('calendars.timeZone')} name="timeZone" rules={[rules.required(t, t('calendars.timeZone'))]}>
              <Input autoComplete="off" data-testid="calendar-form-tz" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('calendars.workingDays')} name="workingDays">
          <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: dayName(d) }))} data-testid="calendar-form-days" />
        </Form.Item>
        <Form.Item label={t('calendars.workingHours')} required extra={t('calendars.hoursHint')}>
          <Form.List name="workingHours">
            {(fields, { add, remove }) => (
              <Flex vertical gap={8}>
                {fields.map((f, i) => (
                  <Flex key={f.key} gap={8} align="center">
                    <Form.Item name={f.name} noStyle rules={[{ required: true, message: t('calendars.hoursRequired') }]}>
                      <TimePicker.RangePicker format={HM} minuteStep={5} order data-testid={`calendar-form-hours-${i}`} />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('calendars.removeHours')} />
                  </Flex>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} style={{ width: 200 }} data-testid="calendar-form-add-hours">
                  {t('calendars.addHours')}
                </Button>
              </Flex>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item label={t('calendars.official')} name="official" valuePropName="checked" extra={t('calendars.officialHint')}>
          <Switch checkedChildren={t('calendars.officialCn')} unCheckedChildren={t('common.none')} data-testid="calendar-form-official" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label={t('calendars.extraHolidays')} name="extraHolidays">
              <DatePicker multiple maxTagCount="responsive" style={{ width: '100%' }} format={DAY} data-testid="calendar-form-holidays" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('calendars.extraWorkdays')} name="extraWorkdays">
              <DatePicker multiple maxTagCount="responsive" style={{ width: '100%' }} format={DAY} data-testid="calendar-form-workdays" />
            </Form.Item>
          </Col>
        </Row>
      </FormModal>
    </Page>
  );
}
