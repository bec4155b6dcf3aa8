import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replayStatus, statusAfter, tmfStatusOf, netcareStatusesOf, type HistoryEvent } from '../../src/tmf621/status.ts';
import { parseHubQuery, planTmfEvents, type OutboxMessage } from '../../src/tmf621/events.ts';
import { parsePatch } from '../../src/tmf621/patch.ts';
import { parseFields, selectFields } from '../../src/tmf621/fields.ts';
import { entityKind } from '../../src/tmf621/create.ts';
import type { TicketBundle } from '../../src/tmf621/present.ts';

describe('TMF621 status mapping', () => {
  it('maps every netcare status to a TMF status and back', () => {
    const table: [string, boolean, string][] = [
      ['new', false, 'acknowledged'], ['dispatched', false, 'inProgress'], ['in_progress', false, 'inProgress'],
      ['replied', false, 'resolved'], ['customer_replied', false, 'resolved'], ['followed_up', false, 'resolved'],
      ['closed', false, 'closed'], ['closed', true, 'cancelled'],
    ];
    for (const [status, withdrawn, tmf] of table) {
      assert.equal(tmfStatusOf(status, withdrawn), tmf, status);
      const back = netcareStatusesOf(tmf)!;
      assert.ok(back.statuses.includes(status), `${tmf} covers ${status}`);
    }
    for (const s of ['rejected', 'pending', 'held', 'nonsense']) assert.equal(netcareStatusesOf(s), null);
  });

  it('says which history events change the status', () => {
    const table: [string, Record<string, unknown>, boolean, string | null][] = [
      ['created', {}, true, 'acknowledged'], ['dispatched', {}, true, 'inProgress'], ['triaged', {}, true, 'inProgress'],
      ['forwarded', {}, true, null], ['escalated', {}, true, null], ['noted', {}, true, null],
      ['department_replied', { kind: 'final' }, true, null], ['department_replied', { kind: 'final' }, false, 'resolved'],
      ['department_replied', { kind: 'initial' }, false, null], ['noc_replied', { kind: 'initial' }, true, null],
      ['noc_replied', { kind: 'final' }, true, 'resolved'], ['resolved_at_intake', {}, true, 'resolved'],
      ['customer_contacted', { kind: 'progress' }, true, null], ['customer_contacted', { kind: 'final' }, true, 'resolved'],
      ['followed_up', {}, true, 'resolved'], ['closed', {}, true, 'closed'], ['reopened', {}, true, 'acknowledged'],
      ['withdrawn', {}, true, 'cancelled'], ['clock_warned', {}, true, null], ['updated', {}, true, null],
    ];
    for (const [type, data, isNetwork, want] of table) assert.equal(statusAfter({ type, data }, isNetwork), want, `${type} ${JSON.stringify(data)}`);
  });

  it('replays the history into statusChange, collapsing steps that keep the status', () => {
    const ev = (id: number, type: string, data: Record<string, unknown> = {}): HistoryEvent => ({ id, type, at: id * 1000, data });
    const events = [ev(1, 'created'), ev(2, 'dispatched'), ev(3, 'triaged'), ev(4, 'noted', { text: 'x' }), ev(5, 'noc_replied', { kind: 'final', text: 'fixed' }),
      ev(6, 'customer_contacted', { kind: 'final', text: 'told' }), ev(7, 'followed_up'), ev(8, 'closed', { reason: 'done' })];
    assert.deepEqual(replayStatus(events, true).map((c) => [c.status, c.eventId, c.reason]),
      [['acknowledged', 1, 'created'], ['inProgress', 2, 'dispatched'], ['resolved', 5, 'fixed'], ['closed', 8, 'done']]);
    assert.deepEqual(replayStatus(events, true, 4).map((c) => c.status), ['acknowledged', 'inProgress']);
  });
});

describe('TMF621 notifications of outbox rows', () => {
  const ev = (id: number, type: string, data: Record<string, unknown> = {}): HistoryEvent => ({ id, type, at: id, data });
  const bundle = (events: HistoryEvent[], deletedAt: number | null = null) => ({
    ticket: { id: 1, isNetwork: 1 }, tmf: deletedAt == null ? null : { deletedAt }, events, eventActors: new Map(), commitmentDueAt: null,
  }) as unknown as TicketBundle;
  const msg = (topic: string, payload: Record<string, unknown> = {}, createdAt = 100): OutboxMessage => ({ id: 9, topic, ticketId: 1, payload, createdAt });
  const history = [ev(10, 'created'), ev(11, 'dispatched'), ev(12, 'noted', { text: 'n' }), ev(13, 'triaged', { previousGrade: 'ordinary', grade: 'important' }),
    ev(14, 'forwarded'), ev(15, 'noc_replied', { kind: 'final' }), ev(16, 'updated')];
  const plan = (m: OutboxMessage, events = history, deletedAt: number | null = null) =>
    planTmfEvents(m, bundle(events, deletedAt)).map((p) => [p.eventType.replace('TroubleTicket', '').replace('Event', ''), p.asOfEventId, p.fieldPath ?? null]);

  it('plans the TMF events of each topic', () => {
    assert.deepEqual(plan(msg('ticket.created', { ticketId: 1 })), [['Create', 10, null]]);
    assert.deepEqual(plan(msg('ticket.dispatched', { eventId: 11 })), [['StatusChange', 11, null]]);
    assert.deepEqual(plan(msg('ticket.noted', { eventId: 12 })), [['AttributeValueChange', 12, 'note']]);
    assert.deepEqual(plan(msg('ticket.triaged', { eventId: 13 })), [['AttributeValueChange', 13, 'priority']]);
    assert.deepEqual(plan(msg('ticket.forwarded', { eventId: 14 })), []);
    assert.deepEqual(plan(msg('ticket.noc_replied', { eventId: 15 })), [['StatusChange', 15, null], ['Resolved', 15, null]]);
    assert.deepEqual(plan(msg('ticket.updated', { eventId: 16, fields: ['severity', 'name'] })), [['AttributeValueChange', 16, 'severity,name']]);
    assert.deepEqual(plan(msg('ticket.information_required', { eventId: 12 })), [['InformationRequired', 12, null]]);
    assert.deepEqual(plan(msg('ticket.withdrawn', { eventId: 16, deleted: true })), [['Delete', 16, null]]);
    assert.deepEqual(plan(msg('ticket.withdrawn', { eventId: 16, deleted: false })), [['StatusChange', 16, null]]);
    assert.deepEqual(plan(msg('clock.warned', { ticketId: 1 })), []);
    assert.deepEqual(plan(msg('hotspot.opened', {})), []);
    assert.deepEqual(plan(msg('ticket.noted', { eventId: 12 }, 200), history, 150), [], 'nothing after a TMF deletion');
  });

  it('parses the hub query', () => {
    assert.equal(parseHubQuery(undefined), null);
    assert.equal(parseHubQuery(''), null);
    assert.deepEqual([...parseHubQuery('eventType=TroubleTicketCreateEvent, TroubleTicketResolvedEvent')!], ['TroubleTicketCreateEvent', 'TroubleTicketResolvedEvent']);
    assert.deepEqual([...parseHubQuery('?eventType=TroubleTicketCreateEvent&eventType=TroubleTicketDeleteEvent')!], ['TroubleTicketCreateEvent', 'TroubleTicketDeleteEvent']);
    assert.throws(() => parseHubQuery('eventType=Nope'), /unknown eventType/);
    assert.throws(() => parseHubQuery('status=closed'), /unsupported/);
  });
});

describe('TMF621 request parsing', () => {
  it('reads merge patches: patchable attributes, nulls, notes, and refusals', () => {
    const p = parsePatch({ description: 'd', name: null, severity: 'Minor', status: 'closed', statusChangeReason: 'r', note: [{ id: '3' }, { text: ' new ' }] });
    assert.deepEqual(p.attrs, { description: 'd', name: null, severity: 'Minor' });
    assert.equal(p.status, 'closed');
    assert.deepEqual(p.newNotes, ['new']);
    assert.deepEqual(p.keptNoteIds, [{ id: '3', text: undefined }]);
    assert.throws(() => parsePatch({ priority: 'High' }), /priority is not patchable/);
    assert.throws(() => parsePatch({ statusChange: [] }), /not patchable/);
    assert.throws(() => parsePatch({ foo: 1 }), /unknown attribute/);
    assert.throws(() => parsePatch({ severity: null }), /mandatory/);
    assert.throws(() => parsePatch({ note: [{}] }), /no text/);
    assert.throws(() => parsePatch({ statusChangeReason: 'x' }), /goes with a status/);
    assert.throws(() => parsePatch([]), /JSON object/);
    assert.throws(() => parsePatch({ requestedResolutionDate: '2026-03-05' }), /date-time/);
  });

  it('selects fields and classifies related entities', () => {
    assert.equal(parseFields(undefined), null);
    assert.deepEqual([...parseFields('status, severity')!], ['status', 'severity']);
    assert.deepEqual(selectFields({ id: '1', href: 'h', status: 's', severity: 'x' }, parseFields('status')), { id: '1', href: 'h', status: 's' });
    assert.throws(() => parseFields('status,colour'), /colour/);
    assert.throws(() => parseFields(','), /empty/);
    const kinds: [Record<string, string>, string | null][] = [
      [{ '@referredType': 'Cell' }, 'cell'], [{ role: 'cell' }, 'cell'], [{ role: 'Region' }, 'region'], [{ '@referredType': 'GeographicArea' }, 'region'],
      [{ role: 'network' }, 'network'], [{ '@referredType': 'GeographicAddress' }, 'address'], [{ role: 'location' }, 'location'], [{ role: 'order' }, null],
    ];
    for (const [e, want] of kinds) assert.equal(entityKind(e), want, JSON.stringify(e));
  });
});
