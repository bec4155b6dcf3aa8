import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Page } from '../../api';
import type { AppNotification } from '../../types';
import { takeEarlyData } from '../../early';
import { UNREAD_URL } from '../../early-requests';

/** How often the bell asks for unread notifications (and at once when the tab becomes visible). */
const POLL_MS = 30_000;
const listeners = new Set<() => void>();

/** Tells every bell to ask again (after notifications were marked read elsewhere). */
export function notificationsChanged(): void {
  for (const l of listeners) l();
}

/** Marks one notification read (`POST /api/v1/notifications/{id}/read`). */
export async function markRead(id: number): Promise<void> {
  await api.post<void>(`/api/v1/notifications/${id}/read`);
}

/**
 * The newest unread notifications (up to 50; `more` when there are others), polled every 30 s
 * while the page is visible. A failed poll keeps the last answer: the bell is not worth an error.
 */
export function useUnread(): { items: AppNotification[]; more: boolean; loaded: boolean; reload: () => void } {
  // the first answer may be here already (early.ts): then the first render shows it
  const [early] = useState(() => takeEarlyData<Page<AppNotification>>(UNREAD_URL));
  const [state, setState] = useState<{ items: AppNotification[]; more: boolean; loaded: boolean }>(() =>
    early ? { items: early.items, more: early.nextCursor !== null, loaded: true } : { items: [], more: false, loaded: false });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const skipFirst = useRef(!!early);

  useEffect(() => {
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    let live = true;
    api.get<Page<AppNotification>>(UNREAD_URL).then(
      (p) => live && setState({ items: p.items, more: p.nextCursor !== null, loaded: true }),
      () => live && setState((s) => ({ ...s, loaded: true })),
    );
    return () => {
      live = false;
    };
  }, [generation]);

  useEffect(() => {
    listeners.add(reload);
    const timer = setInterval(() => document.visibilityState === 'visible' && reload(), POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && reload();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      listeners.delete(reload);
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [reload]);

  return { ...state, reload };
}
