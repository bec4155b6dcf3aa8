import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Db } from '../db/connect.ts';
import type { Clock } from '../shared/clock.ts';
import { systemActor } from '../access/actor.ts';
import { AppError } from '../errors.ts';
import { importCells, type ImportInput } from './import-cells.ts';
import { importSubscribers } from './import-subscribers.ts';

/** Reads an import file: `.csv` as CSV, `.json` as a JSON array, `.ndjson`/`.jsonl` as one JSON row per line. */
export async function readImportFile(file: string): Promise<ImportInput> {
  const text = await readFile(file, 'utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return { csv: text };
  if (ext === '.json') {
    const rows = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (!Array.isArray(rows)) throw new Error(`${file}: expected a JSON array of rows`);
    return { rows };
  }
  if (ext === '.ndjson' || ext === '.jsonl') return { rows: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) };
  throw new Error(`${file}: use a .csv, .json or .ndjson file`);
}

/**
 * `netcare import cells|subscribers FILE` (DESIGN §10): runs the same import as the API as the
 * system actor, with a progress line (rows done / total, rate) on stderr and the outcome on stdout.
 * Exit code 0 when every row was imported, 1 when some were rejected.
 */
export async function importFileCommand(db: Db, clock: Clock, what: 'cells' | 'subscribers', file: string,
  out: { stdout: (s: string) => void; stderr: (s: string) => void } = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const input = await readImportFile(file);
  const started = Date.now();
  let last = 0;
  const onProgress = (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    const rate = Math.round(done / Math.max(0.001, (now - started) / 1000));
    out.stderr(`\r${what}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${total ? Math.floor((done / total) * 100) : 100}%), ${rate.toLocaleString('en')} rows/s   `);
  };
  const ctx = { deps: { db, clock }, actor: systemActor('import'), address: null };
  try {
    const r = what === 'cells' ? await importCells(ctx, input, { onProgress, via: 'cli' }) : await importSubscribers(ctx, input, { onProgress, via: 'cli' });
    out.stderr('\n');
    const secs = (Date.now() - started) / 1000;
    out.stdout(`${what}: ${r.created} created, ${r.updated} updated, ${r.rejected.length} rejected (${secs.toFixed(1)} s)\n`);
    for (const x of r.rejected.slice(0, 100)) {
      const id = 'cellId' in x ? x.cellId : x.region;
      out.stdout(`  row ${x.row}${id ? ` (${id})` : ''}: ${x.reason}\n`);
    }
    if (r.rejected.length > 100) out.stdout(`  … and ${r.rejected.length - 100} more\n`);
    return r.rejected.length ? 1 : 0;
  } catch (e) {
    // a refusal of the whole file (e.g. a CSV without the needed columns) is the caller's to fix
    if (e instanceof AppError) { out.stderr(`\nerror: ${e.message}\n`); return 2; }
    throw e;
  }
}
