import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from '../../api';
import type { AppNotification } from '../../types';

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
  const [state, setState] = useState<{ items: AppNotification[]; more: boolean; loaded: boolean }>({ items: [], more: false, loaded: false });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let live = true;
    api.get<Page<AppNotification>>('/api/v1/notifications', { unread: true, limit: 50 }).then(
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
