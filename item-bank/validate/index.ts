/** Validation of QTI files and content packages: every problem with file, line and column. */
export { validatePackage, validateFile } from './package.ts';
export type { ImportedItem, ImportedTest, ValidationResult } from './package.ts';
export { checkItem, walkRules } from './item.ts';
export { checkTest } from './test.ts';
export { formatProblem, hasErrors } from '../package/problem.ts';
export type { Problem } from '../package/problem.ts';
