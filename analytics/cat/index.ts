/**
 * Public surface of analytics/cat for the delivery engine and tools:
 *
 *   const bank = prepareBank(catItemsFromParameters(json));     // once per bank
 *   const design = parseCatDesign(sectionDesignJson);             // once per test section
 *   const next = catStep(bank, design, { responses }, mulberry32(seedFromString(sessionId)));
 */
export { prepareBank, CatError, type PreparedBank, type PrepareOptions } from './bank.ts';
export { catStep } from './step.ts';
export { parseCatDesign } from './design.ts';
export { catItemsFromParameters, catItemsFromCsv } from './params.ts';
export { mulberry32, seedFromString, type Rng } from './rng.ts';
export { simulateCat, sympsonHetterParameters, normalThetas, gridThetas, type SimulationResult } from './simulate.ts';
export type { CatDesign, CatItem, CatResponse, CatState, CatStepResult, CatClassification, StopReason } from './types.ts';
