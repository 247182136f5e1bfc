/** Score reporting after a session: scaled scores, summed-score tables, classification. */
export * from './scale.ts';
export * from './summed.ts';
export * from './classify.ts';
export * from './frameworks.ts';
export * from './vn.ts';
export { normalCdf } from './normal.ts';
