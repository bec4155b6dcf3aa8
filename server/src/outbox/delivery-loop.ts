import type { BackgroundLoop } from '../background.ts';
import type { Deps } from '../http/deps.ts';
import { DEFAULT_DELIVERY, deliverDue, type DeliveryOptions } from './deliver.ts';
import { fanOut } from './fan-out.ts';

/**
 * One pass of event delivery: fan pending outbox rows out to subscriptions, then try what is due.
 * Returns what the pass did, and how long to wait before the next one (none while work remains).
 */
export async function deliveryPass(deps: Deps, options: Partial<DeliveryOptions> = {}): Promise<{ fannedOut: number; attempts: number; waitMs: number }> {
  const o = { ...DEFAULT_DELIVERY, ...options };
  const fannedOut = await fanOut(deps, o);
  const attempts = await deliverDue(deps, o);
  return { fannedOut, attempts, waitMs: fannedOut >= o.batch || attempts > 0 ? 0 : o.idleMs };
}

/** The delivery loop of every server process (background.ts); processes coordinate through claims in the database. */
export function outboxDeliveryLoop(options: Partial<DeliveryOptions> = {}): BackgroundLoop {
  return { name: 'outbox-delivery', tick: async (deps) => (await deliveryPass(deps, options)).waitMs };
}

export const deliveryLoop = outboxDeliveryLoop();
