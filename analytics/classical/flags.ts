/**
 * Flags for weak items. Thresholds follow common practice in test development (Ebel & Frisbie,
 * 1991 for discrimination bands; Haladyna & Downing, 1993 for non-functioning distractors at < 5%)
 * and can be overridden by the caller.
 */
import type { DistractorAnalysis } from './distractors.ts';
import type { DifItemResult } from './dif.ts';
import type { ItemStatistics } from './item-analysis.ts';

export interface FlagThresholds {
  /** p below this: very hard (default 0.20). */
  pLow: number;
  /** p above this: very easy (default 0.90). */
  pHigh: number;
  /** Corrected item-total r below this: weak discrimination (default 0.20). */
  rLow: number;
  /** A distractor chosen by fewer than this proportion is non-functioning (default 0.05). */
  distractorMin: number;
  /** A distractor whose point-biserial exceeds this may be a second key (default 0.05). */
  distractorMaxR: number;
}

export const DEFAULT_THRESHOLDS: FlagThresholds = { pLow: 0.2, pHigh: 0.9, rLow: 0.2, distractorMin: 0.05, distractorMaxR: 0.05 };

export type FlagCode =
  | 'very-hard'
  | 'very-easy'
  | 'weak-discrimination'
  | 'negative-discrimination'
  | 'alpha-increases-if-deleted'
  | 'no-variance'
  | 'key-negative'
  | 'distractor-positive'
  | 'distractor-non-functioning'
  | 'dif-B'
  | 'dif-C';

export interface ItemFlag {
  code: FlagCode;
  message: string;
}

/** Flags for one item from its statistics, options and DIF results (any may be missing). */
export function flagItem(
  stats: ItemStatistics,
  testAlpha: number | null,
  distractors: DistractorAnalysis | undefined,
  dif: readonly DifItemResult[],
  t: FlagThresholds = DEFAULT_THRESHOLDS,
): ItemFlag[] {
  const f: ItemFlag[] = [];
  const fmt = (x: number) => x.toFixed(3);
  if (stats.p < t.pLow) f.push({ code: 'very-hard', message: `p = ${fmt(stats.p)} < ${t.pLow}` });
  if (stats.p > t.pHigh) f.push({ code: 'very-easy', message: `p = ${fmt(stats.p)} > ${t.pHigh}` });
  const r = stats.correctedItemTotal;
  if (r === null) f.push({ code: 'no-variance', message: 'every analysed person has the same score on this item' });
  else if (r < 0) f.push({ code: 'negative-discrimination', message: `corrected item-total r = ${fmt(r)} < 0: check the key` });
  else if (r < t.rLow) f.push({ code: 'weak-discrimination', message: `corrected item-total r = ${fmt(r)} < ${t.rLow}` });
  if (testAlpha !== null && stats.alphaIfDeleted !== null && stats.alphaIfDeleted > testAlpha) {
    f.push({ code: 'alpha-increases-if-deleted', message: `alpha rises from ${fmt(testAlpha)} to ${fmt(stats.alphaIfDeleted)} without this item` });
  }
  if (distractors) {
    for (const o of distractors.options) {
      if (o.option === '(omit)') continue;
      if (o.key && o.pointBiserial !== null && o.pointBiserial < 0) f.push({ code: 'key-negative', message: `key ${o.option}: option r = ${fmt(o.pointBiserial)} < 0` });
      if (!o.key && o.pointBiserial !== null && o.pointBiserial > t.distractorMaxR) {
        f.push({ code: 'distractor-positive', message: `distractor ${o.option}: option r = ${fmt(o.pointBiserial)} > ${t.distractorMaxR} (a second key?)` });
      }
      if (!o.key && o.proportion < t.distractorMin) f.push({ code: 'distractor-non-functioning', message: `distractor ${o.option} chosen by ${fmt(o.proportion)} < ${t.distractorMin}` });
    }
  }
  for (const d of dif) {
    if (d.ets === 'B' || d.ets === 'C') {
      f.push({ code: d.ets === 'B' ? 'dif-B' : 'dif-C', message: `MH D-DIF = ${fmt(d.deltaMH!)} (${d.focal} vs ${d.reference}), favours ${d.favours}` });
    }
    const p = d.polytomous;
    if (p && (p.ets === 'BB' || p.ets === 'CC')) {
      f.push({ code: p.ets === 'BB' ? 'dif-B' : 'dif-C', message: `${p.ets}: SMD/SD = ${fmt(p.smdOverSd!)} (${d.focal} vs ${d.reference}), favours ${p.favours}` });
    }
  }
  return f;
}
