import { RIASEC, loadInterestProfilerItems, type RiasecProfile } from '../domain/index.ts';
import type { RiasecScores } from './types.ts';

/**
 * Scoring of the O*NET Interest Profiler Short Form (60 items, 10 per RIASEC area). Each answer
 * Strongly dislike … Strongly like (1–5) counts 0–4 points, so an area scores 0–40, as in O*NET's
 * own scoring. Results are for career exploration only, never for selecting students.
 */

/** Least answered items per area for a score; fewer and the area (and the result) is missing. */
export const MIN_ITEMS_PER_AREA = 8;

/**
 * Score 60 answers (values 1–5 or null, in official item order). Areas with a few unanswered
 * items are prorated; returns null when any area has fewer than MIN_ITEMS_PER_AREA answers.
 * Throws on a wrong length or an out-of-range answer, naming the item.
 */
let areaOfItem: number[] | undefined;

export function scoreInterestProfiler(answers: readonly (number | null)[]): RiasecScores | null {
  const items = loadInterestProfilerItems();
  areaOfItem ??= items.map((i) => RIASEC.indexOf(i.riasec));
  if (answers.length !== items.length) throw new Error(`Interest Profiler: expected ${items.length} answers, got ${answers.length}`);
  const sums = [0, 0, 0, 0, 0, 0];
  const counts = [0, 0, 0, 0, 0, 0];
  items.forEach((item, i) => {
    const a = answers[i];
    if (a === null || a === undefined) return;
    if (!Number.isInteger(a) || a < 1 || a > 5) throw new Error(`Interest Profiler item ${item.index}: answer ${a} is not 1–5`);
    const k = areaOfItem![i];
    sums[k] += a - 1;
    counts[k] += 1;
  });
  if (counts.some((c) => c < MIN_ITEMS_PER_AREA)) return null;
  const scores = sums.map((s, k) => Math.round((s * 10 / counts[k]) * 10) / 10) as RiasecProfile;
  return { scores, hollandCode: hollandCode(scores), answered: counts as RiasecProfile };
}

/**
 * The three highest areas, highest first. Ties keep O*NET's R-I-A-S-E-C order (a stated
 * convention: the Profiler itself reports ties as they are).
 */
export function hollandCode(scores: readonly number[], letters = 3): string {
  return RIASEC.map((l, k) => ({ l, s: scores[k], k }))
    .sort((a, b) => b.s - a.s || a.k - b.k)
    .slice(0, letters)
    .map((x) => x.l)
    .join('');
}
