/**
 * Responses tables for classical analysis: the responses CSV of DESIGN.md (a header row of item
 * ids, optionally a person column `person` or `id`, empty or `NA` = not presented), extended with
 * raw option codes for choice items (scored against a key) and extra columns such as a grouping
 * variable for DIF. Pure: takes text, returns data; the CLI reads the files.
 */

/** Thrown for malformed input, with a message naming the line and column at fault. */
export class ResponsesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponsesError';
  }
}

/** A raw responses table: one row per person, one cell per item (null = not presented / omitted). */
export interface RawResponses {
  itemIds: string[];
  personIds: string[];
  /** cells[person][item]: the raw text of the cell, or null when missing. */
  cells: (string | null)[][];
  /** Non-item columns kept by name (the person column and any `extraColumns` asked for), per person. */
  extra: Record<string, (string | null)[]>;
}

/** Scored responses: cells are integer scores 0..max, or null when not presented. */
export interface ScoredResponses {
  itemIds: string[];
  personIds: string[];
  scores: (number | null)[][];
  /** Highest possible score per item (1 for dichotomous items). */
  maxScores: number[];
}

/** Answer key: item id -> the keyed option (or several options that each score 1). */
export type AnswerKey = Record<string, string | string[]>;

/** Splits one CSV line (RFC 4180 quotes, comma separator). */
function splitCsvLine(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new ResponsesError(`line ${lineNo}: unterminated quoted field`);
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Parses a responses CSV. `extraColumns` names non-item columns to keep aside (for example the
 * DIF grouping column); `omitCodes` are raw values that mean "omitted" (for example `8` in SAT12).
 */
export function parseResponsesCsv(text: string, opts: { extraColumns?: string[]; omitCodes?: string[] } = {}): RawResponses {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new ResponsesError('responses CSV is empty (expected a header row of item ids)');
  const header = splitCsvLine(lines[0], 1);
  const extraNames = new Set(opts.extraColumns ?? []);
  for (const name of extraNames) {
    if (!header.includes(name)) throw new ResponsesError(`line 1: column '${name}' not found in the header (columns: ${header.join(', ')})`);
  }
  const personCol = header.findIndex((h) => (h === 'person' || h === 'id') && !extraNames.has(h));
  const itemCols: number[] = [];
  const seen = new Set<string>();
  header.forEach((h, c) => {
    if (c === personCol || extraNames.has(h)) return;
    if (h === '') throw new ResponsesError(`line 1, column ${c + 1}: empty item id in the header`);
    if (seen.has(h)) throw new ResponsesError(`line 1, column ${c + 1}: duplicate item id '${h}'`);
    seen.add(h);
    itemCols.push(c);
  });
  if (itemCols.length === 0) throw new ResponsesError('line 1: no item columns in the header');
  const omit = new Set(['', 'NA', ...(opts.omitCodes ?? [])]);
  const cells: (string | null)[][] = [];
  const personIds: string[] = [];
  const extra: Record<string, (string | null)[]> = {};
  for (const name of extraNames) extra[name] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const row = splitCsvLine(lines[i], i + 1);
    if (row.length !== header.length) {
      throw new ResponsesError(`line ${i + 1}: ${row.length} fields, but the header has ${header.length}`);
    }
    personIds.push(personCol >= 0 ? row[personCol] : String(cells.length + 1));
    cells.push(itemCols.map((c) => (omit.has(row[c]) ? null : row[c])));
    for (const name of extraNames) {
      const v = row[header.indexOf(name)];
      extra[name].push(v === '' || v === 'NA' ? null : v);
    }
  }
  if (cells.length === 0) throw new ResponsesError('responses CSV has a header but no rows');
  return { itemIds: header.filter((_, c) => itemCols.includes(c)), personIds, cells, extra };
}

/**
 * Parses an answer key: CSV with columns `item,key` (as SAT12's key file), or a JSON object
 * `{"ITEM": "B"}` (a list of options means each scores 1).
 */
export function parseAnswerKey(text: string): AnswerKey {
  const t = text.trim();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (e) {
      throw new ResponsesError(`answer key: not valid JSON (${(e as Error).message})`);
    }
    const key: AnswerKey = {};
    for (const [item, v] of Object.entries(doc as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') key[item] = String(v);
      else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || typeof x === 'number')) key[item] = v.map(String);
      else throw new ResponsesError(`answer key: item '${item}' must map to an option or a list of options`);
    }
    return key;
  }
  const lines = t.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '', 1);
  const itemCol = header.indexOf('item');
  const keyCol = header.indexOf('key');
  if (itemCol < 0 || keyCol < 0) throw new ResponsesError(`answer key CSV: line 1 must have columns 'item' and 'key' (got ${header.join(', ')})`);
  const key: AnswerKey = {};
  for (let i = 1; i < lines.length; i++) {
    const row = splitCsvLine(lines[i], i + 1);
    const item = row[itemCol];
    const k = row[keyCol];
    if (!item || k === undefined || k === '') throw new ResponsesError(`answer key CSV: line ${i + 1} has no item or no key`);
    key[item] = k.includes('|') ? k.split('|') : k;
  }
  return key;
}

/**
 * Scores a raw table. Items with an entry in `key` score 1 when the option is keyed, else 0
 * (omitted cells stay null so the caller chooses how to treat them); other items must hold
 * integer scores already.
 */
export function scoreResponses(raw: RawResponses, key: AnswerKey = {}): ScoredResponses {
  const nItems = raw.itemIds.length;
  const keys = raw.itemIds.map((id) => {
    const k = key[id];
    return k === undefined ? null : new Set(Array.isArray(k) ? k : [k]);
  });
  const maxScores = new Array<number>(nItems).fill(0);
  const scores = raw.cells.map((row, p) =>
    row.map((cell, j) => {
      if (cell === null) return null;
      const k = keys[j];
      if (k) {
        const s = k.has(cell) ? 1 : 0;
        if (s > maxScores[j]) maxScores[j] = s;
        return s;
      }
      const v = Number(cell);
      if (!Number.isInteger(v) || v < 0) {
        throw new ResponsesError(
          `row ${p + 1} (person ${raw.personIds[p]}), item '${raw.itemIds[j]}': '${cell}' is not an integer score ≥ 0` +
            (Object.keys(key).length ? ' and the item has no answer key' : ' (give --key to score option codes)'),
        );
      }
      if (v > maxScores[j]) maxScores[j] = v;
      return v;
    }),
  );
  // A keyed item is dichotomous even when nobody got it right.
  keys.forEach((k, j) => {
    if (k) maxScores[j] = 1;
  });
  for (let j = 0; j < nItems; j++) {
    if (maxScores[j] === 0) maxScores[j] = 1;
  }
  return { itemIds: raw.itemIds.slice(), personIds: raw.personIds.slice(), scores, maxScores };
}
