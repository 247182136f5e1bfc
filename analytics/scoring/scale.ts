/**
 * Scaled scores: linear transforms of θ (or of a summed score) with clamping and rounding to a
 * reporting step, e.g. the Vietnamese 0–10 scale.
 */

export interface LinearScale {
  /** scaled = slope · θ + intercept, then clamped to [min, max] and rounded to `step`. */
  slope: number;
  intercept: number;
  min?: number;
  max?: number;
  /** Reporting step (0.25, 0.1, 1 …); omit for no rounding. */
  step?: number;
}

/** Rounds to the nearest multiple of `step`, halves away from zero (school rounding), free of binary drift. */
export function roundToStep(x: number, step: number): number {
  if (!(step > 0)) return x;
  const k = Math.round((Math.abs(x) / step) * 1e9) / 1e9; // absorb 0.1-style representation error
  const r = Math.floor(k + 0.5) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Math.sign(x) * Number(r.toFixed(decimals));
}

/** Applies a linear scale to θ. */
export function scaleScore(theta: number, s: LinearScale): number {
  let v = s.slope * theta + s.intercept;
  if (s.min !== undefined && v < s.min) v = s.min;
  if (s.max !== undefined && v > s.max) v = s.max;
  return s.step ? roundToStep(v, s.step) : v;
}

/** The scale's standard error for a θ standard error (|slope| · SE, unrounded). */
export function scaleStandardError(se: number, s: LinearScale): number {
  return Math.abs(s.slope) * se;
}

/** The linear scale that maps θ ∈ [thetaLow, thetaHigh] onto [low, high] (clamped outside). */
export function scaleFromRange(thetaLow: number, thetaHigh: number, low: number, high: number, step?: number): LinearScale {
  if (!(thetaHigh > thetaLow)) throw new RangeError(`scaleFromRange: thetaHigh (${thetaHigh}) must exceed thetaLow (${thetaLow})`);
  const slope = (high - low) / (thetaHigh - thetaLow);
  return { slope, intercept: low - slope * thetaLow, min: Math.min(low, high), max: Math.max(low, high), step };
}

/** The linear scale that maps θ with mean/SD (μ, σ) to a reporting mean/SD (e.g. 500/100). */
export function scaleFromMoments(mu: number, sigma: number, mean: number, sd: number, step?: number): LinearScale {
  return { slope: sd / sigma, intercept: mean - (sd / sigma) * mu, step };
}
