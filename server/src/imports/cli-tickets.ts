import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Deps } from '../http/deps.ts';
import { systemActor } from '../access/actor.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { loadPii } from '../pii/pii.ts';
import { systemClock } from '../shared/clock.ts';
import { importTickets, type TicketImportInput, type TicketImportResult } from './import-tickets.ts';

export interface CliOutput { stdout: (s: string) => void; stderr: (s: string) => void }
const processOutput: CliOutput = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

/**
 * Reads a ticket import file: a JSON array (`.json`, or any file starting with `[`) or NDJSON
 * (one ticket per line). NDJSON stays text, so a broken line is one rejected row, not a failed file.
 */
export async function readTicketFile(file: string): Promise<TicketImportInput> {
  let text = await readFile(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = extname(file).toLowerCase();
  if (ext === '.json' || (ext !== '.ndjson' && ext !== '.jsonl' && text.trimStart().startsWith('['))) {
    const rows = JSON.parse(text);
    if (!Array.isArray(rows)) throw new Error(`${file}: expected a JSON array of tickets`);
    return { rows };
  }
  return { ndjson: text };
}

/**
 * Imports a ticket file with the deps given, as the system (`import:cli` in the history), with a
 * progress line on stderr (rows done / total, rate) and the outcome on stdout.
 * Exit code 0 when no row was rejected, 1 when some were.
 */
export async function importTicketFile(deps: Deps, file: string, out: CliOutput = processOutput): Promise<{ code: number; result: TicketImportResult }> {
  const input = await readTicketFile(file);
  const started = Date.now();
  let last = 0;
  const onProgress = (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    const rate = Math.round(done / Math.max(0.001, (now - started) / 1000));
    out.stderr(`\rtickets: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${total ? Math.floor((done / total) * 100) : 100}%), ${rate.toLocaleString('en')} rows/s   `);
  };
  const root = await deps.db.kysely.selectFrom('region').select('id').where('parentId', 'is', null).orderBy('id').executeTakeFirst();
  const result = await importTickets(deps, systemActor('cli', root?.id ?? ''), input, { onProgress });
  out.stderr('\n');
  const secs = (Date.now() - started) / 1000;
  out.stdout(`tickets: ${result.created} created, ${result.skipped} skipped, ${result.rejected.length} rejected (${secs.toFixed(1)} s)\n`);
  for (const x of result.rejected.slice(0, 100)) out.stdout(`  row ${x.row}${x.externalId ? ` (${x.externalId})` : ''}: ${x.reason}\n`);
  if (result.rejected.length > 100) out.stdout(`  … and ${result.rejected.length - 100} more\n`);
  return { code: result.rejected.length ? 1 : 0, result };
}

/** `netcare import tickets FILE` (DESIGN §10): opens the configured database and imports the file. */
export async function importTicketsCommand(file: string): Promise<number> {
  const config = loadConfig();
  const db = openDb(config.databaseUrl);
  try {
    await migrate(db);
    const deps: Deps = { db, config, clock: systemClock, pii: loadPii(process.env, config.dataDir) };
    return (await importTicketFile(deps, file)).code;
  } finally {
    await db.close();
  }
}
