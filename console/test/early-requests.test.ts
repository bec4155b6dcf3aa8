// The requests early.ts sends before the console runs must be the very ones the opened page then
// asks for (the API client matches them by URL), and only for pages the user may open.
// Run: node --import tsx --test console/test/early-requests.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earlyRequests, UNREAD_URL } from '../src/early-requests.ts';
import { queuesOf, queueTab } from '../src/pages/queue/queues.ts';
import { ticketFilters, ticketsQuery } from '../src/pages/tickets/tickets-query.ts';
import { ticketPageUrl } from '../src/components/tickets/ticket-paging.ts';
import type { Me, Role } from '../src/types.ts';

const me = (role: Role, departmentId: string | null, areas: string[]): Me => ({
  user: { id: 1, username: role, displayName: null, role, regionId: 'hz', departmentId },
  abilities: Object.fromEntries(areas.map((a) => [a, true])),
});
const at = (path: string) => {
  const u = new URL(path, 'http://x');
  return { pathname: u.pathname, search: u.search };
};

test('the queue: the opened tab of the role, whole (200 a page)', () => {
  const noc = me('noc', 'hz-noc', ['queue', 'tickets']);
  assert.deepEqual(earlyRequests(at('/queue'), noc), [UNREAD_URL, '/api/v1/tickets?status=dispatched%2Cin_progress&department=hz-noc&limit=200']);
  assert.deepEqual(earlyRequests(at('/queue?tab=out'), noc), [UNREAD_URL, '/api/v1/tickets?status=in_progress&limit=200']);
  assert.deepEqual(earlyRequests(at('/queue?tab=nonsense'), noc)[1], earlyRequests(at('/queue'), noc)[1]);
  assert.deepEqual(earlyRequests(at('/queue'), me('supervisor', 'hz-noc', ['queue'])), [UNREAD_URL, '/api/v1/tickets?status=open&limit=200']);
  // the same URL the page's list asks for
  const agent = me('agent', 'hz-cc', ['queue']);
  assert.equal(earlyRequests(at('/queue?tab=followUp'), agent)[1], ticketPageUrl(queueTab(queuesOf(agent), 'followUp').query, 200));
});

test('the tickets list: the filters in the address, 50 a page; a malformed search is left out', () => {
  const sup = me('supervisor', null, ['tickets']);
  assert.deepEqual(earlyRequests(at('/tickets'), sup), [UNREAD_URL, '/api/v1/tickets?order=newest&limit=50']);
  assert.deepEqual(earlyRequests(at('/tickets?status=open&grade=important&q=138%200000%200011'), sup)[1], '/api/v1/tickets?q=13800000011&status=open&grade=important&order=newest&limit=50');
  assert.deepEqual(earlyRequests(at('/tickets?q=abc&hotspot=x'), sup)[1], '/api/v1/tickets?order=newest&limit=50');
  const params = new URLSearchParams('region=hz&order=due');
  assert.equal(earlyRequests(at(`/tickets?${params}`), sup)[1], ticketPageUrl(ticketsQuery(ticketFilters(params)), 50));
});

test('the overdue list: breached and warned, whole', () => {
  assert.deepEqual(earlyRequests(at('/overdue'), me('supervisor', null, ['tickets'])), [
    UNREAD_URL, '/api/v1/tickets?clock=breached&limit=200', '/api/v1/tickets?clock=warned&limit=200',
  ]);
});

test('nothing but the bell for a page the user may not open, or one not listed', () => {
  const auditor = me('auditor', null, ['audit']);
  assert.deepEqual(earlyRequests(at('/queue'), auditor), [UNREAD_URL]);
  assert.deepEqual(earlyRequests(at('/tickets'), auditor), [UNREAD_URL]);
  assert.deepEqual(earlyRequests(at('/audit'), auditor), [UNREAD_URL]);
  assert.deepEqual(earlyRequests(at('/tickets/12'), me('supervisor', null, ['tickets'])), [UNREAD_URL]);
});
