import { readFileSync } from 'node:fs';
import { parseCsv, parseTsv, type Row } from './tsv.ts';

/**
 * Reads the project's own copies of the domain tables, resolved relative to this module so the
 * service, the CLI and the tests never depend on the working directory or on ../shared.
 */
const cache = new Map<string, Row[]>();

/** Rows of a table under analytics/domain/data (path like 'onet/onet_29_3_job_zones.tsv'). */
export function readTable(relPath: string): Row[] {
  let rows = cache.get(relPath);
  if (!rows) {
    const text = readFileSync(new URL(`./data/${relPath}`, import.meta.url), 'utf8');
    rows = relPath.endsWith('.csv') ? parseCsv(text, relPath) : parseTsv(text, relPath);
    cache.set(relPath, rows);
  }
  return rows;
}
