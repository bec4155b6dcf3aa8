/**
 * What the imports page needs to know about a file before and after sending it: its format, the
 * key of every row (numbered as the server numbers them), and each row's outcome from the
 * server's answer. Pure, so `console/test/import-file.test.ts` runs it without a browser.
 */

export const IMPORT_KINDS = ['cells', 'subscribers', 'tickets'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type ImportFormat = 'csv' | 'json' | 'ndjson';

/** Formats each route takes (DESIGN §11): cells and subscribers as CSV or JSON, tickets as JSON or NDJSON. */
export const FORMATS: Record<ImportKind, ImportFormat[]> = {
  cells: ['csv', 'json'],
  subscribers: ['csv', 'json'],
  tickets: ['json', 'ndjson'],
};

export const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

/** The import routes' body limit (server/src/app.ts IMPORT_BODY_LIMIT, DESIGN §11: 100 MiB). */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024;

/** The format of a file from its name, else from its first character. */
export function detectFormat(name: string, text: string): ImportFormat {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'csv') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  return first === '[' ? 'json' : first === '{' ? 'ndjson' : 'csv';
}

/** One row of a file: its number as the server counts it, and the key that names it. */
export interface FileRow {
  row: number;
  key: string | null;
}

/** RFC 4180 records (quoted fields, `""`, line breaks in quotes), blank lines skipped, as the server's parseCsv. */
export function csvRecords(text: string): string[][] {
  const out: string[][] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        while (i < n) {
          if (text[i] === '"') {
            if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            break;
          }
          value += text[i++];
        }
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(from, i);
      }
      fields.push(value);
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      break;
    }
    if (!(fields.length === 1 && fields[0].trim() === '')) out.push(fields);
  }
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

/** The key of a row: the cell id, region · network · month, or the external id. */
export function rowKey(kind: ImportKind, o: unknown): string | null {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  if (kind === 'cells') return str(r.cellId);
  if (kind === 'tickets') return str(r.externalId);
  const parts = [str(r.region), str(r.network), str(r.month)].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * The rows of a file with their keys, numbered as the server numbers them: JSON by position,
 * NDJSON by line, CSV by record after the header. A file that does not parse gives no rows (the
 * server's answer says why).
 */
export function fileRows(kind: ImportKind, format: ImportFormat, text: string): FileRow[] {
  try {
    if (format === 'json') {
      const data = JSON.parse(text) as unknown;
      return Array.isArray(data) ? data.map((o, i) => ({ row: i + 1, key: rowKey(kind, o) })) : [];
    }
    if (format === 'ndjson') {
      const rows: FileRow[] = [];
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        let key: string | null = null;
        try { key = rowKey(kind, JSON.parse(line)); } catch { key = null; }
        rows.push({ row: i + 1, key });
      });
      return rows;
    }
    const [header, ...records] = csvRecords(text);
    if (!header) return [];
    const names = header.map((h) => h.trim());
    return records.map((fields, i) => ({
      row: i + 1,
      key: rowKey(kind, Object.fromEntries(names.map((h, k) => [h, fields[k] ?? '']))),
    }));
  } catch {
    return [];
  }
}

/** The three answers: cells and subscribers count created and updated rows, tickets created and skipped ones. */
export interface ImportAnswer {
  created: number;
  updated?: number;
  skipped?: number;
  rejected: { row: number; reason: string; cellId?: string | null; region?: string | null; externalId?: string | null }[];
  /** tickets: externalId → ticket id, for created and skipped rows */
  ids?: Record<string, number>;
}

/**
 * What happened to a row. The answers count created, updated and skipped rows but name only the
 * rejected ones, so a row that was not rejected is `created`/`updated`/`skipped` when the counts
 * leave no doubt, and `stored` (created or updated) / `imported` (created or already present)
 * otherwise.
 */
export type RowOutcome = 'created' | 'updated' | 'skipped' | 'stored' | 'imported' | 'rejected';

export interface RowResult {
  row: number;
  key: string | null;
  outcome: RowOutcome;
  reason?: string;
  ticketId?: number;
}

/** Every row of the file with its outcome; rejected rows the file parse did not see (a broken line) are added. */
export function rowResults(kind: ImportKind, rows: FileRow[], answer: ImportAnswer): RowResult[] {
  const rejected = new Map(answer.rejected.map((r) => [r.row, r]));
  const second = kind === 'tickets' ? answer.skipped ?? 0 : answer.updated ?? 0;
  const accepted: RowOutcome = answer.created > 0 && second > 0
    ? (kind === 'tickets' ? 'imported' : 'stored')
    : second > 0 ? (kind === 'tickets' ? 'skipped' : 'updated') : 'created';
  const out: RowResult[] = rows.map(({ row, key }) => {
    const r = rejected.get(row);
    if (r) return { row, key: key ?? r.cellId ?? r.region ?? r.externalId ?? null, outcome: 'rejected', reason: r.reason };
    const ticketId = kind === 'tickets' && key ? answer.ids?.[key] : undefined;
    return { row, key, outcome: accepted, ...(ticketId != null ? { ticketId } : {}) };
  });
  const seen = new Set(rows.map((r) => r.row));
  for (const r of answer.rejected) {
    if (!seen.has(r.row)) out.push({ row: r.row, key: r.cellId ?? r.region ?? r.externalId ?? null, outcome: 'rejected', reason: r.reason });
  }
  return out.sort((a, b) => a.row - b.row);
}
