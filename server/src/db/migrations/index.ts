import type { Migration } from './helpers.ts';
import { organisation } from './0001-organisation.ts';
import { network } from './0002-network.ts';
import { tickets } from './0003-tickets.ts';
import { hotspots } from './0004-hotspots.ts';
import { kpis } from './0005-kpis.ts';
import { hub } from './0006-hub.ts';
import { queueOrder } from './0007-queue-order.ts';
import { openQueue } from './0008-open-queue.ts';

/** Every migration in order. Append only: a released migration is never edited. */
export const migrations: Migration[] = [organisation, network, tickets, hotspots, kpis, hub, queueOrder, openQueue];
