import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthorizedHandler } from './api';
import type { Area, LoginAnswer, Me } from './types';
import { forgetReferenceData, loadRegions } from './reference-data';
import { loadDepartments } from './components/tickets/departments';
import { earlyMe } from './early';

/** Where the console stands with the server's session. */
export type SessionState =
  | { status: 'loading' }
  /** `signedOut`: the user chose to leave, so the login page does not offer to come back. */
  | { status: 'anonymous'; signedOut?: boolean }
  | { status: 'unreachable'; error: ApiError }
  | { status: 'signed-in'; me: Me };

interface SessionContextValue {
  state: SessionState;
  /** Signs in with the session cookie, then loads the user and abilities; throws ApiError. */
  signIn: (username: string, password: string) => Promise<Me>;
  signOut: () => Promise<void>;
  /** Asks the server again who is signed in. */
  reload: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const loadMe = () => api.get<Me>('/api/v1/auth/me', undefined, { allowUnauthenticated: true });

/**
 * Starts loading the regions and departments every page names, together with the page's own
 * chunk and data rather than after them (the lists are cached per user; a failure shows where
 * they are used).
 */
function prefetchReferenceData(me: Me): void {
  loadRegions().catch(() => {});
  loadDepartments(me.user.username).catch(() => {});
}

/** Loads `GET /auth/me` on start and tracks sign-in, sign-out and expired sessions. */
export function SessionProvider({ children }: { children: ReactNode }) {
  // `GET /auth/me` left before the console ran (early.ts); when it has answered, the first render
  // is already signed in, and the reference data are on their way since
  const [early] = useState(earlyMe);
  const [state, setState] = useState<SessionState>(() => (early ? { status: 'signed-in', me: early } : { status: 'loading' }));

  const reload = useCallback(async () => {
    try {
      const me = await loadMe();
      prefetchReferenceData(me);
      setState({ status: 'signed-in', me });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ status: 'anonymous' });
      else setState({ status: 'unreachable', error: toApiError(err) });
    }
  }, []);

  useEffect(() => {
    if (!early) void reload();
    // A 401 anywhere means the session is gone: the route guard then shows the login page.
    setUnauthorizedHandler(() => {
      forgetReferenceData();
      setState({ status: 'anonymous' });
    });
  }, [reload, early]);

  const signIn = useCallback(async (username: string, password: string) => {
    await api.post<LoginAnswer>('/api/v1/auth/login', { username, password }, { allowUnauthenticated: true });
    const me = await loadMe();
    forgetReferenceData();
    setState({ status: 'signed-in', me });
    return me;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post<void>('/api/v1/auth/logout', undefined, { allowUnauthenticated: true });
    } finally {
      forgetReferenceData();
      setState({ status: 'anonymous', signedOut: true });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, reload }), [state, signIn, signOut, reload]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
}

/** The session state and the sign-in and sign-out actions. */
export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession needs a <SessionProvider> above it');
  return ctx;
}

/** The signed-in user's `me`; only for components under the signed-in layout. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe outside a signed-in page');
  return state.me;
}

/** True when the abilities open `area`; an area the server does not mention stays closed. */
export function canOpen(me: Me, area: Area): boolean {
  return me.abilities[area] === true;
}
