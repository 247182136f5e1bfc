/** Public surface of the IRT module (pure: no database, HTTP or environment). */
export * from './model.ts';
export * from './ability.ts';
export * from './responses.ts';
export * from './quadrature.ts';
export * from './lordWingersky.ts';
export * from './fit.ts';
export * from './simulate.ts';
export { calibrate, calibrationToJson, CalibrationError, invertSpd, type CalibrationOptions, type CalibrationResult, type ItemStandardErrors } from './calibration/em.ts';
export { defaultPriors, type ItemPriors } from './calibration/priors.ts';
export { meanSigma, stockingLord, transformItem, type CommonItem, type LinkingConstants } from './calibration/linking.ts';
