/**
 * Minimal readers for the tab- and comma-separated tables under ./data. The tables are small,
 * UTF-8 and machine-written, so a strict reader that names the file and line on a bad row is
 * enough; no dependency is needed.
 */

/** One row of a table, keyed by the header names. */
export type Row = Record<string, string>;

/** Parse a TSV text (header row first). Fields never contain tabs or newlines. */
export function parseTsv(text: string, source = 'table'): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error(`${source}: empty table`);
  const header = lines[0].split('\t');
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    if (cells.length > header.length) throw new Error(`${source}:${i + 2}: ${cells.length} cells, header has ${header.length}`);
    const row: Row = {};
    header.forEach((h, j) => (row[h] = cells[j] ?? ''));
    return row;
  });
}

/** Parse an RFC 4180 CSV text (quoted fields, doubled quotes) with a header row. */
export function parseCsv(text: string, source = 'table'): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { record.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      record.push(field); field = '';
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
    } else field += ch;
  }
  if (quoted) throw new Error(`${source}: unterminated quoted field`);
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  if (records.length === 0) throw new Error(`${source}: empty table`);
  const header = records[0];
  return records.slice(1).map((cells, i) => {
    if (cells.length !== header.length) throw new Error(`${source}:${i + 2}: ${cells.length} cells, header has ${header.length}`);
    const row: Row = {};
    header.forEach((h, j) => (row[h] = cells[j]));
    return row;
  });
}

/** A number from a cell; empty cells give null, anything else that is not a number throws. */
export function num(cell: string | undefined, where: string): number | null {
  if (cell === undefined || cell.trim() === '') return null;
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new Error(`${where}: '${cell}' is not a number`);
  return v;
}
