import { Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppLayout, PageLoading } from './layout/app-layout';
import { HomeRedirect, RequireArea, RequireSession } from './components/guards';
import type { Area } from './types';
import { pageAt, type PageKey } from './page-routes';
import { lazyPage, type LazyPage } from './lazy-page';

// Every page is its own chunk: the login page does not carry the admin tables, and so on.
// The modules are those of PAGE_MODULES (checked by a console unit test).
const PAGES = {
  login: lazyPage(() => import('./pages/login/login-page')),
  intake: lazyPage(() => import('./pages/intake/intake-page')),
  queue: lazyPage(() => import('./pages/queue/queue-page')),
  tickets: lazyPage(() => import('./pages/tickets/tickets-page')),
  ticket: lazyPage(() => import('./pages/tickets/ticket-page')),
  hotspots: lazyPage(() => import('./pages/hotspots/hotspots-page')),
  problems: lazyPage(() => import('./pages/problems/problems-page')),
  kpis: lazyPage(() => import('./pages/kpis/kpis-page')),
  regions: lazyPage(() => import('./pages/admin/regions-page')),
  departments: lazyPage(() => import('./pages/admin/departments-page')),
  users: lazyPage(() => import('./pages/admin/users-page')),
  apiKeys: lazyPage(() => import('./pages/admin/api-keys-page')),
  audit: lazyPage(() => import('./pages/audit/audit-page')),
  overdue: lazyPage(() => import('./pages/overdue/overdue-page')),
  notifications: lazyPage(() => import('./pages/notifications/notifications-page')),
  sla: lazyPage(() => import('./pages/admin/sla/sla-policies-page')),
  calendars: lazyPage(() => import('./pages/admin/calendars/calendars-page')),
  imports: lazyPage(() => import('./pages/admin/imports/imports-page')),
  notFound: lazyPage(() => import('./pages/errors/not-found-page')),
} satisfies Record<PageKey, LazyPage>;

const LoginPage = PAGES.login.Page;
const IntakePage = PAGES.intake.Page;
const QueuePage = PAGES.queue.Page;
const TicketsPage = PAGES.tickets.Page;
const TicketPage = PAGES.ticket.Page;
const HotspotsPage = PAGES.hotspots.Page;
const ProblemsPage = PAGES.problems.Page;
const KpisPage = PAGES.kpis.Page;
const RegionsPage = PAGES.regions.Page;
const DepartmentsPage = PAGES.departments.Page;
const UsersPage = PAGES.users.Page;
const ApiKeysPage = PAGES.apiKeys.Page;
const AuditPage = PAGES.audit.Page;
const OverduePage = PAGES.overdue.Page;
const NotificationsPage = PAGES.notifications.Page;
const SlaPoliciesPage = PAGES.sla.Page;
const CalendarsPage = PAGES.calendars.Page;
const ImportsPage = PAGES.imports.Page;
const NotFoundPage = PAGES.notFound.Page;

/**
 * Starts loading the chunk of the page the browser opened, at once: otherwise it would start
 * only after `GET /auth/me` answered and the session guard let the route render, one round trip
 * and one script parse later. The route then finds the module loading or loaded (`lazy-page.ts`).
 * The server has usually named the chunk in index.html already (`page-routes.ts`).
 */
export function preloadPage(pathname: string): Promise<void> {
  const page = pageAt(pathname);
  if (!page) return Promise.resolve();
  return PAGES[page].load().then(
    () => {},
    () => {}, // a failure shows when the route renders
  );
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
