// Each role's main path through the console, in headless Chromium against the real server
// (issue 6): the admin signs in; an agent answers at intake; a ticket goes from intake to close
// through the NOC and a department; a supervisor sees an overdue ticket; an auditor reads a
// ticket's history without any action. Any error in a browser console fails the test.
// Run: npm run build && node --import tsx --test test/browser/journeys.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, openTicket, pick, startHarness, statusOf, step, withScreenshots, type Harness, type Session } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

/** Fills the intake form (phone, category by its name, cell, description) and saves it; answers the new ticket's id. */
async function takeIn(s: Session, o: { msisdn: string; category: string; cell: string; description: string; name?: string }): Promise<number> {
  const { page } = s;
  await page.getByTestId('nav-intake').click();
  await page.getByTestId('intake-form').waitFor();
  await page.getByTestId('intake-msisdn').fill(o.msisdn);
  if (o.name) await page.getByTestId('intake-name').fill(o.name);
  await pick(page, 'intake-category', o.category);
  await page.getByTestId('intake-cell').fill(o.cell);
  await page.getByTestId('intake-description').fill(o.description);
  await page.getByTestId('intake-submit').click();
  const saved = page.getByTestId('intake-saved');
  await saved.waitFor();
  const id = Number(/\d+/.exec(await saved.innerText())?.[0]);
  assert.ok(id > 0, 'the new ticket id is shown');
  return id;
}

test('the admin signs in through the console and the user menu shows the admin', async () => {
  const s = await h.open();
  const { page } = s;
  // the login page in Chinese by default
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  s.errors.splice(0); // the refused sign-in is a 401 the page shows, as it should

  await page.getByTestId('login-password').fill('admin-pass-123');
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.getByTestId('nav').waitFor();
  // the admin's home: the first area it may open, with the admin pages in the menu
  assert.equal(new URL(page.url()).pathname, '/tickets');
  await page.getByTestId('page-tickets').waitFor();
  await page.getByTestId('nav-admin-sla').waitFor({ state: 'attached' });
  await page.getByTestId('user-menu').click();
  await page.getByTestId('user-info').waitFor();
  assert.equal(await page.getByTestId('user-role').innerText(), '系统管理员');
  assert.match(await page.getByTestId('user-info').innerText(), /admin/);

  // SLA admin: a policy from the form, its duration typed in hours and sent as ISO 8601
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-admin-sla').click();
  await page.getByTestId('sla-fallback').waitFor();
  await page.getByTestId('sla-create').click();
  await page.getByTestId('sla-form-id').fill('vip-triage');
  await page.getByTestId('sla-form-grade-important').click();
  await pick(page, 'sla-form-clock', '分拣');
  await page.getByTestId('sla-form-hours').fill('0.5');
  assert.equal(await page.getByTestId('sla-form-duration').inputValue(), 'PT30M');
  await page.getByTestId('sla-form-submit').click();
  await page.getByTestId('sla-row-vip-triage').waitFor();
  const policies = await h.api('admin', 'GET', '/api/v1/sla-policies');
  assert.deepEqual(policies.items.find((p: any) => p.id === 'vip-triage'), {
    id: 'vip-triage', category: null, grade: 'important', clock: 'triage', duration: 'PT30M', calendar: '24x7',
  });
  await h.api('admin', 'DELETE', '/api/v1/sla-policies/vip-triage'); // the other journeys use the §5 limits

  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('page-login').waitFor();
  assertNoErrors(s);
  await s.close();
});

test('an agent takes a complaint in and answers it at intake with a known issue', async () => {
  // the demo has an outage on the cells of site hz-0012 (DESIGN §2 network issues)
  const known = await h.api('agent', 'GET', '/api/v1/network-issues/lookup?cellId=hz-0012-1');
  assert.ok(known.issues.length > 0, 'the demo outage covers hz-0012-1');
  const agent = await h.signIn('agent');
  const { page } = agent;
  await page.getByTestId('page-intake').waitFor();

  await page.getByTestId('intake-msisdn').fill('13912345678');
  await page.getByTestId('intake-name').fill('王小明');
  await pick(page, 'intake-category', '掉话');
  await page.getByTestId('intake-cell').fill('hz-0012-1');
  // the known issues of the place show beside the form while the agent types
  await page.getByTestId('known-issues').getByTestId(`issue-${known.issues[0].id}`).waitFor();
  await page.getByTestId('intake-description').fill('在家里打电话总是掉线');
  await page.getByTestId('intake-description').press('Control+Enter'); // keyboard: saves the form
  await page.getByTestId('intake-saved').waitFor();
  const id = Number(/\d+/.exec(await page.getByTestId('intake-saved').innerText())?.[0]);

  // one click: the issue's explanation is the answer
  await page.getByTestId(`issue-${known.issues[0].id}-answer`).click();
  await page.getByTestId('intake-done').waitFor();
  assert.match(await page.getByTestId('intake-done').innerText(), /当场答复/);

  const t = await h.api('agent', 'GET', `/api/v1/tickets/${id}`);
  assert.equal(t.status, 'customer_replied');
  assert.equal(t.resolvedAtIntake, true);
  const answer = t.events.find((e: any) => e.type === 'resolved_at_intake');
  assert.equal(answer.text, known.issues[0].explanation);
  assert.equal(answer.networkIssueId, known.issues[0].id);
  assert.equal(t.clocks.find((c: any) => c.clock === 'commitment').state, 'met');

  // the ticket page shows it answered, with the close step next
  await page.getByTestId('intake-open').click();
  await page.getByTestId('ticket-title').waitFor();
  assert.equal(await statusOf(page), 'customer_replied');
  await page.getByTestId('history').getByText('一次性答复').waitFor();
  assertNoErrors(agent);
  await agent.close();
});

test('intake → dispatch → triage → forward → department reply → NOC reply → customer reply → follow-up → close', async () => {
  const [agent, noc, maint] = await Promise.all([h.signIn('agent'), h.signIn('noc'), h.signIn('maint')]);
  await withScreenshots('workflow', [agent, noc, maint], async () => {

  // agent: take the complaint in and dispatch it to the city's NOC
  const id = await takeIn(agent, { msisdn: '13700001111', name: '赵女士', category: '无法上网', cell: 'hz-0040-1', description: '家中4G信号满格但无法上网' });
  await agent.page.getByTestId('intake-dispatch').click();
  await agent.page.getByTestId('intake-done').waitFor();
  assert.match(await agent.page.getByTestId('intake-done').innerText(), /杭州网优中心/);

  // NOC: the ticket is in its incoming queue, due soonest first
  await noc.page.getByTestId('nav-queue').click(); // the NOC's home: loaded before the dispatch
  await noc.page.getByTestId('queue-refresh').click();
  await noc.page.getByTestId('queue-table').getByTestId(`ticket-row-${id}`).waitFor();
  await openTicket(noc, h.url, id);
  assert.equal(await statusOf(noc.page), 'dispatched');
  await step(noc, 'triaged', async (p) => {
    await p.getByTestId('step-grade-important').click();
  });
  assert.equal(await noc.page.getByTestId('grade-tag').first().getAttribute('data-grade'), 'important');
  await step(noc, 'forwarded', async (p) => {
    await pick(p, 'step-department', '杭州维护部');
    await p.getByTestId('step-reason').fill('疑似基站传输故障，请维护部排查');
  });
  await noc.page.getByTestId('ticket-assignee').getByText('杭州维护部').waitFor();
  // the history names who forwarded it, from which department to which, and why
  const forward = noc.page.getByTestId('history').locator('[data-type="forwarded"]');
  assert.match(await forward.innerText(), /杭州网优中心[\s\S]*杭州维护部[\s\S]*疑似基站传输故障/);

  // maintenance: the ticket is in the department's queue; final reply with the resolution code
  await maint.page.getByTestId('nav-queue').click();
  await maint.page.getByTestId('queue-refresh').click();
  await maint.page.getByTestId('queue-table').getByTestId(`ticket-row-${id}`).waitFor();
  await openTicket(maint, h.url, id);
  // handlers see the customer's number masked (DESIGN §1)
  assert.match(await maint.page.getByTestId('ticket-msisdn').innerText(), /\*{4}/);
  await step(maint, 'department_replied', async (p) => {
    await p.getByTestId('step-kind-final').click();
    await p.getByTestId('step-text').fill('传输光缆已更换，基站恢复正常');
    await pick(p, 'step-resolution', '故障已修复');
  });
  await maint.page.getByTestId('ticket-assignee').getByText('杭州网优中心').waitFor();

  // NOC: reviews the reply and returns the final result to the complaint centre
  await openTicket(noc, h.url, id);
  await step(noc, 'noc_replied', async (p) => {
    await p.getByTestId('step-kind-final').click();
    await p.getByTestId('step-text').fill('基站传输故障已修复，请回复客户');
    await pick(p, 'step-resolution', '故障已修复');
  });
  assert.equal(await statusOf(noc.page), 'replied');

  // agent: the final reply to the customer from the reply queue, then the follow-up and close
  await agent.page.getByTestId('nav-queue').click();
  const row = agent.page.getByTestId('queue-table').getByTestId(`ticket-row-${id}`);
  await row.waitFor();
  await row.getByTestId('action-customer_contacted').click();
  await agent.page.getByTestId('step-form').waitFor();
  await agent.page.getByTestId('step-text').fill('已告知客户故障已修复');
  await agent.page.getByTestId('step-form-submit').click();
  await agent.page.getByTestId('step-form').waitFor({ state: 'detached' });
  await agent.page.getByTestId('queue-tab-followUp').click();
  await agent.page.getByTestId('queue-table').getByTestId(`ticket-row-${id}`).waitFor();
  await openTicket(agent, h.url, id);
  assert.equal(await statusOf(agent.page), 'customer_replied');
  await step(agent, 'followed_up', async (p) => {
    await p.getByTestId('step-score-10').click();
    await p.getByTestId('step-comment').fill('处理很及时');
  });
  assert.equal(await statusOf(agent.page), 'followed_up');
  await step(agent, 'closed');
  assert.equal(await statusOf(agent.page), 'closed');

  // the whole way is in the history, in order
  const t = await h.api('supervisor', 'GET', `/api/v1/tickets/${id}`);
  assert.deepEqual(
    t.events.map((e: any) => e.type).filter((x: string) => !['clock_warned', 'regraded', 'marked_repeat', 'hotspot_joined'].includes(x)),
    ['created', 'dispatched', 'triaged', 'forwarded', 'department_replied', 'noc_replied', 'customer_contacted', 'followed_up', 'closed'],
  );
  assert.equal(t.resolution, 'fault_repaired');
  assert.equal(t.events.find((e: any) => e.type === 'followed_up').score, 10);
  // a closed ticket offers the agent only reopening and notes
  assert.equal(await agent.page.getByTestId('ticket-actions').getByTestId('action-followed_up').count(), 0);
  assertNoErrors(agent, noc, maint);
  });
  await Promise.all([agent.close(), noc.close(), maint.close()]);
});

test('a supervisor sees an overdue ticket in the overdue list', async () => {
  // taken in three days ago with a 2-hour promise: the commitment clock is long past due
  const reportedAt = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
  const t = await h.api('agent', 'POST', '/api/v1/tickets', {
    channel: 'hotline', customer: { msisdn: '13600002222' }, category: 'network.slow_data', cellId: 'hz-0041-1',
    description: '上网很慢，已经三天了', reportedAt, commitmentHours: 2,
  });
  await h.api('agent', 'POST', `/api/v1/tickets/${t.id}/events`, { type: 'dispatched' });
  // the timer records the breach within a second or two
  let state = '';
  for (let i = 0; i < 40 && state !== 'breached'; i++) {
    state = (await h.api('supervisor', 'GET', `/api/v1/tickets/${t.id}`)).clockState;
    if (state !== 'breached') await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(state, 'breached');

  const sup = await h.signIn('supervisor');
  const { page } = sup;
  await page.getByTestId('nav-overdue').click();
  await page.getByTestId('page-overdue').waitFor();
  const row = page.getByTestId('overdue-table').getByTestId(`ticket-row-${t.id}`);
  await row.waitFor();
  assert.equal(await row.getByTestId('status-tag').getAttribute('data-status'), 'dispatched');
  assert.match(await row.getByTestId('due-countdown').innerText(), /超时/);
  assert.ok(Number(await page.getByTestId('overdue-breached-count').innerText()) >= 1);

  // the breach escalated to the supervisor: the bell counts it and the ticket's history says so
  await page.getByTestId('notifications-bell').click();
  await page.getByTestId('notifications-popover').getByText(String(t.id)).first().waitFor();
  await page.getByTestId('notifications-bell').click();
  await page.getByTestId('notifications-popover').waitFor({ state: 'hidden' });
  await row.getByTestId(`ticket-link-${t.id}`).click();
  await page.getByTestId('ticket-title').waitFor();
  await page.getByTestId('clock-commitment').and(page.locator('[data-state="breached"]')).waitFor();
  await page.getByTestId('history').locator('[data-type="escalated"]').first().waitFor();
  assertNoErrors(sup);
  await sup.close();
});

test('an auditor reads a ticket and its history, read-only', async () => {
  const list = await h.api('auditor', 'GET', '/api/v1/tickets?status=closed&order=newest&limit=1');
  const id = list.items[0]?.id ?? (await h.api('auditor', 'GET', '/api/v1/tickets?order=newest&limit=1')).items[0].id;
  const auditor = await h.signIn('auditor');
  const { page } = auditor;
  await page.getByTestId('global-search').fill(String(id));
  await page.getByTestId('global-search').press('Enter');
  await page.waitForURL((u) => u.pathname === `/tickets/${id}`);
  await page.getByTestId('ticket-title').waitFor();
  const events = page.getByTestId('history').locator('[data-type]');
  assert.ok((await events.count()) >= 2, 'the history is shown');
  // no step is offered: no action bar, no step buttons
  assert.equal(await page.getByTestId('ticket-actions').count(), 0);
  assert.equal(await page.locator('[data-testid^="action-"]').count(), 0);
  // personal data is masked for auditors (DESIGN §1)
  assert.match(await page.getByTestId('ticket-msisdn').innerText(), /\*{4}/);
  // the list too, with no intake or queue in the menu
  assert.equal(await page.getByTestId('nav-intake').count(), 0);
  assert.equal(await page.getByTestId('nav-queue').count(), 0);
  assertNoErrors(auditor);
  await auditor.close();
});
