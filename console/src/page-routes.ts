/**
 * Which page each path of the console opens, and the module of that page. Shared by the console
 * (which starts loading the opened page's chunk at once) and the build (which lists each page's
 * chunks in `dist/page-preloads.json`, so that the server names them in the index.html it sends
 * for that path and the browser fetches them together with the shell, not after it).
 * Paths and modules only: no imports, so the Vite config can read it too.
 */
export const PAGE_MODULES = {
  login: 'pages/login/login-page',
  intake: 'pages/intake/intake-page',
  queue: 'pages/queue/queue-page',
  tickets: 'pages/tickets/tickets-page',
  ticket: 'pages/tickets/ticket-page',
  hotspots: 'pages/hotspots/hotspots-page',
  problems: 'pages/problems/problems-page',
  kpis: 'pages/kpis/kpis-page',
  regions: 'pages/admin/regions-page',
  departments: 'pages/admin/departments-page',
  users: 'pages/admin/users-page',
  apiKeys: 'pages/admin/api-keys-page',
  audit: 'pages/audit/audit-page',
  overdue: 'pages/overdue/overdue-page',
  notifications: 'pages/notifications/notifications-page',
  sla: 'pages/admin/sla/sla-policies-page',
  calendars: 'pages/admin/calendars/calendars-page',
  imports: 'pages/admin/imports/imports-page',
  notFound: 'pages/errors/not-found-page',
} as const;

/** A page of the console. */
export type PageKey = keyof typeof PAGE_MODULES;

/** The page at each path (the home redirect and unknown paths have none). */
export const PAGE_PATHS: readonly (readonly [RegExp, PageKey])[] = [
  [/^\/login$/, 'login'], [/^\/intake$/, 'intake'], [/^\/queue$/, 'queue'], [/^\/tickets$/, 'tickets'], [/^\/tickets\/[^/]+$/, 'ticket'],
  [/^\/overdue$/, 'overdue'], [/^\/notifications$/, 'notifications'], [/^\/hotspots$/, 'hotspots'], [/^\/problems$/, 'problems'],
  [/^\/kpis$/, 'kpis'], [/^\/admin\/regions$/, 'regions'], [/^\/admin\/departments$/, 'departments'], [/^\/admin\/users$/, 'users'],
  [/^\/admin\/api-keys$/, 'apiKeys'], [/^\/admin\/sla$/, 'sla'], [/^\/admin\/calendars$/, 'calendars'], [/^\/admin\/imports$/, 'imports'],
  [/^\/audit$/, 'audit'],
];

/** The page the browser opens at `pathname`, or null. */
export function pageAt(pathname: string): PageKey | null {
  return PAGE_PATHS.find(([re]) => re.test(pathname))?.[1] ?? null;
}
