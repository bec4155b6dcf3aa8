/**
 * Requests sent before the console's scripts have run: `GET /auth/me` first, and as soon as it
 * answers, the reference data every page names and the data of the page the browser opened
 * (`early-requests.ts`). boot.ts starts them from a script of its own that runs before the big
 * chunks (React, antd) are even fetched (console/build-plugins.ts, bootScript); the first render
 * then usually finds every answer in hand and shows the page whole, instead of a spinner, then
 * the frame, then the data.
 *
 * No imports but small, pure modules: this must stay cheap to load and run.
 */
import { storedLang } from './lang';
import { earlyRequests } from './early-requests';
import type { Me } from './types';

/** An answer as the API client needs it: status, status text and body. */
export interface RawAnswer {
  status: number;
  statusText: string;
  text: string;
}

interface Entry {
  answer: Promise<RawAnswer>;
  /** the answer once it came */
  done?: RawAnswer;
}

const entries = new Map<string, Entry>();
let open = true;

/** The headers the API client sends (api.ts), for a GET. */
export function apiHeaders(lang = storedLang()): Record<string, string> {
  return {
    Accept: 'application/json',
    'X-Requested-With': 'netcare',
    'Accept-Language': lang === 'zh' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en,zh-CN;q=0.5',
  };
}

function get(url: string): Entry {
  const entry: Entry = {
    answer: fetch(url, { headers: apiHeaders(), credentials: 'same-origin' }).then(async (res) => {
      const answer = { status: res.status, statusText: res.statusText, text: res.status === 204 ? '' : await res.text() };
      entry.done = answer;
      return answer;
    }),
  };
  entries.set(url, entry);
  return entry;
}

/**
 * The early answer to `GET url`: the API client takes it instead of asking again (every caller
 * until the first page has rendered, see `closeEarly`: the bell and the notifications page, say,
 * ask for the same list). Undefined when there is none. A failed fetch rejects as `fetch` would.
 */
export function takeEarly(url: string): Promise<RawAnswer> | undefined {
  return entries.get(url)?.answer;
}

/**
 * The body of a successful early answer to `GET url` that has already come: for a hook's first
 * state, so that the first render shows the data (the hook then does not ask). Undefined when it
 * has not come yet or failed: the hook asks as usual, and `takeEarly` gives it the answer.
 */
export function takeEarlyData<T>(url: string): T | undefined {
  const done = entries.get(url)?.done;
  if (!done || done.status < 200 || done.status >= 300 || !done.text) return undefined;
  try {
    return JSON.parse(done.text) as T;
  } catch {
    return undefined;
  }
}

/** Drops the early answers: once the first page has rendered, reloads and later pages ask afresh. */
export function closeEarly(): void {
  open = false;
  entries.clear();
}

const ME = '/api/v1/auth/me';
let signedIn: Me | undefined;

/** Who the early `GET /auth/me` said is signed in, if it has answered so. */
export function earlySignedIn(): Me | undefined {
  return signedIn;
}

/** The signed-in user, if the early `GET /auth/me` has answered that (for the session's first state). */
export function earlyMe(): Me | undefined {
  return takeEarlyData<Me>(ME);
}
let settled: Promise<void> = Promise.resolve();

/** Starts the early requests for the page at `location` (main.tsx, once, before anything else). */
export function startEarly(location: { pathname: string; search: string }): void {
  if (location.pathname === '/login') return;
  const me = get(ME);
  settled = me.answer.then(
    async (answer) => {
      if (answer.status !== 200 || !open) return;
      signedIn = JSON.parse(answer.text) as Me;
      const urls = ['/api/v1/regions?limit=500', '/api/v1/departments?limit=500', ...earlyRequests(location, signedIn)];
      await Promise.all(urls.map((u) => (entries.has(u) ? entries.get(u)!.answer : get(u).answer).catch(() => {})));
    },
    () => {},
  );
}

/** Resolves when the early requests have all answered (or failed); never rejects. */
export function earlySettled(): Promise<void> {
  return settled;
}
