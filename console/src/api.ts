import { currentLang } from './i18n';
import { withQuery, type Query } from './query';
import { apiHeaders, takeEarly, type RawAnswer } from './early';

/**
 * An error answered by the server (`{ code, message, details }` with a 4xx or 5xx status),
 * or a failure to reach it (`status` 0, `code` `network`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A page of a list: every list under `/api/v1` answers this shape (DESIGN §11). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type { Query } from './query';

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not send the user to the login page on 401 (the sign-in call itself, the first `me`). */
  allowUnauthenticated?: boolean;
}

type UnauthorizedHandler = () => void;

// Replaced by the app with an in-app navigation; this default works anywhere.
let onUnauthorized: UnauthorizedHandler = () => {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname !== '/login') window.location.assign(`/login?next=${encodeURIComponent(here)}`);
};

/** Sets what happens when a request answers 401: the app sends the user to the login page. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export { withQuery } from './query';

/**
 * Calls the server with the session cookie and JSON in and out. Every request carries
 * `X-Requested-With: netcare`: the server refuses cookie-authenticated unsafe methods
 * without it (CSRF protection). Resolves to the parsed body (undefined for 204), throws
 * `ApiError` otherwise; a 401 also sends the user to the login page.
 */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, opts.query);
  const headers: Record<string, string> = { ...apiHeaders(currentLang()), ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }

  // the same GET sent before the console's scripts ran (early.ts): its answer, not a second request
  const early = method === 'GET' && !opts.headers && !opts.signal ? takeEarly(url) : undefined;
  let answer: RawAnswer;
  try {
    if (early) answer = await early;
    else {
      const res = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
      answer = { status: res.status, statusText: res.statusText, text: res.status === 204 ? '' : await res.text() };
    }
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const { status, statusText, text } = answer;
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // not JSON: a proxy's error page, say
    }
  }

  if (status < 200 || status >= 300) {
    const e = (parsed && typeof parsed === 'object' ? parsed : {}) as { code?: unknown; message?: unknown; details?: unknown };
    const error = new ApiError(
      status,
      typeof e.code === 'string' ? e.code : `http_${status}`,
      typeof e.message === 'string' && e.message ? e.message : statusText || `HTTP ${status}`,
      e.details,
    );
    if (status === 401 && !opts.allowUnauthenticated) onUnauthorized();
    throw error;
  }
  return parsed as T;
}

/** Shorthands for the methods the console uses. */
export const api = {
  get: <T>(path: string, query?: Query, opts?: RequestOptions) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/**
 * Every item of a list, following `nextCursor` page by page. For reference data (regions,
 * departments, users, API keys) that the admin pages show whole, 500 a page (the server's
 * maximum); stops after `maxPages`.
 */
export async function fetchAll<T>(path: string, query: Query = {}, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await api.get<Page<T>>(path, { limit: 500, ...query, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** A path segment, escaped (ids may hold `.` or other characters). */
export const seg = (id: string | number) => encodeURIComponent(String(id));
