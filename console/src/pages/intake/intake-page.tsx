import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  Alert, App, Button, Card, Col, DatePicker, Flex, Form, Input, InputNumber, Result, Row, Segmented, Select, Switch, Typography,
} from 'antd';
import { PlusOutlined, SendOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api, seg } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { errorText } from '../../errors';
import { regionName, useRegions } from '../../reference-data';
import { Page } from '../../components/page';
import { rules } from '../../components/rules';
import { CHANNELS, NETWORKS, type Channel, type Network, type StepAnswer, type TicketDetail } from '../../types';
import { categorySelectOptions, isNetworkCategory } from '../../components/tickets/categories';
import { StepModal, type StepValues } from '../../components/tickets/step-modal';
import { ClockChip, GradeTag, ReasonTags, StatusTag } from '../../components/tickets/tags';
import { departmentName, useDepartments } from '../../components/tickets/departments';
import type { StepType } from '../../components/tickets/workflow';
import { useDebounced } from './use-debounced';
import { PlacePanel } from './place-panel';
import { CallerPanel } from './caller-panel';

/** Intake limits (server/src/tickets/schemas.ts IntakeBody). */
const LIMITS = { descriptionMax: 4000, addressMax: 500, nameMax: 100, cellIdMax: 64, commitmentHoursMax: 24 * 90 };
/** A phone number as DESIGN §11 takes it: 5–15 digits, optionally with a leading +. */
const MSISDN = /^\+?\d{5,15}$/;
const normalisePhone = (v: string | undefined) => (v ?? '').replace(/[\s-]/g, '');

type PlaceMode = 'cell' | 'point' | 'address';

interface IntakeForm {
  msisdn: string;
  name?: string;
  vip: boolean;
  channel: Channel;
  category?: string;
  network?: Network;
  placeMode: PlaceMode;
  cellId?: string;
  lon?: number;
  lat?: number;
  address?: string;
  region?: string;
  problemAt?: Dayjs;
  description: string;
  commitmentHours?: number;
}

/**
 * The agent's intake screen (DESIGN §3 step 1): the caller, the category, the place and the
 * complaint in one keyboard-friendly form (Tab through, Ctrl+Enter saves). Beside it, while the
 * agent types, the known network issues and open hotspots at the place and the caller's recent
 * tickets. After saving: one click answers at intake with an issue's explanation, or dispatches.
 */
export default function IntakePage() {
  const t = useT();
  const me = useMe();
  const { message } = App.useApp();
  const regions = useRegions();
  const departments = useDepartments();
  const [form] = Form.useForm<IntakeForm>();
  const [saved, setSaved] = useState<TicketDetail | null>(null);
  const [done, setDone] = useState<'answered' | 'dispatched' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<{ type: StepType; preset?: StepValues } | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());
  const firstField = useRef<HTMLInputElement | null>(null);

  const cities = (regions ?? []).filter((r) => r.parentId !== null);
  const defaultRegion = cities.some((c) => c.id === me.user.regionId) ? me.user.regionId : undefined;
  const initialValues: Partial<IntakeForm> = { channel: 'hotline', vip: false, placeMode: 'cell', region: defaultRegion };
  useEffect(() => {
    // regions arrive after the first render: the user's city becomes the default then
    if (defaultRegion && !form.getFieldValue('region')) form.setFieldValue('region', defaultRegion);
  }, [defaultRegion, form]);

  const msisdn = normalisePhone(Form.useWatch('msisdn', form));
  const category = Form.useWatch('category', form);
  const placeMode = Form.useWatch('placeMode', form) ?? 'cell';
  const cellId = (Form.useWatch('cellId', form) ?? '').trim();
  const lon = Form.useWatch('lon', form);
  const lat = Form.useWatch('lat', form);
  const problemAt = Form.useWatch('problemAt', form);

  // the side panels follow the form, a moment after the agent stops typing
  const place = useDebounced(
    useMemo(() => {
      if (placeMode === 'cell' && cellId.length >= 3) return { cellId };
      if (placeMode === 'point' && typeof lon === 'number' && typeof lat === 'number') return { lon, lat };
      return null;
    }, [placeMode, cellId, lon, lat]),
    400,
  );
  const caller = useDebounced(MSISDN.test(msisdn) ? msisdn : null, 400);

  const reset = () => {
    setSaved(null);
    setDone(null);
    setError(null);
    form.resetFields();
    if (defaultRegion) form.setFieldValue('region', defaultRegion);
    idempotencyKey.current = crypto.randomUUID();
    setTimeout(() => firstField.current?.focus(), 0);
  };

  const submit = async (v: IntakeForm) => {
    setBusy('save');
    setError(null);
    const body: Record<string, unknown> = {
      channel: v.channel,
      customer: { msisdn: normalisePhone(v.msisdn), ...(v.name?.trim() ? { name: v.name.trim() } : {}), vip: !!v.vip },
      category: v.category,
      description: v.description.trim(),
    };
    if (v.network) body.network = v.network;
    if (v.placeMode === 'cell' && v.cellId?.trim()) body.cellId = v.cellId.trim();
    if (v.placeMode === 'point' && typeof v.lon === 'number' && typeof v.lat === 'number') body.location = { lon: v.lon, lat: v.lat };
    if (v.address?.trim()) body.address = v.address.trim();
    // a cell names its city; otherwise the chosen one
    if (!body.cellId && v.region) body.region = v.region;
    if (v.commitmentHours) body.commitmentHours = v.commitmentHours;
    try {
      const ticket = await api.post<TicketDetail>('/api/v1/tickets', body, { headers: { 'Idempotency-Key': idempotencyKey.current } });
      setSaved(ticket);
      void message.success(t('intake.saved', { id: ticket.id }));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  /** One click: the step goes out at once (dispatch to the NOC, answer with an issue's explanation). */
  const quickStep = async (type: StepType, values: StepValues = {}) => {
    if (!saved) return;
    setBusy(type);
    setError(null);
    try {
      const answer = await api.post<StepAnswer>(`/api/v1/tickets/${seg(saved.id)}/events`, { type, ...values }, { headers: { 'If-Match': `"${saved.version}"` } });
      afterStep(type, answer);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };
  const afterStep = (type: StepType, answer: StepAnswer) => {
    setSaved(answer.ticket);
    if (type === 'resolved_at_intake') setDone('answered');
    if (type === 'dispatched') setDone('dispatched');
    void message.success(t('step.done', { step: t(`step.${type}` as MessageKey) }));
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !saved) {
      e.preventDefault();
      form.submit();
    }
  };

  const network = isNetworkCategory(saved?.category ?? category);
  const answerWith = saved && !done ? (issue: { id: number; explanation: string }) => quickStep('resolved_at_intake', { text: issue.explanation, networkIssueId: issue.id }) : undefined;

  return (
    <Page
      title={t('intake.title')}
      testId="page-intake"
      extra={
        <Button icon={<PlusOutlined />} onClick={reset} data-testid="intake-new">{t('intake.new')}</Button>
      }
    >
      <Row gutter={16} onKeyDown={onKeyDown}>
        <Col xs={24} lg={14} xxl={15}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="intake-error" role="alert" closable={{ onClose: () => setError(null) }} />}
          {saved ? (
            <SavedTicket
              ticket={saved}
              done={done}
              busy={busy}
              network={network}
              departmentLabel={departmentName(departments, saved.assigneeDepartment)}
              onDispatch={() => (network ? quickStep('dispatched') : setStep({ type: 'dispatched' }))}
              onAnswer={() => setStep({ type: 'resolved_at_intake' })}
              onNext={reset}
            />
          ) : (
            <Card>
              <Form<IntakeForm>
                form={form}
                layout="vertical"
                initialValues={initialValues}
                onFinish={submit}
                disabled={busy !== null}
                data-testid="intake-form"
              >
                <Row gutter={12}>
                  <Col span={10}>
                    <Form.Item
                      label={t('intake.msisdn')}
                      name="msisdn"
                      rules={[
                        rules.required(t, t('intake.msisdn')),
                        { validator: (_r, v: string) => (!v || MSISDN.test(normalisePhone(v)) ? Promise.resolve() : Promise.reject(new Error(t('intake.msisdnInvalid')))) },
                      ]}
                    >
                      <Input autoFocus ref={(el) => { firstField.current = el?.input ?? null; }} inputMode="tel" autoComplete="off" placeholder="13800138000" data-testid="intake-msisdn" />
                    </Form.Item>
                  </Col>
                  <Col span={9}>
                    <Form.Item label={t('intake.name')} name="name" rules={[rules.max(t, t('intake.name'), LIMITS.nameMax)]}>
                      <Input autoComplete="off" data-testid="intake-name" />
                    </Form.Item>
                  </Col>
                  <Col span={5}>
                    <Form.Item label={t('intake.vip')} name="vip" valuePropName="checked">
                      <Switch data-testid="intake-vip" />
                    </Form.Item>
                  </Col>
                </Row>
                <Row gutter={12}>
                  <Col span={8}>
                    <Form.Item label={t('intake.channel')} name="channel" rules={[rules.requiredChoice(t, t('intake.channel'))]}>
                      <Select options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}` as MessageKey) }))} data-testid="intake-channel" />
                    </Form.Item>
                  </Col>
                  <Col span={10}>
                    <Form.Item label={t('intake.category')} name="category" rules={[rules.requiredChoice(t, t('intake.category'))]}>
                      <Select
                        showSearch={{ optionFilterProp: 'search' }}
                        options={categorySelectOptions(t)}
                        placeholder={t('intake.categoryPlaceholder')}
                        data-testid="intake-category"
                      />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item label={t('intake.network')} name="network">
                      <Select allowClear options={NETWORKS.map((n) => ({ value: n, label: n }))} data-testid="intake-network" />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item label={t('intake.place')} name="placeMode">
                  <Segmented<PlaceMode>
                    options={[
                      { value: 'cell', label: <span data-testid="intake-place-cell">{t('intake.placeCell')}</span> },
                      { value: 'point', label: <span data-testid="intake-place-point">{t('intake.placePoint')}</span> },
                      { value: 'address', label: <span data-testid="intake-place-address">{t('intake.placeAddress')}</span> },
                    ]}
                  />
                </Form.Item>
                <Row gutter={12}>
                  {placeMode === 'cell' && (
                    <Col span={10}>
                      <Form.Item label={t('intake.cellId')} name="cellId" rules={[rules.max(t, t('intake.cellId'), LIMITS.cellIdMax)]}>
                        <Input autoComplete="off" placeholder="hz-0012-1" data-testid="intake-cell" />
                      </Form.Item>
                    </Col>
                  )}
                  {placeMode === 'point' && (
                    <>
                      <Col span={5}>
                        <Form.Item label={t('intake.lon')} name="lon" rules={[{ required: true, message: t('form.required', { field: t('intake.lon') }) }]}>
                          <InputNumber min={-180} max={180} step={0.0001} style={{ width: '100%' }} data-testid="intake-lon" />
                        </Form.Item>
                      </Col>
                      <Col span={5}>
                        <Form.Item label={t('intake.lat')} name="lat" rules={[{ required: true, message: t('form.required', { field: t('intake.lat') }) }]}>
                          <InputNumber min={-90} max={90} step={0.0001} style={{ width: '100%' }} data-testid="intake-lat" />
                        </Form.Item>
                      </Col>
                    </>
                  )}
                  <Col span={placeMode === 'address' ? 16 : 8}>
                    <Form.Item
                      label={t('intake.address')}
                      name="address"
                      rules={[
                        ...(placeMode === 'address' ? [rules.required(t, t('intake.address'))] : []),
                        rules.max(t, t('intake.address'), LIMITS.addressMax),
                      ]}
                    >
                      <Input autoComplete="off" data-testid="intake-address" />
                    </Form.Item>
                  </Col>
                  <Col span={placeMode === 'address' ? 8 : 6}>
                    <Form.Item
                      label={t('intake.region')}
                      name="region"
                      tooltip={t('intake.regionHint')}
                      rules={placeMode === 'cell' ? [] : [rules.requiredChoice(t, t('intake.region'))]}
                    >
                      <Select
                        options={cities.map((c) => ({ value: c.id, label: regionName(regions, c.id) }))}
                        disabled={placeMode === 'cell' && cellId !== ''}
                        data-testid="intake-region"
                      />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.Item
                  label={t('intake.description')}
                  name="description"
                  rules={[rules.required(t, t('intake.description')), rules.max(t, t('intake.description'), LIMITS.descriptionMax)]}
                >
                  <Input.TextArea rows={4} maxLength={LIMITS.descriptionMax} showCount placeholder={t('intake.descriptionPlaceholder')} data-testid="intake-description" />
                </Form.Item>
                <Row gutter={12}>
                  <Col span={12}>
                    <Form.Item label={t('intake.problemAt')} name="problemAt" tooltip={t('intake.problemAtHint')}>
                      <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder={t('intake.problemAtNow')} data-testid="intake-problem-at" />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item label={t('intake.commitmentHours')} name="commitmentHours" tooltip={t('intake.commitmentHint')}>
                      <InputNumber
                        min={1}
                        max={LIMITS.commitmentHoursMax}
                        precision={0}
                        placeholder={t('intake.commitmentDefault')}
                        suffix={t('intake.hoursUnit')}
                        style={{ width: '100%' }}
                        data-testid="intake-commitment"
                      />
                    </Form.Item>
                  </Col>
                </Row>
                <Flex gap={8} align="center">
                  <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy === 'save'} data-testid="intake-submit">
                    {t('intake.submit')}
                  </Button>
                  <Button onClick={reset} data-testid="intake-reset">{t('common.reset')}</Button>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('intake.shortcut')}</Typography.Text>
                </Flex>
              </Form>
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10} xxl={9}>
          <div style={{ position: 'sticky', top: 72 }}>
            <PlacePanel
              place={saved ? placeOf(saved) : place}
              category={saved?.category ?? category}
              at={saved ? undefined : problemAt?.toISOString()}
              onAnswer={answerWith}
              answering={busy === 'resolved_at_intake'}
              answered={done === 'answered'}
            />
            <CallerPanel msisdn={saved ? saved.customer.msisdn : caller} exclude={saved?.id} category={saved?.category ?? category} />
          </div>
        </Col>
      </Row>
      {saved && (
        <StepModal
          ticket={saved}
          type={step?.type ?? null}
          preset={step?.preset}
          onClose={() => setStep(null)}
          onDone={(answer) => {
            const type = step?.type;
            setStep(null);
            if (type) afterStep(type, answer);
          }}
        />
      )}
    </Page>
  );
}

/** Where a saved ticket is, for the lookup: its cell, or its coordinates. */
function placeOf(t: TicketDetail): { cellId: string } | { lon: number; lat: number } | null {
  if (t.cellId) return { cellId: t.cellId };
  if (t.location) return { lon: t.location.lon, lat: t.location.lat };
  return null;
}

/** The ticket just taken in: what it is, and the two ways on (answer now, or dispatch). */
function SavedTicket({ ticket, done, busy, network, departmentLabel, onDispatch, onAnswer, onNext }: {
  ticket: TicketDetail;
  done: 'answered' | 'dispatched' | null;
  busy: string | null;
  network: boolean;
  departmentLabel: string;
  onDispatch: () => void;
  onAnswer: () => void;
  onNext: () => void;
}) {
  const t = useT();
  const clocks = ticket.clocks.filter((c) => c.round === ticket.round);
  const summary = (
    <Flex vertical gap={8} style={{ textAlign: 'start' }}>
      <Flex gap={8} align="center" wrap>
        <StatusTag status={ticket.status} />
        <GradeTag ticket={ticket} />
        {ticket.gradeProposal && <ReasonTags reasons={ticket.gradeProposal.reasons} />}
      </Flex>
      <Flex gap={8} wrap>
        {clocks.map((c) => <ClockChip key={c.clock} clock={c} />)}
      </Flex>
    </Flex>
  );
  if (done) {
    return (
      <Card>
        <Result
          status="success"
          title={
            <span data-testid="intake-done">
              {done === 'answered' ? t('intake.answered', { id: ticket.id }) : t('intake.dispatched', { id: ticket.id, dept: departmentLabel })}
            </span>
          }
          subTitle={summary}
          extra={[
            <Button type="primary" key="next" icon={<PlusOutlined />} onClick={onNext} autoFocus data-testid="intake-next">{t('intake.next')}</Button>,
            <Link key="open" to={`/tickets/${ticket.id}`}><Button data-testid="intake-open">{t('intake.openTicket')}</Button></Link>,
          ]}
        />
      </Card>
    );
  }
  return (
    <Card>
      <Result
        status="info"
        title={<span data-testid="intake-saved">{t('intake.savedTitle', { id: ticket.id })}</span>}
        subTitle={
          <Flex vertical gap={12}>
            {summary}
            <Typography.Text type="secondary">{t('intake.nextStepHint')}</Typography.Text>
          </Flex>
        }
        extra={[
          <Button key="dispatch" type="primary" icon={<SendOutlined />} onClick={onDispatch} loading={busy === 'dispatched'} autoFocus data-testid="intake-dispatch">
            {network ? t('intake.dispatchNoc') : t('intake.dispatchDept')}
          </Button>,
          <Button key="answer" onClick={onAnswer} data-testid="intake-answer">{t('intake.answerOwn')}</Button>,
          <Link key="open" to={`/tickets/${ticket.id}`}><Button data-testid="intake-open">{t('intake.openTicket')}</Button></Link>,
        ]}
      />
    </Card>
  );
}
