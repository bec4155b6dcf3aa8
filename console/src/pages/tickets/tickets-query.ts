// The tickets list's filters and the query they make: a module of its own, without React or antd,
// so that early.ts can send the list's request before the console runs.

/** The filters of the list, all in the address (so a search can be shared and survives reload). */
export const FILTERS = ['q', 'status', 'grade', 'clock', 'category', 'region', 'department', 'hotspot', 'order'] as const;
export type Filter = (typeof FILTERS)[number];

/** A phone number or ticket id as the server accepts them in `q`. */
const QUERY_PATTERN = /^(\+?\d{5,15}|\d{1,12})$/;

/** The filters in the address, '' where absent. */
export function ticketFilters(params: URLSearchParams): Record<Filter, string> {
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>;
}

/** The search `q` as the server accepts it, and whether what was typed is no id or phone number. */
export function ticketSearch(filters: Record<Filter, string>): { q: string; bad: boolean } {
  const q = filters.q.trim().replace(/[\s-]/g, '');
  return { q, bad: q !== '' && !QUERY_PATTERN.test(q) };
}

/** `GET /api/v1/tickets` parameters for the filters (a malformed search or hotspot is left out). */
export function ticketsQuery(filters: Record<Filter, string>): Record<Filter, string | undefined> {
  const { q, bad } = ticketSearch(filters);
  return {
    q: bad ? undefined : q,
    status: filters.status,
    grade: filters.grade,
    clock: filters.clock,
    category: filters.category,
    region: filters.region,
    department: filters.department,
    hotspot: /^[1-9]\d{0,11}$/.test(filters.hotspot) ? filters.hotspot : '',
    order: filters.order || 'newest',
  };
}
