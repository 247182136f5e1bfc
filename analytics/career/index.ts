/** Career guidance analytics: features, the tfjs model, calibration, explanations, matching. */
export * from './types.ts';
export * from './features.ts';
export * from './interest-profiler.ts';
export * from './model.ts';
export * from './calibration.ts';
export * from './explain.ts';
export * from './early-warning.ts';
export * from './occupations.ts';
export * from './combinations.ts';
export * from './targets.ts';
export * from './baseline.ts';
export * from './evaluate.ts';
export * from './guidance.ts';
export * from './model-card.ts';
export * from './default-model.ts';
export * from './history-csv.ts';
export { ensureBackend } from './backend.ts';
export { createRng } from './rng.ts';
