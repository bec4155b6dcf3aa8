import { it } from 'node:test';
import assert from 'node:assert/strict';
import { checkStep, STATUSES, STEP_TYPES, type StepType } from '../../src/tickets/workflow.ts';
import { ROLES, type Role } from '../../src/access/roles.ts';
import { AppError } from '../../src/errors.ts';
import type { Actor } from '../../src/access/actor.ts';

/** DESIGN §11 event table: who may take each step. */
const WHO: Record<StepType, Role[]> = {
  resolved_at_intake: ['agent'], dispatched: ['agent'], triaged: ['noc'], forwarded: ['noc'], escalated: ['noc', 'handler'],
  department_replied: ['handler', 'expert'], noc_replied: ['noc'], customer_contacted: ['agent'], followed_up: ['agent', 'api'],
  closed: ['agent'], reopened: ['agent', 'supervisor'], noted: ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'api'],
};

/** In which states each step is possible, for a network ticket held by the NOC or by a department (§3). */
function allowed(type: StepType, status: string, atNoc: boolean, input: Record<string, any>): boolean {
  switch (type) {
    case 'resolved_at_intake': case 'dispatched': return status === 'new';
    case 'triaged': return status === 'dispatched' || status === 'in_progress';
    case 'forwarded': return status === 'in_progress';
    case 'escalated': return input.to === 'expert' ? status === 'in_progress' : status === 'dispatched' || status === 'in_progress';
    case 'department_replied': return status === 'in_progress' && !atNoc;
    case 'noc_replied': return status === 'in_progress' && (input.kind !== 'final' || atNoc);
    case 'customer_contacted': return input.kind === 'final' ? status === 'replied' : ['dispatched', 'in_progress', 'replied'].includes(status);
    case 'followed_up': return status === 'customer_replied';
    case 'closed': return status === 'followed_up';
    case 'reopened': return ['closed', 'followed_up', 'customer_replied'].includes(status);
    case 'noted': return true;
  }
}

const INPUTS: Record<string, Record<string, any>[]> = {
  escalated: [{ to: 'expert' }, { to: 'supervisor' }], noc_replied: [{ kind: 'initial' }, { kind: 'final' }],
  customer_contacted: [{ kind: 'initial' }, { kind: 'final' }], department_replied: [{ kind: 'initial' }, { kind: 'final' }],
};

const actor = (role: Role): Actor => ({ kind: role === 'api' ? 'api' : 'user', id: 1, name: role, role, regionId: 'hz', departmentId: null, isProvince: false, regionSubtreeIds: ['hz'] });

it('answers every step × state × role as the design says: 403 for the role, 409 for the state', () => {
  let checked = 0;
  for (const type of STEP_TYPES) for (const status of STATUSES) for (const role of ROLES) for (const atNoc of [true, false]) for (const input of INPUTS[type] ?? [{}]) {
    const ticket = { status, isNetwork: true, nocDepartmentId: 'hz-noc', assigneeDepartmentId: atNoc ? 'hz-noc' : 'hz-maintenance', resolvedAtIntake: false, triaged: status !== 'dispatched' };
    let got = 'ok';
    try { checkStep(type, ticket, actor(role), input); } catch (e) { got = e instanceof AppError ? String(e.status) : 'crash'; }
    const want = !WHO[type].includes(role) ? '403' : (status === 'closed' && type !== 'reopened' && type !== 'noted') || !allowed(type, status, atNoc, input) ? '409' : 'ok';
    assert.equal(got, want, `${type} ${JSON.stringify(input)} in ${status} (${atNoc ? 'at NOC' : 'at a department'}) by ${role}`);
    checked++;
  }
  assert.ok(checked > 1000);
});

it('lets a ticket answered at intake be closed without a NOC round', () => {
  const t = { status: 'customer_replied', isNetwork: true, nocDepartmentId: null, assigneeDepartmentId: null, resolvedAtIntake: true, triaged: false };
  assert.doesNotThrow(() => checkStep('closed', t, actor('agent'), {}));
});

it('keeps a department from replying for another department, and a NOC from another city', () => {
  const t = { status: 'in_progress', isNetwork: true, nocDepartmentId: 'hz-noc', assigneeDepartmentId: 'hz-maintenance', resolvedAtIntake: false, triaged: true };
  const other = { ...actor('handler'), departmentId: 'hz-optimisation' };
  assert.throws(() => checkStep('department_replied', t, other, { kind: 'final' }), (e: any) => e.status === 403);
  const otherNoc = { ...actor('noc'), departmentId: 'nb-noc' };
  assert.throws(() => checkStep('forwarded', t, otherNoc, {}), (e: any) => e.status === 403);
});
