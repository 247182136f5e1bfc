/** Export of items, tests and banks as QTI 3.0 content packages. */
export { exportPackage, toQti3 } from './package.ts';
export type { ExportInput, ExportItem, ExportTest, ExportResult } from './package.ts';
export { writeManifest } from './manifest.ts';
export { exportInputFrom } from './from-import.ts';
