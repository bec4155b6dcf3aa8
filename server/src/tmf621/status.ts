/**
 * TMF621 status ↔ netcare workflow (DESIGN §3). The server owns the status: it follows the
 * workflow, and a client's status change is accepted only as the workflow step it stands for.
 */

/** TroubleTicketStatusType of the v4 specification. */
export const TMF_STATUSES = ['acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'closed', 'resolved'] as const;
export type TmfStatus = (typeof TMF_STATUSES)[number];

/**
 * The TMF status of a netcare ticket: taken in → acknowledged; at the NOC or a department →
 * inProgress; final reply given (to the complaint centre or the customer), followed up →
 * resolved; closed → closed, or cancelled when the client withdrew it.
 */
export function tmfStatusOf(status: string, withdrawn: boolean): TmfStatus {
  switch (status) {
    case 'new': return 'acknowledged';
    case 'dispatched':
    case 'in_progress': return 'inProgress';
    case 'replied':
    case 'customer_replied':
    case 'followed_up': return 'resolved';
    case 'closed': return withdrawn ? 'cancelled' : 'closed';
    default: return 'inProgress';
  }
}

/** The netcare statuses behind a TMF status (for filters); `withdrawn` says which closed ones. */
export function netcareStatusesOf(s: string): { statuses: string[]; withdrawn?: boolean } | null {
  switch (s) {
    case 'acknowledged': return { statuses: ['new'] };
    case 'inProgress': return { statuses: ['dispatched', 'in_progress'] };
    case 'resolved': return { statuses: ['replied', 'customer_replied', 'followed_up'] };
    case 'closed': return { statuses: ['closed'], withdrawn: false };
    case 'cancelled': return { statuses: ['closed'], withdrawn: true };
    default: return null;
  }
}

/** A history row as the status replay needs it. */
export interface HistoryEvent {
  id: number;
  type: string;
  at: number;
  data: Record<string, any>;
}

/** The TMF status a history event leads to, or null when it does not change the status. */
export function statusAfter(e: Pick<HistoryEvent, 'type' | 'data'>, isNetwork: boolean): TmfStatus | null {
  const final = e.data.kind === 'final';
  switch (e.type) {
    case 'created': return 'acknowledged';
    case 'dispatched':
    case 'triaged': return 'inProgress';
    case 'resolved_at_intake': return 'resolved';
    case 'noc_replied': return final ? 'resolved' : null;
    // a department's final reply on a network ticket goes back to the NOC, not to the customer
    case 'department_replied': return final && !isNetwork ? 'resolved' : null;
    case 'customer_contacted': return final ? 'resolved' : null;
    case 'followed_up': return 'resolved';
    case 'closed': return 'closed';
    case 'reopened': return 'acknowledged';
    case 'withdrawn': return 'cancelled';
    default: return null;
  }
}

export interface StatusChangeAt {
  status: TmfStatus;
  at: number;
  reason: string;
  eventId: number;
}

/** Why the status changed, in the step's own words when it has some. */
function reasonOf(e: HistoryEvent): string {
  const d = e.data;
  return typeof d.reason === 'string' ? d.reason : typeof d.text === 'string' ? d.text : e.type;
}

/**
 * Replays the history (in id order) into the TMF status changes: the `statusChange` list, and
 * the status as of any event. Events after `upToEventId` are ignored.
 */
export function replayStatus(events: HistoryEvent[], isNetwork: boolean, upToEventId = Number.MAX_SAFE_INTEGER): StatusChangeAt[] {
  const changes: StatusChangeAt[] = [];
  let current: TmfStatus | null = null;
  for (const e of events) {
    if (e.id > upToEventId) break;
    const next = statusAfter(e, isNetwork);
    if (next && next !== current) {
      changes.push({ status: next, at: e.at, reason: reasonOf(e), eventId: e.id });
      current = next;
    }
  }
  return changes;
}
