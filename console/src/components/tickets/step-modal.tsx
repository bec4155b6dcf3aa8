import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Flex, Form, Input, Radio, Select, Switch, Typography } from 'antd';
import { api, ApiError, seg } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { FormModal } from '../form-modal';
import { rules } from '../rules';
import {
  RESOLUTION_CODES, type Department, type Grade, type LookupAnswer, type NetworkIssue, type StepAnswer, type Ticket,
} from '../../types';
import { allowedEscalations, allowedKinds, type StepType } from './workflow';
import { departmentName, useDepartments } from './departments';
import { ReasonTags } from './tags';

/** The longest text a step takes (server/src/tickets/schemas.ts LIMITS.textMax). */
export const TEXT_MAX = 4000;

/** Department kinds a NOC forwards to (server/src/tickets/apply-event.ts FORWARD_KINDS). */
const FORWARD_KINDS = ['maintenance', 'optimisation', 'construction', 'network_management', 'expert'];

/** The values any step form may hold; each step uses some of them. */
export interface StepValues {
  text?: string;
  networkIssueId?: number;
  department?: string;
  grade?: Grade;
  reason?: string;
  to?: 'expert' | 'supervisor' | 'province';
  kind?: 'initial' | 'progress' | 'final';
  resolution?: string;
  responded?: boolean;
  score?: number;
  comment?: string;
}

interface StepModalProps {
  /** The ticket as last loaded: its version goes out as If-Match. */
  ticket: Ticket;
  /** The step to take; null keeps the modal closed. */
  type: StepType | null;
  /** Values to start from (an issue's explanation for an answer at intake, say). */
  preset?: StepValues;
  onClose: () => void;
  /** Called with the ticket as the server answers after the step. */
  onDone: (answer: StepAnswer) => void;
  /** Called when the server refused the step because the ticket changed meanwhile (409 stale version). */
  onStale?: () => void;
}

/** Server refusals the console puts in words before the server's own reason. */
const EXPLAINED = ['stale_version', 'invalid_state', 'role_not_allowed', 'forbidden'];

/** The refusal with a sentence in the user's language in front of the server's message. */
function explained(err: unknown, t: ReturnType<typeof useT>): unknown {
  if (!(err instanceof ApiError) || !EXPLAINED.includes(err.code)) return err;
  return new ApiError(err.status, err.code, t('step.refused', { why: t(`step.refused.${err.code}` as MessageKey), message: err.message }), err.details);
}

/**
 * One workflow step as a small form: the fields of DESIGN §11's event table for `type`, sent to
 * `POST /api/v1/tickets/{id}/events` with `If-Match` on the ticket's version. A refusal (403,
 * 409 with the reason, a stale version) stays in the dialog as the server's message.
 */
export function StepModal({ ticket, type, preset, onClose, onDone, onStale }: StepModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const me = useMe();
  const viewer = { role: me.user.role, departmentId: me.user.departmentId };

  const initialValues = useMemo<StepValues>(() => {
    if (!type) return {};
    const base: StepValues = { ...preset };
    if (type === 'triaged') base.grade ??= ticket.gradeProposal ? 'important' : ticket.grade;
    if (type === 'followed_up') base.responded ??= true;
    if (type === 'department_replied' || type === 'noc_replied' || type === 'customer_contacted') {
      const kinds = allowedKinds(type, ticket, viewer);
      // the step most likely due: the final one when it is open, otherwise the first open kind
      base.kind ??= kinds.includes('final') && (type !== 'customer_contacted' || ticket.status === 'replied') ? 'final' : kinds[0];
    }
    if (type === 'escalated') base.to ??= allowedEscalations(ticket, viewer)[0];
    return base;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [type, ticket.id, ticket.version]);

  const submit = async (v: StepValues) => {
    if (!type) return;
    const body: Record<string, unknown> = { type };
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined || value === null || value === '') continue;
      body[k] = typeof value === 'string' ? value.trim() : value;
    }
    if (type === 'followed_up' && !v.responded) delete body.score;
    if (body.kind !== 'final') delete body.resolution;
    let answer: StepAnswer;
    try {
      answer = await api.post<StepAnswer>(`/api/v1/tickets/${seg(ticket.id)}/events`, body, { headers: { 'If-Match': `"${ticket.version}"` } });
    } catch (err) {
      // someone else changed the ticket: load it again, so that the next try is against the new version
      if (err instanceof ApiError && err.code === 'stale_version') onStale?.();
      throw explained(err, t);
    }
    void message.success(t('step.done', { step: t(`step.${type}` as MessageKey) }));
    onDone(answer);
  };

  return (
    <FormModal<StepValues>
      open={type !== null}
      title={type ? t(`step.${type}.title` as MessageKey, { id: ticket.id }) : ''}
      testId="step-form"
      initialValues={initialValues}
      onCancel={onClose}
      onSubmit={submit}
      submitText={type ? t(`step.${type}.submit` as MessageKey) : undefined}
      width={type === 'resolved_at_intake' || type === 'forwarded' ? 600 : 520}
    >
      {type && <StepFields type={type} ticket={ticket} />}
    </FormModal>
  );
}

/** The fields of one step. */
function StepFields({ type, ticket }: { type: StepType; ticket: Ticket }) {
  const t = useT();
  const me = useMe();
  const viewer = { role: me.user.role, departmentId: me.user.departmentId };
  const departments = useDepartments();
  const form = Form.useFormInstance<StepValues>();
  const kind = Form.useWatch('kind', form);
  const responded = Form.useWatch('responded', form);

  const textField = (label: MessageKey, required = true, rows = 4, autoFocus = true) => (
    <Form.Item
      label={t(label)}
      name="text"
      rules={[...(required ? [rules.required(t, t(label))] : []), rules.max(t, t(label), TEXT_MAX)]}
    >
      <Input.TextArea rows={rows} maxLength={TEXT_MAX} showCount autoFocus={autoFocus} data-testid="step-text" />
    </Form.Item>
  );
  const reasonField = (label: MessageKey = 'step.reason') => (
    <Form.Item label={t(label)} name="reason" rules={[rules.required(t, t(label)), rules.max(t, t(label), TEXT_MAX)]}>
      <Input.TextArea rows={3} maxLength={TEXT_MAX} showCount autoFocus data-testid="step-reason" />
    </Form.Item>
  );
  const kindField = (kinds: ('initial' | 'progress' | 'final')[]) => (
    <Form.Item label={t('step.kind')} name="kind" rules={[rules.requiredChoice(t, t('step.kind'))]}>
      <Radio.Group optionType="button" buttonStyle="solid" data-testid="step-kind">
        {kinds.map((k) => (
          <Radio.Button key={k} value={k}><span data-testid={`step-kind-${k}`}>{t(`replyKind.${k}` as MessageKey)}</span></Radio.Button>
        ))}
      </Radio.Group>
    </Form.Item>
  );
  const resolutionField = (
    <Form.Item label={t('step.resolution')} name="resolution" extra={t('step.resolutionHint')}>
      <Select
        allowClear
        options={RESOLUTION_CODES.map((r) => ({ value: r, label: t(`resolution.${r}` as MessageKey) }))}
        data-testid="step-resolution"
        placeholder={t('step.resolutionPlaceholder')}
      />
    </Form.Item>
  );

  switch (type) {
    case 'resolved_at_intake':
      return (
        <>
          <Typography.Paragraph type="secondary">{t('step.resolved_at_intake.help')}</Typography.Paragraph>
          <Form.Item name="networkIssueId" hidden><Input /></Form.Item>
          {textField('step.answerText', true, 6)}
        </>
      );
    case 'dispatched':
      return ticket.isNetwork ? (
        <Alert type="info" showIcon title={t('step.dispatched.toNoc')} data-testid="step-dispatch-noc" />
      ) : (
        <Form.Item label={t('step.department')} name="department" rules={[rules.requiredChoice(t, t('step.department'))]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            autoFocus
            options={(departments ?? []).filter((d) => d.regionId === ticket.region).map((d) => deptOption(t, d))}
            data-testid="step-department"
          />
        </Form.Item>
      );
    case 'triaged':
      return (
        <>
          {ticket.gradeProposal && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('step.triaged.proposal')}
              description={<ReasonTags reasons={ticket.gradeProposal.reasons} />}
              data-testid="step-proposal"
            />
          )}
          <Form.Item label={t('step.grade')} name="grade" rules={[rules.requiredChoice(t, t('step.grade'))]}>
            <Radio.Group optionType="button" buttonStyle="solid">
              <Radio.Button value="ordinary"><span data-testid="step-grade-ordinary">{t('grade.ordinary')}</span></Radio.Button>
              <Radio.Button value="important"><span data-testid="step-grade-important">{t('grade.important')}</span></Radio.Button>
            </Radio.Group>
          </Form.Item>
          <Typography.Text type="secondary">{t('step.triaged.help')}</Typography.Text>
        </>
      );
    case 'forwarded':
      return <ForwardFields ticket={ticket} departments={departments} reasonField={reasonField()} />;
    case 'escalated':
      return (
        <>
          <Form.Item label={t('step.escalateTo')} name="to" rules={[rules.requiredChoice(t, t('step.escalateTo'))]}>
            <Radio.Group optionType="button" buttonStyle="solid">
              {allowedEscalations(ticket, viewer).map((to) => (
                <Radio.Button key={to} value={to}><span data-testid={`step-to-${to}`}>{t(`escalateTo.${to}` as MessageKey)}</span></Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          {reasonField()}
        </>
      );
    case 'department_replied':
    case 'noc_replied':
      return (
        <>
          {type === 'noc_replied' && <Typography.Paragraph type="secondary">{t('step.noc_replied.help')}</Typography.Paragraph>}
          {kindField(allowedKinds(type, ticket, viewer))}
          {textField(type === 'noc_replied' ? 'step.replyToCentre' : 'step.replyText')}
          {kind === 'final' && resolutionField}
        </>
      );
    case 'customer_contacted':
      return (
        <>
          {kindField(allowedKinds(type, ticket, viewer))}
          {textField('step.contactText')}
        </>
      );
    case 'followed_up':
      return (
        <>
          <Form.Item label={t('step.responded')} name="responded" valuePropName="checked">
            <Switch checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} data-testid="step-responded" />
          </Form.Item>
          {responded !== false && (
            <Form.Item label={t('step.score')} name="score" rules={[rules.requiredChoice(t, t('step.score'))]} extra={t('step.scoreHint')}>
              <Radio.Group optionType="button" data-testid="step-score">
                {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
                  <Radio.Button key={n} value={n} style={{ width: 40, textAlign: 'center', paddingInline: 0 }}><span data-testid={`step-score-${n}`}>{n}</span></Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
          )}
          <Form.Item label={t('step.comment')} name="comment" rules={[rules.max(t, t('step.comment'), TEXT_MAX)]}>
            <Input.TextArea rows={3} maxLength={TEXT_MAX} showCount data-testid="step-comment" />
          </Form.Item>
        </>
      );
    case 'closed':
      return <Typography.Paragraph data-testid="step-close-confirm">{t('step.closed.help')}</Typography.Paragraph>;
    case 'reopened':
      return reasonField();
    case 'noted':
      return textField('step.noteText', true, 4);
  }
}

function deptOption(t: ReturnType<typeof useT>, d: Department) {
  return { value: d.id, label: `${d.name} · ${t(`deptKind.${d.kind}` as MessageKey)}` };
}

/**
 * Forwarding: a department of the ticket's city and the reason. Before forwarding to
 * construction the construction-plan and no-investment lists are checked (DESIGN §3 step 3): a
 * match lets the NOC reply directly with the plan or the agreed explanation.
 */
function ForwardFields({ ticket, departments, reasonField }: { ticket: Ticket; departments: Department[] | undefined; reasonField: React.ReactNode }) {
  const t = useT();
  const form = Form.useFormInstance<StepValues>();
  const department = Form.useWatch('department', form);
  const chosen = departments?.find((d) => d.id === department);
  const [plans, setPlans] = useState<NetworkIssue[] | null>(null);

  useEffect(() => {
    setPlans(null);
    if (chosen?.kind !== 'construction' || (!ticket.cellId && !ticket.location)) return;
    let live = true;
    const query = ticket.cellId ? { cellId: ticket.cellId } : { lon: ticket.location!.lon, lat: ticket.location!.lat };
    api.get<LookupAnswer>('/api/v1/network-issues/lookup', { ...query, category: ticket.category }).then(
      (r) => live && setPlans(r.issues.filter((i) => i.kind === 'construction_plan' || i.kind === 'no_investment')),
      () => live && setPlans([]),
    );
    return () => {
      live = false;
    };
  }, [chosen?.kind, ticket.cellId, ticket.location, ticket.category]);

  const options = (departments ?? [])
    .filter((d) => d.regionId === ticket.region && FORWARD_KINDS.includes(d.kind) && d.id !== ticket.assigneeDepartment)
    .map((d) => deptOption(t, d));

  return (
    <>
      <Form.Item
        label={t('step.forwardTo')}
        name="department"
        rules={[rules.requiredChoice(t, t('step.forwardTo'))]}
        extra={ticket.assigneeDepartment ? t('step.forwardFrom', { dept: departmentName(departments, ticket.assigneeDepartment) }) : undefined}
      >
        <Select showSearch={{ optionFilterProp: 'label' }} autoFocus options={options} data-testid="step-department" />
      </Form.Item>
      {plans && plans.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('step.forwarded.plansFound')}
          description={
            <Flex vertical gap={8}>
              {plans.map((p) => (
                <div key={p.id} data-testid={`plan-${p.id}`}>
                  <Typography.Text strong>{t(`issueKind.${p.kind}` as MessageKey)} · {p.title}</Typography.Text>
                  <div>{p.explanation}</div>
                </div>
              ))}
              <Typography.Text type="secondary">{t('step.forwarded.plansHint')}</Typography.Text>
            </Flex>
          }
          data-testid="step-plans"
        />
      )}
      {reasonField}
    </>
  );
}
