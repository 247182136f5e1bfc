/**
 * Domain reference data used at run time (project copies of ../shared/domain; attributions in
 * NOTICE.md). Pure: reads only its own files under ./data, relative to this module.
 */
export * from './onet.ts';
export * from './vn.ts';
export * from './subjects.ts';
export * from './fields.ts';
export { readTable } from './files.ts';
export { parseTsv, parseCsv } from './tsv.ts';
