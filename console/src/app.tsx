import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppLayout, PageLoading } from './layout/app-layout';
import { HomeRedirect, RequireArea, RequireSession } from './components/guards';
import type { Area } from './types';

// Every page is its own chunk: the login page does not carry the admin tables, and so on.
const PAGES = {
  login: () => import('./pages/login/login-page'),
  intake: () => import('./pages/intake/intake-page'),
  queue: () => import('./pages/queue/queue-page'),
  tickets: () => import('./pages/tickets/tickets-page'),
  ticket: () => import('./pages/tickets/ticket-page'),
  hotspots: () => import('./pages/hotspots/hotspots-page'),
  problems: () => import('./pages/problems/problems-page'),
  kpis: () => import('./pages/kpis/kpis-page'),
  regions: () => import('./pages/admin/regions-page'),
  departments: () => import('./pages/admin/departments-page'),
  users: () => import('./pages/admin/users-page'),
  apiKeys: () => import('./pages/admin/api-keys-page'),
  audit: () => import('./pages/audit/audit-page'),
  overdue: () => import('./pages/overdue/overdue-page'),
  notifications: () => import('./pages/notifications/notifications-page'),
  sla: () => import('./pages/admin/sla/sla-policies-page'),
  calendars: () => import('./pages/admin/calendars/calendars-page'),
  imports: () => import('./pages/admin/imports/imports-page'),
  notFound: () => import('./pages/errors/not-found-page'),
} satisfies Record<string, () => Promise<{ default: ComponentType }>>;

const LoginPage = lazy(PAGES.login);
const IntakePage = lazy(PAGES.intake);
const QueuePage = lazy(PAGES.queue);
const TicketsPage = lazy(PAGES.tickets);
const TicketPage = lazy(PAGES.ticket);
const HotspotsPage = lazy(PAGES.hotspots);
const ProblemsPage = lazy(PAGES.problems);
const KpisPage = lazy(PAGES.kpis);
const RegionsPage = lazy(PAGES.regions);
const DepartmentsPage = lazy(PAGES.departments);
const UsersPage = lazy(PAGES.users);
const ApiKeysPage = lazy(PAGES.apiKeys);
const AuditPage = lazy(PAGES.audit);
const OverduePage = lazy(PAGES.overdue);
const NotificationsPage = lazy(PAGES.notifications);
const SlaPoliciesPage = lazy(PAGES.sla);
const CalendarsPage = lazy(PAGES.calendars);
const ImportsPage = lazy(PAGES.imports);
const NotFoundPage = lazy(PAGES.notFound);

/** The chunk of the page at `pathname` (null for the home redirect and unknown paths). */
const CHUNK_OF: [RegExp, keyof typeof PAGES][] = [
  [/^\/login$/, 'login'], [/^\/intake$/, 'intake'], [/^\/queue$/, 'queue'], [/^\/tickets$/, 'tickets'], [/^\/tickets\/[^/]+$/, 'ticket'],
  [/^\/overdue$/, 'overdue'], [/^\/notifications$/, 'notifications'], [/^\/hotspots$/, 'hotspots'], [/^\/problems$/, 'problems'],
  [/^\/kpis$/, 'kpis'], [/^\/admin\/regions$/, 'regions'], [/^\/admin\/departments$/, 'departments'], [/^\/admin\/users$/, 'users'],
  [/^\/admin\/api-keys$/, 'apiKeys'], [/^\/admin\/sla$/, 'sla'], [/^\/admin\/calendars$/, 'calendars'], [/^\/admin\/imports$/, 'imports'],
  [/^\/audit$/, 'audit'],
];

/**
 * Starts loading the chunk of the page the browser opened, at once: otherwise it would start
 * only after `GET /auth/me` answered and the session guard let the route render, one round trip
 * and one script parse later. `lazy` then finds the module already loading (the same promise).
 */
export function preloadPage(pathname: string): void {
  const hit = CHUNK_OF.find(([re]) => re.test(pathname));
  if (hit) void PAGES[hit[1]]().catch(() => {}); // a failure shows when the route renders
}

/** A page that needs the ability for `area`. */
function guarded(area: Area, Page: ComponentType): ReactNode {
  return (
    <RequireArea area={area}>
      <Page />
    </RequireArea>
  );
}

/** The console's routes (browser history; the server falls back to index.html for them). */
export function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <Suspense fallback={<PageLoading />}>
            <LoginPage />
          </Suspense>
        }
      />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<HomeRedirect />} />
        <Route path="intake" element={guarded('intake', IntakePage)} />
        <Route path="queue" element={guarded('queue', QueuePage)} />
        <Route path="tickets" element={guarded('tickets', TicketsPage)} />
        <Route path="tickets/:id" element={guarded('tickets', TicketPage)} />
        <Route path="overdue" element={guarded('tickets', OverduePage)} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="hotspots" element={guarded('hotspots', HotspotsPage)} />
        <Route path="problems" element={guarded('problems', ProblemsPage)} />
        <Route path="kpis" element={guarded('kpis', KpisPage)} />
        <Route path="admin" element={<Navigate to="/admin/regions" replace />} />
        <Route path="admin/regions" element={guarded('admin', RegionsPage)} />
        <Route path="admin/departments" element={guarded('admin', DepartmentsPage)} />
        <Route path="admin/users" element={guarded('admin', UsersPage)} />
        <Route path="admin/api-keys" element={guarded('admin', ApiKeysPage)} />
        <Route path="admin/sla" element={guarded('admin', SlaPoliciesPage)} />
        <Route path="admin/calendars" element={guarded('admin', CalendarsPage)} />
        <Route path="admin/imports" element={guarded('admin', ImportsPage)} />
        <Route path="audit" element={guarded('audit', AuditPage)} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
