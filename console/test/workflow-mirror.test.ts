// The console's copy of the workflow rules (console/src/components/tickets/workflow.ts) must
// answer as the server's checkStep does, for every step, state, role, department and input.
// Run: node --import tsx --test console/test/workflow-mirror.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStep, EVENT_ROLES as SERVER_ROLES, STATUSES } from '../../server/src/tickets/workflow.ts';
import type { Actor } from '../../server/src/access/actor.ts';
import type { Role } from '../../server/src/access/roles.ts';
import { EVENT_ROLES, refusal, STEP_TYPES, type StepInput } from '../src/components/tickets/workflow.ts';
import { TICKET_STATUSES } from '../src/types.ts';

test('the same steps, roles and statuses as the server', () => {
  assert.deepEqual(EVENT_ROLES, SERVER_ROLES);
  assert.deepEqual([...TICKET_STATUSES], [...STATUSES]);
});

test('refusal() agrees with checkStep() everywhere', () => {
  Error.stackTraceLimit = 0; // ~100,000 refusals: no stack traces needed
  const roles: Role[] = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor', 'api'];
  const departments = [null, 'noc', 'maint', 'other'];
  const places = [
    { nocDepartmentId: null, assigneeDepartmentId: null },
    { nocDepartmentId: 'noc', assigneeDepartmentId: 'noc' },
    { nocDepartmentId: 'noc', assigneeDepartmentId: 'maint' },
    { nocDepartmentId: null, assigneeDepartmentId: 'maint' },
  ];
  const inputs: StepInput[] = [{}, { kind: 'initial' }, { kind: 'progress' }, { kind: 'final' }, { to: 'expert' }, { to: 'supervisor' }];
  let compared = 0;
  for (const type of STEP_TYPES) for (const status of STATUSES) for (const role of roles) for (const dept of departments)
    for (const place of places) for (const isNetwork of [true, false]) for (const resolvedAtIntake of [true, false]) for (const input of inputs) {
      const actor: Actor = { kind: 'user', id: 1, name: 'u', role, regionId: 'hz', departmentId: dept, isProvince: false, regionSubtreeIds: ['hz'] };
      let server: number | null = null;
      try {
        checkStep(type, { status, isNetwork, resolvedAtIntake, triaged: status !== 'dispatched', ...place }, actor, input);
      } catch (e) {
        server = (e as { status: number }).status;
      }
      const r = refusal(type, { status, isNetwork, resolvedAtIntake, nocDepartment: place.nocDepartmentId, assigneeDepartment: place.assigneeDepartmentId }, { role, departmentId: dept }, input);
      const console_ = r === null ? null : r === 'state' ? 409 : 403;
      assert.equal(console_, server, `${type} ${status} ${role}/${dept} ${JSON.stringify(place)} network=${isNetwork} ${JSON.stringify(input)}`);
      compared++;
    }
  assert.ok(compared > 10_000);
});
