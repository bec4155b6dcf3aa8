import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Durable commits without blocking the event loop (issue 8).
 *
 * With `synchronous=FULL` SQLite calls fdatasync on the WAL inside COMMIT, and better-sqlite3
 * runs COMMIT on the event loop: every commit froze the whole server for one disk flush
 * (2–40 ms here), in which no request was read, parsed or answered. The connection now runs
 * with `synchronous=NORMAL` — SQLite still writes the WAL frames at commit and still syncs
 * at checkpoints, so the database stays consistent — and netcare flushes the WAL itself, on
 * libuv's thread pool, before it acknowledges anything: a commit's caller waits for an
 * fdatasync that started after the commit. The WAL is append-only between checkpoints, so one
 * flush covers every commit before it; commits that finish while a flush runs share the next.
 *
 * What an acknowledged writer sees is unchanged: its commit is on disk. What changes: a reader
 * on another request may see a commit a few milliseconds before it is durable (as with group
 * commit in other databases); a power cut in that window loses it, and its writer was never
 * told it succeeded.
 */
export class WalSync {
  readonly #walPath: string;
  #fd: number | null = null;
  #ino = -1;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  /** flushes started and finished (for tests and benchmarks) */
  flushes = 0;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.#running) {
      const p = this.#flush().finally(() => { if (this.#running === p) this.#running = null; });
      this.#running = p;
      return p;
    }
    // the running flush may have started before this commit: wait for the one after it
    this.#queued ??= this.#running.then(() => { this.#queued = null; return this.sync(); });
    return this.#queued;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  /** the inode of the WAL file last flushed (tests) */
  get inode(): number { return this.#ino; }

  #flush(): Promise<void> {
    let fd: number;
    try { fd = this.#walFd(); } catch (err) { return Promise.reject(err); }
    return new Promise((resolve, reject) => fdatasync(fd, (err) => {
      this.flushes++;
      if (err) reject(err); else resolve();
    }));
  }

  /** The WAL's descriptor, reopened if the file was replaced (it is deleted when the last connection closes). */
  #walFd(): number {
    const ino = statSync(this.#walPath).ino;
    if (this.#fd === null || ino !== this.#ino) {
      this.close();
      this.#fd = openSync(this.#walPath, 'r');
      this.#ino = fstatSync(this.#fd).ino;
      // a new WAL file's directory entry must reach the disk too, once
      const dir = openSync(dirname(this.#walPath), 'r');
      try { fsyncSync(dir); } finally { closeSync(dir); }
    }
    return this.#fd;
  }
}
