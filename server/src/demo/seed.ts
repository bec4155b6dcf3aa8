import type { Db } from '../db/connect.ts';
import { seedNetworkDemo } from '../network/demo.ts';

/**
 * Demo data beyond the organisation: each domain adds its step here (cells, network issues,
 * a day of tickets through every stage). Runs once, on an empty database.
 */
export async function seedDemo(db: Db, opts: { timeZone: string; now: number; log: (msg: string) => void }): Promise<void> {
  // organisation is seeded by bootstrap; cells and tickets arrive with their domains
  await seedNetworkDemo(db, opts);
}
