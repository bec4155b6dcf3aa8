import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';

/**
 * Hotspot detection (DESIGN §4), run in the transaction that stores a ticket.
 * Filled in by the hotspot work (issue 4).
 */
export async function detectHotspots(_trx: Q, _deps: Deps, _ticketId: number, _now: number): Promise<void> {}
