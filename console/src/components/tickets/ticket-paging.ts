// The request of one page of tickets, shared by useTicketList and early.ts (which sends the opened
// list's first request before the console runs): no React or antd here.
import { withQuery, type Query } from '../../query';

/** The server's largest page of tickets (server/src/tickets/schemas.ts ListQuery). */
export const TICKET_PAGE_MAX = 200;

/** Tickets per page of a list the server pages (the tickets list, overdue). */
export const TICKET_LIST_PAGE = 50;

/** The page size useTicketList asks for: whole queues in the largest pages, lists page by page. */
export function ticketPageSize(all: boolean): number {
  return all ? TICKET_PAGE_MAX : TICKET_LIST_PAGE;
}

/** `GET /api/v1/tickets` for one page of `query`. */
export function ticketPageUrl(query: Query, pageSize: number, cursor: string | null = null): string {
  return withQuery('/api/v1/tickets', { ...query, limit: pageSize, cursor });
}
