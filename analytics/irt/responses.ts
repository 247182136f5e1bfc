/**
 * Response matrices for calibration: a dense persons × items grid of integer categories with
 * −1 for "not presented / not answered", and the DESIGN.md responses-CSV reader.
 */

/** Persons × items matrix of scored categories, row-major; −1 = missing (not presented). */
export interface ResponseMatrix {
  itemIds: string[];
  personIds?: string[];
  nPersons: number;
  nItems: number;
  /** Row-major, data[i * nItems + j]; −1 for missing. */
  data: Int16Array;
}

/** Thrown by {@link parseResponsesCsv} with the row and column of the bad cell. */
export class ResponsesCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponsesCsvError';
  }
}

/** Builds a matrix from row arrays (null/undefined/NaN/negative = missing). */
export function responseMatrix(itemIds: string[], rows: ArrayLike<number | null | undefined>[], personIds?: string[]): ResponseMatrix {
  const nItems = itemIds.length;
  const data = new Int16Array(rows.length * nItems);
  rows.forEach((row, i) => {
    for (let j = 0; j < nItems; j++) {
      const v = row[j];
      data[i * nItems + j] = v === null || v === undefined || !(v >= 0) ? -1 : v;
    }
  });
  return { itemIds, personIds, nPersons: rows.length, nItems, data };
}

function splitCsvLine(line: string): string[] {
  // Response files hold ids and integers only; quoted fields are still accepted for ids.
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parses the responses CSV of DESIGN.md: a header row of item ids, optionally preceded by a
 * person-id column named `person` or `id`; each cell an integer category ≥ 0, or empty / `NA`
 * for not presented. Errors name the line (1-based, header = line 1) and the column (item id).
 */
export function parseResponsesCsv(text: string): ResponseMatrix {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new ResponsesCsvError('responses CSV is empty (expected a header row of item ids)');
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const hasPerson = header.length > 0 && /^(person|id)$/i.test(header[0]);
  const itemIds = hasPerson ? header.slice(1) : header;
  if (itemIds.length === 0) throw new ResponsesCsvError('responses CSV line 1: no item columns in the header');
  const seen = new Set<string>();
  itemIds.forEach((id, k) => {
    if (id === '') throw new ResponsesCsvError(`responses CSV line 1, column ${k + 1 + (hasPerson ? 1 : 0)}: empty item id`);
    if (seen.has(id)) throw new ResponsesCsvError(`responses CSV line 1: duplicate item id "${id}"`);
    seen.add(id);
  });
  const nItems = itemIds.length;
  const width = header.length;
  const body = lines.slice(1);
  const data = new Int16Array(body.length * nItems);
  const personIds: string[] | undefined = hasPerson ? [] : undefined;
  let n = 0;
  for (let r = 0; r < body.length; r++) {
    const line = body[r];
    if (line.trim() === '') continue; // blank lines carry no person
    const cells = splitCsvLine(line);
    const lineNo = r + 2;
    if (cells.length !== width) throw new ResponsesCsvError(`responses CSV line ${lineNo}: expected ${width} cells (as in the header), found ${cells.length}`);
    if (personIds) personIds.push(cells[0].trim());
    for (let j = 0; j < nItems; j++) {
      const raw = cells[j + (hasPerson ? 1 : 0)].trim();
      let v = -1;
      if (raw !== '' && raw !== 'NA' && raw !== 'na' && raw !== '.') {
        if (!/^\d+$/.test(raw)) throw new ResponsesCsvError(`responses CSV line ${lineNo}, column "${itemIds[j]}": expected an integer category ≥ 0 or empty/NA, found ${JSON.stringify(raw)}`);
        v = Number(raw);
        if (v > 1000) throw new ResponsesCsvError(`responses CSV line ${lineNo}, column "${itemIds[j]}": category ${v} is implausibly large`);
      }
      data[n * nItems + j] = v;
    }
    n++;
  }
  if (n === 0) throw new ResponsesCsvError('responses CSV has a header but no response rows');
  return { itemIds, personIds, nPersons: n, nItems, data: data.subarray(0, n * nItems) };
}

/** Highest observed category per item (−1 when an item has no responses). */
export function maxCategories(m: ResponseMatrix): Int32Array {
  const out = new Int32Array(m.nItems).fill(-1);
  for (let i = 0; i < m.nPersons; i++) {
    const row = i * m.nItems;
    for (let j = 0; j < m.nItems; j++) if (m.data[row + j] > out[j]) out[j] = m.data[row + j];
  }
  return out;
}
