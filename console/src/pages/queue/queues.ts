// The queue tabs of each role: what the queue page asks the server for. A module of its own,
// without React or antd, so that early.ts can send the opened tab's request before the console runs.
import type { MessageKey } from '../../i18n';
import type { Me, Ticket } from '../../types';
import type { TicketColumn } from '../../components/tickets/ticket-table';

/** One tab of a queue: what to ask the server, and which of the answer to keep. */
export interface QueueTab {
  key: string;
  label: MessageKey;
  query: Record<string, string | undefined>;
  keep?: (t: Ticket) => boolean;
  columns: TicketColumn[];
}

const WORK_COLUMNS: TicketColumn[] = ['id', 'due', 'status', 'grade', 'category', 'customer', 'place'];

/**
 * The work queues of DESIGN §9, per role: the agent's customer-contact and follow-up queues,
 * the NOC's incoming queue and the tickets it has out with departments, a department's queue
 * (handler, expert), and the supervisor's view of everything open with the load per department.
 */
export function queuesOf(me: Me): QueueTab[] {
  const dept = me.user.departmentId ?? undefined;
  switch (me.user.role) {
    case 'agent':
      return [
        { key: 'reply', label: 'queue.agentReply', query: { status: 'replied' }, columns: WORK_COLUMNS },
        { key: 'followUp', label: 'queue.agentFollowUp', query: { status: 'customer_replied,followed_up' }, columns: WORK_COLUMNS },
        { key: 'working', label: 'queue.agentWorking', query: { status: 'dispatched,in_progress' }, columns: [...WORK_COLUMNS.slice(0, 6), 'department'] },
      ];
    case 'noc':
      return [
        { key: 'incoming', label: 'queue.nocIncoming', query: { status: 'dispatched,in_progress', department: dept }, columns: WORK_COLUMNS },
        {
          key: 'out', label: 'queue.nocOut', query: { status: 'in_progress' },
          keep: (t) => (!dept || t.nocDepartment === dept) && t.assigneeDepartment !== t.nocDepartment,
          columns: [...WORK_COLUMNS.slice(0, 6), 'department'],
        },
      ];
    case 'handler':
    case 'expert':
      return [{ key: 'department', label: 'queue.department', query: { status: 'in_progress', department: dept }, columns: WORK_COLUMNS }];
    default:
      return [{ key: 'open', label: 'queue.allOpen', query: { status: 'open' }, columns: [...WORK_COLUMNS.slice(0, 6), 'department', 'region'] }];
  }
}

/** The tab `?tab=` names, or the first. */
export function queueTab(tabs: QueueTab[], key: string | null): QueueTab {
  return tabs.find((x) => x.key === key) ?? tabs[0]!;
}
