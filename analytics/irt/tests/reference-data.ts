/**
 * Locates the classic IRT data sets in ../shared/reference/irt (outside the repository: they are
 * facts from published studies shipped in GPL'd R packages, so they are read, not copied).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseResponsesCsv, type ResponseMatrix } from '../responses.ts';

/** Absolute path of ../shared/reference/irt relative to the repository root. */
export const REFERENCE_DIR = fileURLToPath(new URL('../../../../shared/reference/irt/', import.meta.url));

/** Written reason used when the reference data are absent (tests skip with it). */
export const REFERENCE_MISSING = `reference data sets not found at ${REFERENCE_DIR} (the sibling ../shared checkout is absent), so the comparisons with ltm/mirt cannot run`;

export const referenceAvailable = existsSync(REFERENCE_DIR + 'lsat6.csv');

/** Reads a reference CSV as a response matrix; `shift` is subtracted from every cell (polytomous files are coded from 1). */
export function readReference(name: string, shift = 0): ResponseMatrix {
  const m = parseResponsesCsv(readFileSync(REFERENCE_DIR + name, 'utf8'));
  if (shift) for (let i = 0; i < m.data.length; i++) if (m.data[i] >= 0) m.data[i] -= shift;
  return m;
}

/** Reads a pattern table (items…, freq) and expands it to one row per person. */
export function readPatterns(name: string): ResponseMatrix {
  const lines = readFileSync(REFERENCE_DIR + name, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const itemIds = header.slice(0, -1);
  const rows: number[][] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map(Number);
    const f = cells.pop()!;
    for (let k = 0; k < f; k++) rows.push(cells);
  }
  const J = itemIds.length;
  const data = new Int16Array(rows.length * J);
  rows.forEach((r, i) => r.forEach((v, j) => (data[i * J + j] = v)));
  return { itemIds, nPersons: rows.length, nItems: J, data };
}
