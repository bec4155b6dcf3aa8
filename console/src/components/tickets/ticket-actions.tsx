import { cloneElement, useState, type ReactElement, type ReactNode } from 'react';
import { Button, Dropdown, Flex, Space, type MenuProps } from 'antd';
import {
  AimOutlined, CheckCircleOutlined, CommentOutlined, DownOutlined, EditOutlined, PhoneOutlined, RiseOutlined,
  RollbackOutlined, SendOutlined, ShareAltOutlined, SmileOutlined, SolutionOutlined, StopOutlined,
} from '@ant-design/icons';
import { useT, type MessageKey } from '../../i18n';
import { useMe } from '../../session';
import type { StepAnswer, Ticket } from '../../types';
import { availableSteps, type StepType } from './workflow';
import { StepModal, type StepValues } from './step-modal';

export const STEP_ICONS: Record<StepType, ReactNode> = {
  resolved_at_intake: <CheckCircleOutlined />,
  dispatched: <SendOutlined />,
  triaged: <AimOutlined />,
  forwarded: <ShareAltOutlined />,
  escalated: <RiseOutlined />,
  department_replied: <SolutionOutlined />,
  noc_replied: <SolutionOutlined />,
  customer_contacted: <PhoneOutlined />,
  followed_up: <SmileOutlined />,
  closed: <StopOutlined />,
  reopened: <RollbackOutlined />,
  noted: <EditOutlined />,
};

/**
 * A click-opened antd Dropdown that mounts on the first click: a queue page shows up to 50 rows,
 * each with its menu of steps, and 50 idle Dropdowns (trigger, portal, motion) cost a good part
 * of the table's first render. Until then the button alone; the first click mounts the Dropdown
 * open, and from then on it is an ordinary one.
 */
function LazyDropdown({ menu, children }: { menu: MenuProps; children: ReactElement<{ onClick?: () => void }> }) {
  const [open, setOpen] = useState<boolean | null>(null);
  if (open === null) return cloneElement(children, { onClick: () => setOpen(true) });
  return (
    <Dropdown menu={menu} trigger={['click']} open={open} onOpenChange={setOpen}>
      {children}
    </Dropdown>
  );
}

/** Which open step is the one the ticket waits for: shown as the primary button. */
function primaryStep(steps: StepType[], ticket: Ticket): StepType | undefined {
  const order: StepType[] = ticket.status === 'new'
    ? ['dispatched']
    : ticket.status === 'dispatched'
      ? ['triaged']
      : ['department_replied', 'noc_replied', 'customer_contacted', 'followed_up', 'closed'];
  return order.find((s) => steps.includes(s));
}

/** Steps that are rarely the point: kept in the "more" menu (re-grading after triage, notes, reopening). */
function minor(s: StepType, ticket: Ticket): boolean {
  return s === 'noted' || s === 'reopened' || (s === 'triaged' && ticket.status !== 'dispatched');
}

/**
 * The steps the signed-in user may take on the ticket now (the console's copy of the server's
 * rules), as buttons; each opens its form. Noting and reopening sit in a "more" menu when there
 * are several buttons. Shows nothing for a read-only viewer.
 */
export function TicketActions({ ticket, onDone, onStale, size = 'middle', compact = false }: {
  ticket: Ticket;
  onDone: (answer: StepAnswer) => void;
  /** the server said the ticket changed meanwhile: load it again */
  onStale?: () => void;
  size?: 'small' | 'middle';
  /** queues: the primary step as a button, the others in a menu */
  compact?: boolean;
}) {
  const t = useT();
  const me = useMe();
  const [open, setOpen] = useState<StepType | null>(null);
  const [preset, setPreset] = useState<StepValues | undefined>(undefined);
  // the form mounts on the first step taken, and then stays for its closing animation: a queue
  // page shows up to 50 rows, and 50 closed forms (antd Form, Modal) cost as much as the table
  const [used, setUsed] = useState(false);
  const steps = availableSteps(ticket, { role: me.user.role, departmentId: me.user.departmentId });
  if (steps.length === 0) return null;

  const primary = primaryStep(steps, ticket);
  const start = (type: StepType, values?: StepValues) => {
    setPreset(values);
    setOpen(type);
    setUsed(true);
  };
  const label = (s: StepType) => (s === 'triaged' && ticket.status !== 'dispatched' ? t('step.triaged.again') : t(`step.${s}` as MessageKey));
  const secondary = steps.filter((s) => s !== primary);
  const inMenu = compact ? secondary : secondary.filter((s) => minor(s, ticket));
  const asButtons = compact ? [] : secondary.filter((s) => !inMenu.includes(s));
  const menu: MenuProps = {
    items: inMenu.map((s) => ({ key: s, icon: STEP_ICONS[s], label: <span data-testid={`action-${s}`}>{label(s)}</span> })),
    onClick: ({ key }) => start(key as StepType),
  };

  const modal = used && (
    <StepModal
      ticket={ticket}
      type={open}
      preset={preset}
      onClose={() => setOpen(null)}
      onStale={onStale}
      onDone={(answer) => {
        setOpen(null);
        onDone(answer);
      }}
    />
  );

  if (compact) {
    // queues: one line per row — the step the ticket waits for, the others behind the arrow
    return (
      <>
        <Space.Compact size={size} data-testid="ticket-actions">
          {primary && (
            <Button type="primary" icon={STEP_ICONS[primary]} onClick={() => start(primary)} data-testid={`action-${primary}`}>
              {label(primary)}
            </Button>
          )}
          {inMenu.length > 0 && (
            <LazyDropdown menu={menu}>
              <Button data-testid="action-more" aria-label={t('step.more')}>
                {primary ? <DownOutlined /> : <>{t('step.steps')} <DownOutlined /></>}
              </Button>
            </LazyDropdown>
          )}
        </Space.Compact>
        {modal}
      </>
    );
  }

  return (
    <>
      <Flex gap={8} wrap data-testid="ticket-actions">
        {primary && (
          <Button type="primary" size={size} icon={STEP_ICONS[primary]} onClick={() => start(primary)} data-testid={`action-${primary}`}>
            {label(primary)}
          </Button>
        )}
        {asButtons.map((s) => (
          <Button key={s} size={size} icon={STEP_ICONS[s]} onClick={() => start(s)} data-testid={`action-${s}`}>
            {label(s)}
          </Button>
        ))}
        {inMenu.length > 0 && (
          <Dropdown menu={menu} trigger={['click']}>
            <Button size={size} icon={<CommentOutlined />} data-testid="action-more">
              {t('step.more')} <DownOutlined />
            </Button>
          </Dropdown>
        )}
      </Flex>
      {modal}
    </>
  );
}
