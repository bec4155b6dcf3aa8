import { errors } from '../errors.ts';

/**
 * Parses RFC 4180 CSV: quoted fields with `""` escapes and line breaks, CRLF or LF, a leading
 * UTF-8 BOM (Excel) ignored, blank lines skipped. Each record keeps the line it starts on.
 */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let end = false;
    while (!end) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw errors.validation(`CSV line ${start}: a quoted field is not closed`, { line: start });
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') { value += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        // after a closing quote only a separator or the end of the record may follow
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw errors.validation(`CSV line ${line}: unexpected text after a closing quote`, { line });
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(from, i);
      }
      fields.push(value);
      if (i >= n) end = true;
      else if (text[i] === ',') i++;
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        end = true;
      }
    }
    if (!(fields.length === 1 && fields[0].trim() === '')) out.push({ fields, line: start });
  }
  return out;
}

/**
 * CSV text to objects keyed by header names (trimmed). Missing required columns refuse the whole
 * file; a record with the wrong number of fields becomes `{ error }` so the import can reject just that row.
 */
export function csvRecords(text: string, required: readonly string[]): { record: Record<string, string> | null; error: string | null; line: number }[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw errors.validation('the CSV is empty: expected a header line', { required });
  const header = rows[0].fields.map((h) => h.trim());
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length) throw errors.validation(`the CSV header lacks column(s) ${missing.join(', ')}`, { missing, header });
  return rows.slice(1).map(({ fields, line }) => {
    if (fields.length !== header.length) return { record: null, error: `line ${line} has ${fields.length} fields, the header has ${header.length}`, line };
    const record: Record<string, string> = {};
    header.forEach((h, k) => { record[h] = fields[k].trim(); });
    return { record, error: null, line };
  });
}
