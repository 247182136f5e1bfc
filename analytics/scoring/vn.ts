/**
 * Vietnamese reporting conventions (sources: /work/shared/domain/vn/*.tsv, transcribed there from
 * the circulars named below; this file holds the facts as data so analytics stays pure).
 *
 * - 0–10 scale (TT22/2021/TT-BGDĐT): school scores on 0–10 with one decimal.
 * - THPT graduation exam (2025 format): multiple-choice items are worth 0.25 each, so objective
 *   exams report in steps of 0.25; true/false clusters award 0.1/0.25/0.5/1.0 for 1–4 correct
 *   statements, so mixed papers land on 0.05 steps. Source row: "sdgedfegw/du-lieu-diem-thi README"
 *   — a public data set's README, not the circular itself: UNVERIFIED against the official text.
 * - Term average ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (n_tx + 5); year average ĐTBmcn =
 *   (HK I + 2·HK II) / 3 (TT22/2021).
 */
import { roundToStep, scaleFromRange, scaleScore, type LinearScale } from './scale.ts';

/** Reporting steps in use on the 0–10 scale. */
export const VN_STEPS = { transcript: 0.1, multipleChoice: 0.25, mixedPaper: 0.05 } as const;

/**
 * A 0–10 scale for θ: θ ∈ [thetaLow, thetaHigh] maps linearly onto [0, 10], clamped, rounded to
 * `step` (default 0.25, the multiple-choice step of the national exam — see the UNVERIFIED note above).
 */
export function vnTenPointScale(thetaLow = -3, thetaHigh = 3, step: number = VN_STEPS.multipleChoice): LinearScale {
  return scaleFromRange(thetaLow, thetaHigh, 0, 10, step);
}

/** θ on the 0–10 scale (see {@link vnTenPointScale}). */
export function vnTenPointScore(theta: number, scale: LinearScale = vnTenPointScale()): number {
  return scaleScore(theta, scale);
}

/** Raw points out of `maxPoints` onto 0–10, rounded to `step` (0.25 for an all-MCQ paper). */
export function vnScoreFromPoints(points: number, maxPoints: number, step: number = VN_STEPS.multipleChoice): number {
  if (!(maxPoints > 0)) throw new RangeError('vnScoreFromPoints: maxPoints must be > 0');
  if (points < 0 || points > maxPoints) throw new RangeError(`vnScoreFromPoints: points ${points} outside 0..${maxPoints}`);
  return roundToStep((10 * points) / maxPoints, step);
}

/** TT22 term average: (Σ regular + 2·mid-term + 3·end-of-term) / (n_regular + 5), one decimal. */
export function vnTermAverage(regular: number[], midTerm: number, endTerm: number): number {
  const all = [...regular, midTerm, endTerm];
  for (const s of all) if (!(s >= 0 && s <= 10)) throw new RangeError(`vnTermAverage: score ${s} outside 0–10`);
  const sum = regular.reduce((s, x) => s + x, 0) + 2 * midTerm + 3 * endTerm;
  return roundToStep(sum / (regular.length + 5), VN_STEPS.transcript);
}

/** TT22 year average: (term I + 2·term II) / 3, one decimal. */
export function vnYearAverage(term1: number, term2: number): number {
  return roundToStep((term1 + 2 * term2) / 3, VN_STEPS.transcript);
}
