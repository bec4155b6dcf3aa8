import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, type Page, type Query } from '../../api';
import type { Ticket } from '../../types';
import { takeEarlyData } from '../../early';
import { ticketPageSize, ticketPageUrl } from './ticket-paging';

export { TICKET_PAGE_MAX } from './ticket-paging';

export interface TicketList {
  items: Ticket[];
  /** true while the rows shown do not answer the current query (first load, changed filters) */
  loading: boolean;
  /** true while the same query is loaded again (refresh button, timer); the rows stay */
  refreshing: boolean;
  error: unknown;
  more: boolean;
  loadingMore: boolean;
  reload: () => void;
  loadMore: () => void;
  /** replaces one row in place (after a step taken from the list) */
  replace: (t: Ticket) => void;
}

/**
 * `GET /api/v1/tickets` with `query`, page by page (`nextCursor`). With `all`, follows the
 * cursor up to `maxPages` pages at once: queues count and sort their whole content. A reload
 * keeps the rows on screen until the new answer replaces them; an answer that arrives after a
 * newer load started is dropped. `refreshMs` reloads on a timer (queues).
 */
export function useTicketList(query: Query, opts: { all?: boolean; maxPages?: number; pageSize?: number; refreshMs?: number } = {}): TicketList {
  const { all = false, maxPages = 5, pageSize = ticketPageSize(all), refreshMs } = opts;
  const key = JSON.stringify(query);
  // the first page may already be here, asked for before the console ran (early.ts): then the
  // first render shows it and the first load is skipped (a whole queue only when it is one page)
  const [early] = useState(() => {
    const page = takeEarlyData<Page<Ticket>>(ticketPageUrl(query, pageSize));
    return page && (!all || page.nextCursor === null) ? page : undefined;
  });
  const [items, setItems] = useState<Ticket[]>(() => early?.items ?? []);
  const [cursor, setCursor] = useState<string | null>(() => early?.nextCursor ?? null);
  const [loading, setLoading] = useState(!early);
  const [refreshing, setRefreshing] = useState(false);
  const answered = useRef<string | null>(early ? key : null);
  const skipFirst = useRef(!!early);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const current = useRef(0);

  // a layout effect, so the request leaves before the page is painted (see useLoad)
  useLayoutEffect(() => {
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    const run = ++current.current;
    if (answered.current === key) setRefreshing(true);
    else setLoading(true);
    (async () => {
      const got: Ticket[] = [];
      let next: string | null = null;
      for (let i = 0; i < (all ? maxPages : 1); i++) {
        const page: Page<Ticket> = await api.get<Page<Ticket>>(ticketPageUrl(query, pageSize, next));
        got.push(...page.items);
        next = page.nextCursor;
        if (!next) break;
      }
      return { got, next };
    })().then(
      ({ got, next }) => {
        if (run !== current.current) return;
        answered.current = key;
        setItems(got);
        setCursor(next);
        setError(null);
        setLoading(false);
        setRefreshing(false);
      },
      (e: unknown) => {
        if (run !== current.current) return;
        setError(e);
        setLoading(false);
        setRefreshing(false);
      },
    );
    // `query` is compared by value through `key`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation, all, maxPages, pageSize]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setGeneration((g) => g + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const run = current.current;
    setLoadingMore(true);
    api.get<Page<Ticket>>(ticketPageUrl(query, pageSize, cursor)).then(
      (page) => {
        if (run !== current.current) return;
        setItems((old) => [...old, ...page.items.filter((t) => !old.some((o) => o.id === t.id))]);
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (e: unknown) => {
        setError(e);
        setLoadingMore(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cursor, loadingMore, key, pageSize]);

  const replace = useCallback((t: Ticket) => setItems((old) => old.map((o) => (o.id === t.id ? t : o))), []);

  return { items, loading, refreshing, error, more: cursor !== null, loadingMore, reload, loadMore, replace };
}
