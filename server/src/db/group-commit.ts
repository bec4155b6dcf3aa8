import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { COMMIT_CALLER_SYNCS } from './sqlite-driver.ts';
import type { WalSync } from './wal-sync.ts';

interface Job { fn: (q: Kysely<Database>) => Promise<unknown>; resolve: (v: any) => void; reject: (e: unknown) => void }

// compiled once: two of these run for every write (Kysely would build and compile each anew)
const BEGIN = CompiledQuery.raw('begin immediate');
const SAVEPOINT = CompiledQuery.raw('savepoint w');
const RELEASE = CompiledQuery.raw('release w');
const ROLLBACK_TO = CompiledQuery.raw('rollback to w');
const ROLLBACK = CompiledQuery.raw('rollback');
const COMMIT = CompiledQuery.raw('commit');
const COMMIT_DEFERRED = CompiledQuery.raw(COMMIT_CALLER_SYNCS);

/** How many waiting writes one commit takes at most. */
const MAX_BATCH = 256;

/**
 * Group commit for SQLite (issue 8): SQLite has one writer and every durable commit costs an
 * fsync, so writes submitted while a commit is in flight wait and then share the next
 * transaction, each inside its own savepoint. A failing write rolls back to its savepoint
 * alone and rejects; the others commit together, and each promise resolves only after the
 * WAL flush that followed the COMMIT (db/wal-sync.ts): acknowledged means on disk. The next
 * batch runs while a flush is under way. Under no load a write runs at once in a transaction
 * of its own, so latency is unchanged.
 */
export function groupCommitter(kysely: Kysely<Database>, wal: WalSync | null): <T>(fn: (q: Kysely<Database>) => Promise<T>) => Promise<T> {
  const queue: Job[] = [];
  let running = false;

  const drain = async () => {
    while (queue.length) {
      const batch = queue.splice(0, MAX_BATCH);
      const done: { job: Job; value: unknown }[] = [];
      try {
        await kysely.connection().execute(async (conn) => {
          await conn.executeQuery(BEGIN);
          try {
            for (const job of batch) {
              await conn.executeQuery(SAVEPOINT);
              try {
                const value = await job.fn(conn);
                await conn.executeQuery(RELEASE);
                done.push({ job, value });
              } catch (err) {
                await conn.executeQuery(ROLLBACK_TO);
                await conn.executeQuery(RELEASE);
                job.reject(err);
              }
            }
            await conn.executeQuery(wal ? COMMIT_DEFERRED : COMMIT);
          } catch (err) {
            await conn.executeQuery(ROLLBACK).catch(() => {});
            throw err;
          }
        });
      } catch (err) {
        // the commit itself failed: nothing of this batch was acknowledged
        for (const d of done) d.job.reject(err);
        continue;
      }
      const flushed = wal ? wal.sync() : Promise.resolve();
      flushed.then(
        () => { for (const d of done) d.job.resolve(d.value); },
        // committed but not known to be on disk: not acknowledged as a success
        (err: unknown) => { for (const d of done) d.job.reject(err); },
      );
    }
    running = false;
  };

  return <T>(fn: (q: Kysely<Database>) => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push({ fn, resolve, reject });
    // better-sqlite3 answers synchronously, so a write runs start to commit without yielding to the
    // event loop: wait one turn first, so requests already read from their sockets can join the batch
    if (!running) { running = true; setImmediate(drain); }
  });
}
