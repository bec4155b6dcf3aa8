import type { ReactNode } from 'react';
import {
  AlertOutlined, AuditOutlined, BulbOutlined, FileTextOutlined, FormOutlined, HeatMapOutlined, InboxOutlined,
  LineChartOutlined, SettingOutlined,
} from '@ant-design/icons';
import type { MessageKey } from '../i18n';
import type { Area, Me, Role } from '../types';
import { canOpen } from '../session';

/** One entry of the left menu; `testId` is what browser tests click. */
export interface NavEntry {
  path: string;
  label: MessageKey;
  testId: string;
}

export interface NavArea extends NavEntry {
  area: Area;
  icon: ReactNode;
  children?: NavEntry[];
  /** shown only to these roles (within the area's ability): a page of an area that is one role's work */
  roles?: readonly Role[];
}

/** The left menu, in order: one entry per area, the admin area with its pages. */
export const NAV: readonly NavArea[] = [
  { area: 'intake', path: '/intake', label: 'nav.intake', testId: 'nav-intake', icon: <FormOutlined /> },
  { area: 'queue', path: '/queue', label: 'nav.queue', testId: 'nav-queue', icon: <InboxOutlined /> },
  { area: 'tickets', path: '/tickets', label: 'nav.tickets', testId: 'nav-tickets', icon: <FileTextOutlined /> },
  {
    area: 'tickets', path: '/overdue', label: 'nav.overdue', testId: 'nav-overdue', icon: <AlertOutlined />,
    roles: ['supervisor', 'noc', 'admin', 'auditor'],
  },
  { area: 'hotspots', path: '/hotspots', label: 'nav.hotspots', testId: 'nav-hotspots', icon: <HeatMapOutlined /> },
  { area: 'problems', path: '/problems', label: 'nav.problems', testId: 'nav-problems', icon: <BulbOutlined /> },
  { area: 'kpis', path: '/kpis', label: 'nav.kpis', testId: 'nav-kpis', icon: <LineChartOutlined /> },
  {
    area: 'admin', path: '/admin', label: 'nav.admin', testId: 'nav-admin', icon: <SettingOutlined />,
    children: [
      { path: '/admin/regions', label: 'nav.adminRegions', testId: 'nav-admin-regions' },
      { path: '/admin/departments', label: 'nav.adminDepartments', testId: 'nav-admin-departments' },
      { path: '/admin/users', label: 'nav.adminUsers', testId: 'nav-admin-users' },
      { path: '/admin/api-keys', label: 'nav.adminApiKeys', testId: 'nav-admin-api-keys' },
      { path: '/admin/sla', label: 'nav.adminSla', testId: 'nav-admin-sla' },
      { path: '/admin/calendars', label: 'nav.adminCalendars', testId: 'nav-admin-calendars' },
      { path: '/admin/imports', label: 'nav.adminImports', testId: 'nav-admin-imports' },
    ],
  },
  { area: 'audit', path: '/audit', label: 'nav.audit', testId: 'nav-audit', icon: <AuditOutlined /> },
];

/** The areas this user may open, in menu order. */
export function visibleNav(me: Me): NavArea[] {
  return NAV.filter((n) => canOpen(me, n.area) && (!n.roles || n.roles.includes(me.user.role)));
}

/** Where a signed-in user starts: the first area the abilities open, or null when none. */
export function homePath(me: Me): string | null {
  const first = visibleNav(me)[0];
  if (!first) return null;
  return first.children?.[0]?.path ?? first.path;
}

/** The menu entry a location belongs to (`/tickets/T-1` → `/tickets`). */
export function navKeyOf(pathname: string): string | undefined {
  const all = NAV.flatMap((n) => (n.children ? n.children : [n]));
  return all
    .filter((e) => pathname === e.path || pathname.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
}

/** The area a location belongs to, for the route guard. */
export function areaOf(pathname: string): Area | undefined {
  return NAV.find((n) => pathname === n.path || pathname.startsWith(`${n.path}/`))?.area;
}
