// Journeys of issue 6's later gaps, in headless Chromium against the real server: a supervisor
// reassigns a ticket and sees it in the history and the team load; the ticket list follows a
// hotspot link and keeps named filter sets; an admin imports a cells file and reads every row's
// outcome. Any error in a browser console fails the test.
// Run: npm run build && node --import tsx --test test/browser/supervisor-admin.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoErrors, openTicket, pick, startHarness, withScreenshots, type Harness } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

test('a supervisor reassigns a ticket from maintenance to optimisation, with the reason in the history', async () => {
  const t = await h.api('agent', 'POST', '/api/v1/tickets', {
    channel: 'hotline', customer: { msisdn: '13900002222' }, category: 'network.slow_data', network: 'LTE', region: 'hz',
    address: '杭州市滨江区江南大道 1 号', description: '晚上上网很慢',
  });
  const e = (type: string, body: object, user: string) => h.api(user, 'POST', `/api/v1/tickets/${t.id}/events`, { type, ...body });
  await e('dispatched', {}, 'agent');
  await e('triaged', { grade: 'ordinary' }, 'noc');
  await e('forwarded', { department: 'hz-maintenance', reason: '疑似传输故障' }, 'noc');

  const sup = await h.signIn('supervisor');
  await withScreenshots('reassign', [sup], async () => {
    const { page } = sup;
    await page.getByTestId('nav-queue').click();
    // the queue renders one page of 50 rows, nearest due time first; its count and the clock
    // counts cover every open ticket
    const queue = page.getByTestId('queue-table');
    await queue.locator('.ant-table-row').first().waitFor();
    const total = Number(/\d+/.exec(await page.getByTestId('queue-count').innerText())?.[0]);
    assert.ok(total > 50, `the demo data fills more than one page of the queue (${total})`);
    assert.equal(await queue.locator('.ant-table-row').count(), 50);
    const clocks = await Promise.all(['ok', 'warned', 'breached'].map(async (l) => Number(await page.getByTestId(`count-${l}-value`).innerText())));
    assert.equal(clocks.reduce((a, b) => a + b, 0), total);
    const first = await h.api('supervisor', 'GET', '/api/v1/tickets?status=open&limit=1');
    assert.equal(await queue.locator('.ant-table-row').first().getAttribute('data-testid'), `ticket-row-${first.items[0].id}`);
    // the team load names the department holding it, and leads to its open tickets
    await page.getByTestId('department-load').getByTestId('load-link-hz-maintenance').click();
    await page.waitForURL((u) => u.pathname === '/tickets' && u.searchParams.get('department') === 'hz-maintenance');
    await page.getByTestId('tickets-table').getByTestId(`ticket-row-${t.id}`).waitFor();

    await openTicket(sup, h.url, t.id);
    assert.equal(await page.getByTestId('ticket-assignee').innerText(), '杭州维护部');
    await page.getByTestId('action-reassign').click();
    await page.getByTestId('reassign-form').waitFor();
    // only departments that can hold the ticket now: not the complaint centre, not where it is
    await page.getByTestId('reassign-department').click();
    const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
    await options.first().waitFor();
    const labels = await options.allInnerTexts();
    assert.ok(!labels.some((l) => l.includes('投诉中心') || l.includes('维护部')), labels.join(' | '));
    await options.filter({ hasText: '优化部' }).first().click();
    await page.getByTestId('reassign-reason').fill('维护核查传输正常，转优化部调整参数');
    await page.getByTestId('reassign-form-submit').click();
    await page.getByTestId('reassign-form').waitFor({ state: 'detached' });
    await page.getByTestId('ticket-assignee').getByText('杭州优化部').waitFor();
    const ev = page.getByTestId('history').locator('[data-type="reassigned"]');
    await ev.waitFor();
    assert.match(await ev.innerText(), /改派[\s\S]*supervisor[\s\S]*杭州维护部[\s\S]*杭州优化部[\s\S]*转优化部调整参数/);

    // the server refuses what the state does not allow: a replied ticket offers no reassignment
    const done = await h.api('supervisor', 'GET', '/api/v1/tickets?status=replied&limit=1');
    if (done.items[0]) {
      await openTicket(sup, h.url, done.items[0].id);
      assert.equal(await page.getByTestId('action-reassign').count(), 0);
    }
    // the handler of the new department sees it in its queue
    const optim = await h.api('optim', 'GET', `/api/v1/tickets?department=hz-optimisation&status=in_progress&limit=200`);
    assert.ok(optim.items.some((x: { id: number }) => x.id === t.id));
    assertNoErrors(sup);
  });
  await sup.close();
});

test('the ticket list follows a hotspot link, and saves, applies and deletes named filters', async () => {
  const hotspots = await h.api('noc', 'GET', '/api/v1/hotspots?limit=1');
  const hs = hotspots.items[0];
  assert.ok(hs, 'the demo data has a hotspot');
  const noc = await h.signIn('noc');
  await withScreenshots('filters', [noc], async () => {
    const { page } = noc;
    await page.goto(`${h.url}/tickets?hotspot=${hs.id}`);
    await page.getByTestId('tickets-hotspot').waitFor();
    const table = page.getByTestId('tickets-table');
    await table.getByTestId(`ticket-row-${hs.ticketIds[0]}`).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), Math.min(hs.ticketIds.length, 50));

    // save "important, breached" under a name, leave it, apply it again, delete it
    await page.goto(`${h.url}/tickets`);
    await pick(page, 'tickets-grade', '重要');
    await page.waitForURL((u) => u.searchParams.get('grade') === 'important');
    await page.getByTestId('saved-filters-button').click();
    await page.getByTestId('saved-filters-save').click();
    await page.getByTestId('saved-filter-name').fill('重要投诉');
    await page.getByTestId('saved-filter-form-submit').click();
    await page.getByTestId('saved-filter-form').waitFor({ state: 'detached' });
    await page.getByTestId('saved-filters-button').getByText('重要投诉').waitFor();
    await page.getByTestId('tickets-reset').click();
    await page.waitForURL((u) => !u.searchParams.has('grade'));
    await page.reload();
    await page.getByTestId('saved-filters-button').click();
    await page.getByTestId('saved-filter-apply-0').click();
    await page.waitForURL((u) => u.searchParams.get('grade') === 'important');
    await page.getByTestId('saved-filters-button').click();
    await page.getByTestId('saved-filter-delete-0').click();
    await page.getByTestId('saved-filters-menu').getByText('还没有保存的筛选').waitFor();
    assert.equal(await page.evaluate(() => window.localStorage.getItem('netcare.tickets.filters.noc')), '[]');
    assertNoErrors(noc);
  });
  await noc.close();
});

test('an admin imports a cells file and reads the outcome of every row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netcare-import-'));
  const file = join(dir, 'cells.csv');
  writeFileSync(file, [
    'cellId,siteId,name,region,network,lon,lat,neighbours',
    'imp-1,imp,滨江一号,hz,LTE,120.21,30.20,imp-2',
    'imp-2,imp,滨江二号,hz,NR,120.21,30.20,',
    'imp-3,imp,未知地市,xx,LTE,120.21,30.20,',
    'imp-4,imp,坐标越界,hz,LTE,200,30.20,',
    'imp-5,imp,未知邻区,hz,LTE,120.21,30.20,nowhere-9',
  ].join('\n'));
  const admin = await h.signIn('admin');
  await withScreenshots('import', [admin], async () => {
    const { page } = admin;
    await page.getByTestId('nav-admin-imports').waitFor({ state: 'attached' });
    await page.goto(`${h.url}/admin/imports`);
    await page.getByTestId('page-imports').waitFor();
    await page.getByTestId('import-kind-cells').click();
    await page.getByTestId('page-imports').locator('input[type="file"]').setInputFiles(file);
    await page.getByTestId('import-picked').getByText('5 行').waitFor();
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-results').waitFor();
    assert.equal(await page.getByTestId('import-created').locator('.ant-statistic-content-value').innerText(), '2');
    assert.equal(await page.getByTestId('import-rejected').locator('.ant-statistic-content-value').innerText(), '3');
    // the rejected rows first, each with the server's reason; then every row
    const row = (n: number) => page.getByTestId(`import-row-${n}`);
    await row(3).waitFor();
    assert.equal(await row(1).count(), 0, 'only the rejected rows while that filter is on');
    assert.match(await row(3).innerText(), /imp-3[\s\S]*拒绝[\s\S]*xx/);
    assert.match(await row(5).innerText(), /imp-5[\s\S]*nowhere-9/);
    await page.getByTestId('import-show-all').click();
    await row(1).waitFor();
    assert.equal(await row(1).getAttribute('data-outcome'), 'created');
    assert.equal(await row(2).getAttribute('data-outcome'), 'created');
    assert.equal(await row(4).getAttribute('data-outcome'), 'rejected');
    // the cells are there, neighbours both ways
    const cell = await h.api('admin', 'GET', '/api/v1/cells/imp-2');
    assert.deepEqual(cell.neighbours?.map((n: { cellId?: string } | string) => (typeof n === 'string' ? n : n.cellId)), ['imp-1']);

    // the same file again: nothing new, the good rows updated
    await page.getByTestId('page-imports').locator('input[type="file"]').setInputFiles(file);
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-updated').locator('.ant-statistic-content-value').getByText('2').waitFor();
    assert.equal(await page.getByTestId('import-created').locator('.ant-statistic-content-value').innerText(), '0');
    assertNoErrors(admin);
  });
  await admin.close();
});
