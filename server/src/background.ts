import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from './http/deps.ts';
import { clockTimerLoop } from './tickets/clock-timer.ts';
import { deliveryLoop } from './outbox/delivery-loop.ts';
import { retentionLoop } from './security/retention.ts';

/** A loop the server runs beside the HTTP handlers (clock timers, outbox delivery…). */
export interface BackgroundLoop {
  name: string;
  /** one pass; returns how long to wait before the next */
  tick(deps: Deps): Promise<number>;
}

/** The loops every server process runs; they coordinate through the database (claims), never in memory. */
export const backgroundLoops: BackgroundLoop[] = [clockTimerLoop, deliveryLoop, retentionLoop()];

/** Starts every loop; each pass that throws is logged and retried after a pause. */
export function startBackgroundWork(deps: Deps, log: FastifyBaseLogger, loops: BackgroundLoop[] = backgroundLoops): { stop(): Promise<void> } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  for (const loop of loops) {
    const run = async () => {
      if (stopped) return;
      let wait = 1000;
      const tracked = loop.tick(deps).then((w) => { wait = w; }, (err) => { log.warn({ err: { message: err?.message }, loop: loop.name }, 'background pass failed'); wait = 2000; });
      running.add(tracked);
      await tracked;
      running.delete(tracked);
      if (stopped) return;
      const t = setTimeout(() => { timers.delete(t); void run(); }, wait);
      timers.add(t);
    };
    void run();
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(running);
    },
  };
}
