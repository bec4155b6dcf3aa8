import type { Page } from 'playwright-core';
import type { Harness } from './harness.ts';

/**
 * The main pages of the console as the page-load test and bench/page-load.ts open them: who
 * opens each, where, and what shows it is ready (data rendered, not a skeleton).
 */
export interface MainPage {
  /** short id (file names, `--pages`) */
  key: string;
  name: string;
  user: string;
  path: (h: Harness) => Promise<string> | string;
  ready: (page: Page) => Promise<unknown>;
}

const rows = (testId: string) => (page: Page) => page.getByTestId(testId).locator('.ant-table-row').first().waitFor();

export const MAIN_PAGES: MainPage[] = [
  { key: 'intake', name: 'intake', user: 'agent', path: () => '/intake', ready: (p) => p.getByTestId('intake-form').waitFor() },
  { key: 'queue-noc', name: 'queue (NOC)', user: 'noc', path: () => '/queue', ready: rows('queue-table') },
  { key: 'queue-supervisor', name: 'queue (supervisor)', user: 'supervisor', path: () => '/queue', ready: (p) => Promise.all([rows('queue-table')(p), p.getByTestId('department-load').locator('[data-testid^="load-"]').first().waitFor()]) },
  { key: 'tickets', name: 'tickets', user: 'supervisor', path: () => '/tickets', ready: rows('tickets-table') },
  {
    key: 'ticket', name: 'ticket', user: 'supervisor',
    path: async (h) => `/tickets/${(await h.api('supervisor', 'GET', '/api/v1/tickets?status=in_progress&limit=1')).items[0].id}`,
    ready: (p) => p.getByTestId('history').locator('[data-type]').first().waitFor(),
  },
  { key: 'overdue', name: 'overdue', user: 'supervisor', path: () => '/overdue', ready: rows('overdue-table') },
  { key: 'hotspots', name: 'hotspots', user: 'noc', path: () => '/hotspots', ready: rows('hotspots-table') },
  { key: 'problems', name: 'problems', user: 'noc', path: () => '/problems', ready: rows('problems-table') },
  { key: 'kpis', name: 'kpis', user: 'supervisor', path: () => '/kpis', ready: (p) => p.getByTestId('kpi-card-tickets').getByText(/\d/).first().waitFor() },
  { key: 'notifications', name: 'notifications', user: 'supervisor', path: () => '/notifications', ready: (p) => p.getByTestId('notifications-list').locator('.ant-list-item').first().waitFor() },
  { key: 'admin-users', name: 'admin users', user: 'admin', path: () => '/admin/users', ready: rows('users-table') },
  { key: 'admin-imports', name: 'admin imports', user: 'admin', path: () => '/admin/imports', ready: (p) => p.getByTestId('page-imports').locator('.ant-upload-drag').waitFor() },
  { key: 'audit', name: 'audit', user: 'auditor', path: () => '/audit', ready: rows('audit-table') },
];
