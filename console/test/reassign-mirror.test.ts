// The console offers reassignment exactly where the server takes it (server/src/tickets/reassign.ts).
// Run: node --import tsx --test console/test/reassign-mirror.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reassignableKinds } from '../../server/src/tickets/reassign.ts';
import { STATUSES } from '../../server/src/tickets/workflow.ts';
import { reassignKinds } from '../src/components/tickets/reassign.ts';

test('reassignKinds() agrees with the server\'s reassignableKinds() for every status', () => {
  for (const status of STATUSES) for (const isNetwork of [true, false]) {
    const server = reassignableKinds({ status, isNetwork });
    assert.deepEqual(reassignKinds({ status, isNetwork }), 'kinds' in server ? [...server.kinds] : null, `${status} ${isNetwork}`);
  }
});
