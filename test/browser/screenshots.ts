// Screenshots of the console's main pages for docs/screenshots/ (README, issue 6), taken from
// the demo data at 1280 × 860 in Chinese. Run after `npm run build`:
//   node --import tsx test/browser/screenshots.ts [outDir]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { pick, startHarness, type Harness } from './harness.ts';

const out = resolve(process.argv[2] ?? 'docs/screenshots');
mkdirSync(out, { recursive: true });

/** Waits for the page to settle (data loaded, transitions over) and saves it. */
async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await page.mouse.move(1, 1); // no hover highlight
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: opts.fullPage ?? false });
  console.log(`  ${name}.png`);
}

/** A ticket with a history worth showing: taken in, dispatched, triaged, forwarded, a department's first reply. */
async function ticketWithHistory(h: Harness): Promise<number> {
  const t = await h.api('agent', 'POST', '/api/v1/tickets', {
    channel: 'regulator', customer: { msisdn: '13957112233', name: '陈先生', vip: true }, category: 'network.weak_indoor_coverage',
    network: 'NR', cellId: 'hz-0021-2', address: '西湖区文三路 90 号 3 幢', commitmentHours: 24,
    description: '家中卧室 5G 信号很弱，经常掉到 4G，视频通话卡顿。已向工信部投诉。',
  });
  const e = (type: string, body: object, user: string) => h.api(user, 'POST', `/api/v1/tickets/${t.id}/events`, { type, ...body });
  await e('dispatched', {}, 'agent');
  await e('triaged', { grade: 'important' }, 'noc');
  await e('forwarded', { department: 'hz-optimisation', reason: '室内覆盖弱，邻区参数待优化，请优化部处理' }, 'noc');
  await e('department_replied', { kind: 'initial', text: '已安排路测，初步判断为小区功率偏低，计划调整天线下倾角' }, 'optim');
  await e('noc_replied', { kind: 'initial', text: '优化部已安排路测并制定调整方案，预计两天内完成' }, 'noc');
  await e('customer_contacted', { kind: 'initial', text: '已告知客户优化方案及预计完成时间' }, 'agent');
  return t.id;
}

const h = await startHarness();
try {
  // the admin's SLA policies and a working calendar, so the admin pages have content
  await h.api('admin', 'PUT', '/api/v1/calendars/office', {
    timeZone: 'Asia/Shanghai', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], workingHours: [['08:30', '12:00'], ['13:30', '17:30']],
    official: 'cn', extraHolidays: ['2026-12-31'], extraWorkdays: [],
  });
  await h.api('admin', 'PUT', '/api/v1/sla-policies/important-initial', { grade: 'important', clock: 'initial_reply', duration: 'PT4H', calendar: '24x7' });
  await h.api('admin', 'PUT', '/api/v1/sla-policies/ordinary-initial', { grade: 'ordinary', clock: 'initial_reply', duration: 'PT24H', calendar: '24x7' });
  await h.api('admin', 'PUT', '/api/v1/sla-policies/billing-resolution', { category: 'billing.overcharge', grade: 'ordinary', clock: 'resolution', duration: 'PT16H', calendar: 'office' });
  const id = await ticketWithHistory(h);
  console.log(`screenshots in ${out}:`);

  const anon = await h.open();
  await shot(anon.page, 'login');
  await anon.close();

  const agent = await h.signIn('agent');
  await agent.page.getByTestId('intake-form').waitFor();
  await agent.page.getByTestId('intake-msisdn').fill('13957112233');
  await agent.page.getByTestId('intake-name').fill('陈先生');
  await pick(agent.page, 'intake-category', '掉话');
  await agent.page.getByTestId('intake-cell').fill('hz-0012-1');
  await agent.page.getByTestId('intake-description').fill('在文三路附近通话时经常掉线，今天上午开始。');
  await agent.page.getByTestId('known-issues').locator('[data-testid^="issue-"]').first().waitFor();
  await agent.page.getByTestId('caller-history').locator('[data-testid^="caller-ticket-"]').first().waitFor();
  await shot(agent.page, 'intake');
  await agent.close();

  const noc = await h.signIn('noc');
  await noc.page.getByTestId('queue-table').locator('.ant-table-row').first().waitFor();
  await shot(noc.page, 'queue');
  await noc.page.goto(`${h.url}/tickets/${id}`);
  await noc.page.getByTestId('history').waitFor();
  await noc.page.setViewportSize({ width: 1280, height: 1000 });
  await shot(noc.page, 'ticket');
  await noc.close();

  const sup = await h.signIn('supervisor');
  await sup.page.getByTestId('nav-overdue').click();
  await sup.page.getByTestId('overdue-table').locator('.ant-table-row').first().waitFor();
  await shot(sup.page, 'overdue');
  await sup.page.getByTestId('nav-tickets').click();
  await sup.page.getByTestId('tickets-table').locator('.ant-table-row').first().waitFor();
  await shot(sup.page, 'tickets');
  // the supervisor's team load, and the reassign dialog on a ticket out with a department
  await sup.page.getByTestId('nav-queue').click();
  await sup.page.getByTestId('department-load').locator('[data-testid^="load-link-"]').first().waitFor();
  await shot(sup.page, 'team-load');
  await sup.page.goto(`${h.url}/tickets/${id}`);
  await sup.page.getByTestId('history').waitFor();
  await sup.page.getByTestId('action-reassign').click();
  await sup.page.getByTestId('reassign-form').waitFor();
  await pick(sup.page, 'reassign-department', '维护部');
  await sup.page.getByTestId('reassign-reason').fill('优化部排查后确认为基站硬件问题，改派维护部');
  await shot(sup.page, 'reassign');
  await sup.close();

  const admin = await h.signIn('admin');
  await admin.page.goto(`${h.url}/admin/sla`);
  await admin.page.getByTestId('sla-row-important-initial').waitFor();
  await shot(admin.page, 'admin-sla');
  await admin.page.goto(`${h.url}/admin/calendars`);
  await admin.page.getByTestId('calendar-row-office').waitFor();
  await shot(admin.page, 'admin-calendars');
  // an import of cells with a rejected row, results per row
  const csv = join(mkdtempSync(join(tmpdir(), 'netcare-shot-')), 'cells-binjiang.csv');
  writeFileSync(csv, [
    'cellId,siteId,name,region,network,lon,lat,neighbours',
    'bj-0001-1,bj-0001,滨江江南大道1,hz,LTE,120.210,30.208,bj-0001-2',
    'bj-0001-2,bj-0001,滨江江南大道2,hz,NR,120.211,30.208,',
    'bj-0002-1,bj-0002,滨江长河路1,hz,LTE,120.195,30.190,bj-0001-1',
    'bj-0003-1,bj-0003,未知地市,xx,LTE,120.20,30.20,',
    'bj-0004-1,bj-0004,坐标越界,hz,LTE,200,30.20,',
    'bj-0005-1,bj-0005,滨江西兴1,hz,NR,120.220,30.185,bj-9999-1',
  ].join('\n'));
  await admin.page.goto(`${h.url}/admin/imports`);
  await admin.page.getByTestId('page-imports').locator('input[type="file"]').setInputFiles(csv);
  await admin.page.getByTestId('import-start').click();
  await admin.page.getByTestId('import-results').waitFor();
  await admin.page.getByTestId('import-show-all').click();
  await shot(admin.page, 'admin-imports');
  await admin.close();
} finally {
  await h.stop();
}
