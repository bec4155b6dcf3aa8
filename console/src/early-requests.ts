// Which data the page the browser opened asks for first, so that early.ts can ask for it before
// the console runs. Each page builds its request with the same function, so the URLs agree; a
// page not listed here simply asks when it renders. Pure functions of small modules only.
import type { Me } from './types';
import { pageAt } from './page-routes';
import { withQuery } from './query';
import { queuesOf, queueTab } from './pages/queue/queues';
import { ticketFilters, ticketsQuery } from './pages/tickets/tickets-query';
import { ticketPageSize, ticketPageUrl } from './components/tickets/ticket-paging';

/** The unread notifications the top bar's bell shows on every page (components/notifications/unread.ts). */
export const UNREAD_URL = withQuery('/api/v1/notifications', { unread: true, limit: 50 });

/** The GET requests the page at `location` sends on its first render, for `me`. */
export function earlyRequests(location: { pathname: string; search: string }, me: Me): string[] {
  const params = new URLSearchParams(location.search);
  const page = pageAt(location.pathname);
  const can = (area: string) => me.abilities[area] === true;
  const urls = [UNREAD_URL];
  if (page === 'queue' && can('queue')) {
    urls.push(ticketPageUrl(queueTab(queuesOf(me), params.get('tab')).query, ticketPageSize(true)));
  } else if (page === 'tickets' && can('tickets')) {
    urls.push(ticketPageUrl(ticketsQuery(ticketFilters(params)), ticketPageSize(false)));
  } else if (page === 'overdue' && can('tickets')) {
    urls.push(ticketPageUrl({ clock: 'breached' }, ticketPageSize(true)), ticketPageUrl({ clock: 'warned' }, ticketPageSize(true)));
  }
  return urls;
}
