/**
 * Work a transaction does last, just before its COMMIT (PostgreSQL writes through `db.write`).
 * Counter upserts lock shared aggregate rows until commit; written last, they hold those locks
 * for one round trip instead of the rest of the transaction, and concurrent intakes of one city
 * stop queueing behind each other (kpis/store.ts). Work asked for on a handle that no `db.write`
 * opened (a plain `kysely.transaction()`, SQLite's group commit) runs at once, as before.
 */
type Work = () => Promise<void>;
const queues = new WeakMap<object, Work[]>();

/** Runs `fn`, then the work deferred on `trx` meanwhile, in the order it was asked for. */
export async function withBeforeCommit<T>(trx: object, fn: () => Promise<T>): Promise<T> {
  const queue: Work[] = [];
  queues.set(trx, queue);
  try {
    const result = await fn();
    for (let i = 0; i < queue.length; i++) await queue[i]();
    return result;
  } finally {
    queues.delete(trx);
  }
}

/** True when work on `q` can wait for the end of its transaction. */
export function defersToCommit(q: object): boolean {
  return queues.has(q);
}

/** Runs `work` just before `q`'s transaction commits when it can wait, else now. */
export async function beforeCommit(q: object, work: Work): Promise<void> {
  const queue = queues.get(q);
  if (queue) queue.push(work);
  else await work();
}
