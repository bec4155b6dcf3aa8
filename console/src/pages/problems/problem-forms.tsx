import { Alert, DatePicker, Flex, Form, Input, Modal, Select, Switch, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { api, request, seg } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { regionName, useRegions } from '../../reference-data';
import { FormModal } from '../../components/form-modal';
import { rules } from '../../components/rules';
import { categorySelectOptions } from '../../components/tickets/categories';
import { useDepartments } from '../../components/tickets/departments';
import { RESOLUTION_CODES } from '../../types';
import { PROBLEM_LIMITS, canManage, parseIds, type CloseAnswer, type Problem, type ProblemDetail } from './problem-types';

/** Departments that may own a problem of a region: its own and those below it. */
function useOwnerOptions(region: string | undefined) {
  const t = useT();
  const departments = useDepartments();
  const regions = useRegions();
  const below = (id: string): boolean => id === region || (regions ?? []).some((r) => r.id === id && r.parentId != null && below(r.parentId));
  return (departments ?? [])
    .filter((d) => !region || below(d.regionId))
    .map((d) => ({ value: d.id, label: `${d.name} · ${t(`deptKind.${d.kind}` as MessageKey)}` }));
}

interface CreateValues {
  title: string; region: string; category?: string; ownerDepartment?: string; dueDate?: Dayjs | null;
  rootCause?: string; action?: string; ticketIds?: string[];
}

/** Opens a problem record (`POST /api/v1/problems`). */
export function CreateProblemModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (p: ProblemDetail) => void }) {
  const t = useT();
  const regions = useRegions();
  const me = useMe();
  const cities = (regions ?? []).filter((r) => r.parentId !== null);
  const mine = cities.find((r) => r.id === me.user.regionId);
  return (
    <FormModal<CreateValues>
      open={open} title={t('problems.create')} testId="problem-create" onCancel={onClose}
      initialValues={{ region: mine?.id }}
      onSubmit={async (v) => {
        const ids = parseIds(v.ticketIds);
        const p = await api.post<ProblemDetail>('/api/v1/problems', {
          title: v.title.trim(), region: v.region,
          ...(v.category ? { category: v.category } : {}),
          ...(v.ownerDepartment ? { ownerDepartment: v.ownerDepartment } : {}),
          ...(v.dueDate ? { dueDate: v.dueDate.format('YYYY-MM-DD') } : {}),
          ...(v.rootCause?.trim() ? { rootCause: v.rootCause.trim() } : {}),
          ...(v.action?.trim() ? { action: v.action.trim() } : {}),
          ...(ids.length ? { ticketIds: ids } : {}),
        });
        onCreated(p);
      }}
    >
      <Form.Item label={t('problems.titleField')} name="title" rules={[rules.required(t, t('problems.titleField')), rules.max(t, t('problems.titleField'), PROBLEM_LIMITS.titleMax)]}>
        <Input autoFocus data-testid="problem-create-title" />
      </Form.Item>
      <Form.Item label={t('problems.region')} name="region" rules={[rules.requiredChoice(t, t('problems.region'))]}>
        <Select options={cities.map((c) => ({ value: c.id, label: regionName(regions, c.id) }))} data-testid="problem-create-region" />
      </Form.Item>
      <Form.Item label={t('problems.category')} name="category">
        <Select allowClear showSearch={{ optionFilterProp: 'search' }} options={categorySelectOptions(t)} data-testid="problem-create-category" />
      </Form.Item>
      <OwnerField />
      <Form.Item label={t('problems.dueDate')} name="dueDate">
        <DatePicker style={{ width: '100%' }} data-testid="problem-create-due" />
      </Form.Item>
      <Form.Item label={t('problems.rootCause')} name="rootCause" rules={[rules.max(t, t('problems.rootCause'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Form.Item label={t('problems.action')} name="action" rules={[rules.max(t, t('problems.action'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Form.Item label={t('problems.ticketIds')} name="ticketIds" extra={t('problems.ticketIdsHint')}>
        <Select mode="tags" tokenSeparators={[',', ' ', '，']} open={false} suffixIcon={null} data-testid="problem-create-tickets" />
      </Form.Item>
    </FormModal>
  );
}

/** The owner department, among the departments of the region chosen in the same form. */
function OwnerField() {
  const t = useT();
  const form = Form.useFormInstance<{ region?: string }>();
  const region = Form.useWatch('region', form) as string | undefined;
  const options = useOwnerOptions(region);
  return (
    <Form.Item label={t('problems.owner')} name="ownerDepartment">
      <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={options} data-testid="problem-owner" />
    </Form.Item>
  );
}

interface EditValues { title?: string; ownerDepartment?: string | null; dueDate?: Dayjs | null; rootCause?: string; action?: string; status?: 'open' | 'in_progress' }

/**
 * Edits a problem record (`PATCH`). Managers change every field; the owner department's handlers
 * and experts root cause and corrective action only — the form shows just those to them.
 */
export function EditProblemModal({ problem, open, onClose, onSaved }: { problem: Problem; open: boolean; onClose: () => void; onSaved: (p: ProblemDetail) => void }) {
  const t = useT();
  const me = useMe();
  const full = canManage(me.user.role);
  const owners = useOwnerOptions(problem.region);
  const text = (v: string | undefined) => (v?.trim() ? v.trim() : null);
  return (
    <FormModal<EditValues>
      open={open} title={t('problems.edit', { id: problem.id })} testId="problem-edit" onCancel={onClose}
      initialValues={{
        title: problem.title, ownerDepartment: problem.ownerDepartment, dueDate: problem.dueDate ? dayjs(problem.dueDate) : null,
        rootCause: problem.rootCause ?? '', action: problem.action ?? '', status: problem.status === 'in_progress' ? 'in_progress' : 'open',
      }}
      onSubmit={async (v) => {
        const body: Record<string, unknown> = { rootCause: text(v.rootCause), action: text(v.action) };
        if (full) Object.assign(body, { title: v.title?.trim(), ownerDepartment: v.ownerDepartment ?? null, dueDate: v.dueDate ? v.dueDate.format('YYYY-MM-DD') : null, status: v.status });
        onSaved(await request<ProblemDetail>('PATCH', `/api/v1/problems/${seg(problem.id)}`, { body }));
      }}
    >
      {full && (
        <>
          <Form.Item label={t('problems.titleField')} name="title" rules={[rules.required(t, t('problems.titleField')), rules.max(t, t('problems.titleField'), PROBLEM_LIMITS.titleMax)]}>
            <Input data-testid="problem-edit-title" />
          </Form.Item>
          <Form.Item label={t('problems.owner')} name="ownerDepartment">
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={owners} data-testid="problem-edit-owner" />
          </Form.Item>
          <Flex gap={16}>
            <Form.Item label={t('problems.dueDate')} name="dueDate" style={{ flex: 1 }}>
              <DatePicker style={{ width: '100%' }} data-testid="problem-edit-due" />
            </Form.Item>
            <Form.Item label={t('problems.status')} name="status" style={{ flex: 1 }}>
              <Select options={(['open', 'in_progress'] as const).map((s) => ({ value: s, label: t(`problems.status.${s}`) }))} data-testid="problem-edit-status" />
            </Form.Item>
          </Flex>
        </>
      )}
      <Form.Item label={t('problems.rootCause')} name="rootCause" rules={[rules.max(t, t('problems.rootCause'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="problem-edit-root-cause" />
      </Form.Item>
      <Form.Item label={t('problems.action')} name="action" rules={[rules.max(t, t('problems.action'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="problem-edit-action" />
      </Form.Item>
    </FormModal>
  );
}

/** Links tickets by id (`POST /api/v1/problems/{id}/tickets`). */
export function LinkTicketsModal({ problem, open, onClose, onLinked }: { problem: Problem; open: boolean; onClose: () => void; onLinked: (p: ProblemDetail, linked: number[], already: number[]) => void }) {
  const t = useT();
  return (
    <FormModal<{ ticketIds: string[] }>
      open={open} title={t('problems.linkTitle', { id: problem.id })} testId="problem-link" onCancel={onClose}
      onSubmit={async (v) => {
        const ids = parseIds(v.ticketIds);
        if (ids.length === 0) throw new Error(t('problems.ticketIdsHint'));
        const r = await api.post<{ linked: number[]; alreadyLinked: number[]; problem: ProblemDetail }>(`/api/v1/problems/${seg(problem.id)}/tickets`, { ticketIds: ids.slice(0, PROBLEM_LIMITS.ticketsPerRequest) });
        onLinked(r.problem, r.linked, r.alreadyLinked);
      }}
    >
      <Form.Item label={t('problems.ticketIds')} name="ticketIds" extra={t('problems.ticketIdsHint')} rules={[rules.requiredChoice(t, t('problems.ticketIds'))]}>
        <Select mode="tags" tokenSeparators={[',', ' ', '，']} open={false} suffixIcon={null} autoFocus data-testid="problem-link-tickets" />
      </Form.Item>
    </FormModal>
  );
}

interface CloseValues { rootCause?: string; action?: string; reply: boolean; text?: string; resolution?: string }

/**
 * Closes a problem record (`POST /close`). A NOC user may send the final reply on every linked
 * ticket that can take it at the same time; the answer lists the tickets that could not.
 */
export function CloseProblemModal({ problem, open, onClose, onClosed }: { problem: Problem; open: boolean; onClose: () => void; onClosed: (a: CloseAnswer) => void }) {
  const t = useT();
  const me = useMe();
  const isNoc = me.user.role === 'noc';
  return (
    <FormModal<CloseValues>
      open={open} title={t('problems.closeTitle', { id: problem.id })} testId="problem-close" onCancel={onClose}
      initialValues={{ rootCause: problem.rootCause ?? '', action: problem.action ?? '', reply: false }}
      onSubmit={async (v) => {
        const body: Record<string, unknown> = {};
        if (v.rootCause?.trim() && v.rootCause.trim() !== problem.rootCause) body.rootCause = v.rootCause.trim();
        if (v.action?.trim() && v.action.trim() !== problem.action) body.action = v.action.trim();
        if (v.reply) body.finalReply = { text: v.text!.trim(), ...(v.resolution ? { resolution: v.resolution } : {}) };
        onClosed(await api.post<CloseAnswer>(`/api/v1/problems/${seg(problem.id)}/close`, body));
      }}
    >
      <Form.Item label={t('problems.rootCause')} name="rootCause" rules={[rules.max(t, t('problems.rootCause'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Form.Item label={t('problems.action')} name="action" rules={[rules.max(t, t('problems.action'), PROBLEM_LIMITS.textMax)]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      {isNoc
        ? <ReplyFields count={problem.ticketCount} />
        : <Typography.Text type="secondary">{t('problems.replyNocOnly')}</Typography.Text>}
    </FormModal>
  );
}

function ReplyFields({ count }: { count: number }) {
  const t = useT();
  const form = Form.useFormInstance<CloseValues>();
  const reply = Form.useWatch('reply', form) as boolean | undefined;
  return (
    <>
      <Form.Item name="reply" valuePropName="checked" label={t('problems.sendReply', { n: count })}>
        <Switch data-testid="problem-close-reply" />
      </Form.Item>
      {reply && (
        <>
          <Alert type="info" showIcon title={t('problems.replyHint')} style={{ marginBottom: 16 }} />
          <Form.Item label={t('problems.replyText')} name="text" rules={[rules.required(t, t('problems.replyText')), rules.max(t, t('problems.replyText'), PROBLEM_LIMITS.textMax)]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="problem-close-text" />
          </Form.Item>
          <Form.Item label={t('problems.resolution')} name="resolution">
            <Select allowClear options={RESOLUTION_CODES.map((r) => ({ value: r, label: t(`resolution.${r}` as MessageKey) }))} data-testid="problem-close-resolution" />
          </Form.Item>
        </>
      )}
    </>
  );
}

/** What the close did: the tickets replied on, and those that could not take the reply, with the reason. */
export function CloseResult({ answer, onClose }: { answer: CloseAnswer | null; onClose: () => void }) {
  const t = useT();
  if (!answer) return null;
  return (
    <Modal open title={t('problems.closedTitle', { id: answer.problem.id })} onOk={onClose} onCancel={onClose} cancelButtonProps={{ style: { display: 'none' } }} data-testid="problem-close-result">
      <Typography.Paragraph>{t('problems.repliedOn', { n: answer.replied.length })}</Typography.Paragraph>
      {answer.skipped.length > 0 && (
        <>
          <Typography.Paragraph type="warning">{t('problems.skippedOn', { n: answer.skipped.length })}</Typography.Paragraph>
          <ul style={{ paddingInlineStart: 20, margin: 0 }} data-testid="problem-close-skipped">
            {answer.skipped.map((s) => <li key={s.ticketId}><Link to={`/tickets/${s.ticketId}`}>#{s.ticketId}</Link> {s.reason}</li>)}
          </ul>
        </>
      )}
    </Modal>
  );
}
