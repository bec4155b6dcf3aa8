import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppLayout, PageLoading } from './layout/app-layout';
import { HomeRedirect, RequireArea, RequireSession } from './components/guards';
import type { Area } from './types';

// Every page is its own chunk: the login page does not carry the admin tables, and so on.
const LoginPage = lazy(() => import('./pages/login/login-page'));
const IntakePage = lazy(() => import('./pages/intake/intake-page'));
const QueuePage = lazy(() => import('./pages/queue/queue-page'));
const TicketsPage = lazy(() => import('./pages/tickets/tickets-page'));
const TicketPage = lazy(() => import('./pages/tickets/ticket-page'));
const HotspotsPage = lazy(() => import('./pages/hotspots/hotspots-page'));
const ProblemsPage = lazy(() => import('./pages/problems/problems-page'));
const KpisPage = lazy(() => import('./pages/kpis/kpis-page'));
const RegionsPage = lazy(() => import('./pages/admin/regions-page'));
const DepartmentsPage = lazy(() => import('./pages/admin/departments-page'));
const UsersPage = lazy(() => import('./pages/admin/users-page'));
const ApiKeysPage = lazy(() => import('./pages/admin/api-keys-page'));
const AuditPage = lazy(() => import('./pages/audit/audit-page'));
const OverduePage = lazy(() => import('./pages/overdue/overdue-page'));
const NotificationsPage = lazy(() => import('./pages/notifications/notifications-page'));
const SlaPoliciesPage = lazy(() => import('./pages/admin/sla/sla-policies-page'));
const CalendarsPage = lazy(() => import('./pages/admin/calendars/calendars-page'));
const ImportsPage = lazy(() => import('./pages/admin/imports/imports-page'));
const NotFoundPage = lazy(() => import('./pages/errors/not-found-page'));

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
