import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';
import { systemActor } from '../access/actor.ts';
import { slaSettings } from '../sla/policies.ts';
import { changeTicket } from '../tickets/change.ts';
import { appendEvent } from '../tickets/events.ts';
import { clockSummary, retimeClocks } from '../tickets/clock-store.ts';
import { gradeProposal } from '../tickets/grade-proposal.ts';
import { updateTicket, type Ticket } from '../tickets/repository.ts';
import { addOutbox } from '../outbox/outbox.ts';

const SYSTEM = systemActor('hotspots');

/**
 * Makes a ticket a member of a hotspot group (DESIGN §4): `hotspot_id` set, grade `important` at
 * once (§3 step 2) with its running clocks re-timed from their start (§5), and the system events
 * `hotspot_joined` (and `regraded` when the grade changed) in its history at `at`, the event time
 * at which it joined. `from` is the group it leaves when groups merge.
 */
export async function joinHotspot(trx: Q, deps: Deps, ticketId: number, j: { hotspotId: number; problemId: number | null; from: number | null; at: number }, now: number): Promise<void> {
  await changeTicket(trx, deps, ticketId, async () => {
    let q = trx.selectFrom('ticket').selectAll().where('id', '=', ticketId);
    // a workflow step on the same ticket waits for us (it locks the row too), so no update is lost
    if (deps.db.engine === 'postgres') q = q.forUpdate();
    const t: Ticket = await q.executeTakeFirstOrThrow();
    if (t.hotspotId === j.hotspotId) return;
    const proposal = gradeProposal({ vip: !!t.customerVip, repeat: !!t.isRepeat, channel: t.channel, hotspot: true });
    const changes: Partial<Ticket> = { hotspotId: j.hotspotId, gradeProposal: proposal ? JSON.stringify(proposal) : null };
    const at = Math.max(j.at, t.reportedAt);
    const joined = await appendEvent(trx, {
      ticketId, type: 'hotspot_joined', at, actor: SYSTEM,
      data: { hotspotId: j.hotspotId, ...(j.problemId != null ? { problemId: j.problemId } : {}), ...(j.from != null ? { mergedFrom: j.from } : {}) },
    }, now);
    await addOutbox(trx, { topic: 'ticket.hotspot_joined', ticketId, payload: { ticketId, eventId: joined, type: 'hotspot_joined', hotspotId: j.hotspotId }, at: now });
    if (t.grade !== 'important') {
      changes.grade = 'important';
      const sla = await slaSettings(trx, now);
      await retimeClocks(trx, sla, { ...t, grade: 'important' });
      const regraded = await appendEvent(trx, { ticketId, type: 'regraded', at, actor: SYSTEM, data: { previousGrade: t.grade, grade: 'important', reason: 'hotspot', hotspotId: j.hotspotId } }, now);
      await addOutbox(trx, { topic: 'ticket.regraded', ticketId, payload: { ticketId, eventId: regraded, type: 'regraded' }, at: now });
      Object.assign(changes, await clockSummary(trx, ticketId, now));
    }
    await updateTicket(trx, t, changes, now);
  });
}
