/**
 * Distractor (option) analysis for choice items: how often each option is chosen, the mean score
 * of its choosers, and how well choosing it discriminates (option–rest point-biserial and the
 * upper–lower 27% difference). A good key discriminates positively; a good distractor negatively.
 */
import { sampleCorrelation } from 'simple-statistics';
import type { AnswerKey, RawResponses } from './responses.ts';

/** Label used for omitted / not-presented cells. */
export const OMIT = '(omit)';

export interface OptionStatistics {
  option: string;
  key: boolean;
  n: number;
  /** Proportion of all analysed persons choosing the option. */
  proportion: number;
  /** Mean total test score of the persons who chose the option (null when nobody did). */
  meanTotal: number | null;
  /** Point-biserial of "chose this option" with the rest score (total minus this item). */
  pointBiserial: number | null;
  /** Proportion choosing it in the upper 27% minus the lower 27% by total score. */
  discrimination: number;
}

export interface DistractorAnalysis {
  id: string;
  key: string[];
  options: OptionStatistics[];
}

/**
 * Analyses the options of every keyed item.
 * @param raw raw option codes; `personIndex` selects the analysed persons (aligned with `totals`).
 * @param totals total test score per analysed person.
 * @param itemScores scored column per item for the analysed persons (for the rest score).
 */
export function analyseDistractors(
  raw: RawResponses,
  key: AnswerKey,
  personIndex: number[],
  totals: number[],
  itemScores: number[][],
): DistractorAnalysis[] {
  const n = personIndex.length;
  const order = totals.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const g = Math.max(1, Math.round(0.27 * n));
  const inLower = new Uint8Array(n);
  const inUpper = new Uint8Array(n);
  for (let r = 0; r < g; r++) inLower[order[r][1]] = 1;
  for (let r = n - g; r < n; r++) inUpper[order[r][1]] = 1;

  const out: DistractorAnalysis[] = [];
  raw.itemIds.forEach((id, j) => {
    const k = key[id];
    if (k === undefined) return;
    const keyed = Array.isArray(k) ? k : [k];
    const chosen = personIndex.map((p) => raw.cells[p][j] ?? OMIT);
    const labels = [...new Set([...keyed, ...chosen])].sort((x, y) => (x === OMIT ? 1 : y === OMIT ? -1 : x.localeCompare(y, 'en', { numeric: true })));
    const rest = totals.map((t, i) => t - itemScores[j][i]);
    const options = labels.map((option): OptionStatistics => {
      const ind = chosen.map((c) => (c === option ? 1 : 0));
      let cnt = 0;
      let sumT = 0;
      let up = 0;
      let lo = 0;
      for (let i = 0; i < n; i++) {
        if (!ind[i]) continue;
        cnt++;
        sumT += totals[i];
        up += inUpper[i];
        lo += inLower[i];
      }
      let r: number | null = null;
      if (cnt > 0 && cnt < n && n >= 3) {
        const v = sampleCorrelation(ind, rest);
        r = Number.isFinite(v) ? v : null;
      }
      return {
        option,
        key: keyed.includes(option),
        n: cnt,
        proportion: cnt / n,
        meanTotal: cnt ? sumT / cnt : null,
        pointBiserial: r,
        discrimination: up / g - lo / g,
      };
    });
    out.push({ id, key: keyed, options });
  });
  return out;
}
