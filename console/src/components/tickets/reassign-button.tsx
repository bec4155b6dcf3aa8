import { useState } from 'react';
import { App, Button, Form, Input, Select, Typography } from 'antd';
import { SwapOutlined } from '@ant-design/icons';
import { api, ApiError, seg } from '../../api';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import { FormModal } from '../form-modal';
import { rules } from '../rules';
import type { StepAnswer, Ticket } from '../../types';
import { departmentName, useDepartments } from './departments';
import { canReassign, reassignKinds } from './reassign';
import { TEXT_MAX } from './step-modal';

interface Values {
  department: string;
  reason: string;
}

/**
 * The supervisor's "reassign" (DESIGN §1): a button and a dialog that moves the ticket to another
 * department of its city that can hold it now (`POST /api/v1/tickets/{id}/assignment` with
 * If-Match). Shows nothing to other roles or when no department holds the ticket.
 */
export function ReassignButton({ ticket, onDone, onStale, size = 'middle' }: {
  ticket: Ticket;
  onDone: (answer: StepAnswer) => void;
  onStale?: () => void;
  size?: 'small' | 'middle';
}) {
  const t = useT();
  const me = useMe();
  const { message } = App.useApp();
  const departments = useDepartments();
  const [open, setOpen] = useState(false);
  if (!canReassign(me.user.role, ticket)) return null;
  const kinds = reassignKinds(ticket) ?? [];
  const options = (departments ?? [])
    .filter((d) => d.regionId === ticket.region && kinds.includes(d.kind) && d.id !== ticket.assigneeDepartment)
    .map((d) => ({ value: d.id, label: `${d.name} · ${t(`deptKind.${d.kind}` as MessageKey)}` }));

  const submit = async (v: Values) => {
    try {
      const answer = await api.post<StepAnswer>(`/api/v1/tickets/${seg(ticket.id)}/assignment`,
        { department: v.department, reason: v.reason.trim() }, { headers: { 'If-Match': `"${ticket.version}"` } });
      void message.success(t('reassign.done', { department: departmentName(departments, v.department) }));
      setOpen(false);
      onDone(answer);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale_version') onStale?.();
      throw err;
    }
  };

  return (
    <>
      <Button size={size} icon={<SwapOutlined />} onClick={() => setOpen(true)} data-testid="action-reassign">{t('reassign.button')}</Button>
      <FormModal<Values>
        open={open}
        title={t('reassign.title', { id: ticket.id })}
        testId="reassign-form"
        onCancel={() => setOpen(false)}
        onSubmit={submit}
        submitText={t('reassign.submit')}
      >
        <Typography.Paragraph type="secondary" data-testid="reassign-current">
          {t('reassign.current', { department: departmentName(departments, ticket.assigneeDepartment) || '—' })}
        </Typography.Paragraph>
        <Form.Item label={t('reassign.department')} name="department" rules={[rules.requiredChoice(t, t('reassign.department'))]} extra={t('reassign.hint')}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={options} data-testid="reassign-department" placeholder={t('reassign.departmentPlaceholder')} />
        </Form.Item>
        <Form.Item label={t('reassign.reason')} name="reason" rules={[rules.required(t, t('reassign.reason')), rules.max(t, t('reassign.reason'), TEXT_MAX)]}>
          <Input.TextArea rows={3} maxLength={TEXT_MAX} showCount data-testid="reassign-reason" />
        </Form.Item>
      </FormModal>
    </>
  );
}
