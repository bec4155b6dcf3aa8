import type { Deps } from '../http/deps.ts';
import { seedNetworkDemo } from '../network/demo.ts';
import { seedDemoTickets } from './tickets.ts';

/**
 * Demo data beyond the organisation: each domain adds its step here (cells, network issues,
 * a day of tickets through every stage). Runs once, on an empty database.
 */
export async function seedDemo(deps: Deps, log: (msg: string) => void): Promise<void> {
  // the organisation is seeded by bootstrap
  await seedNetworkDemo(deps.db, { timeZone: deps.config.timeZone, now: deps.clock.now(), log });
  await seedDemoTickets(deps, log);
}
