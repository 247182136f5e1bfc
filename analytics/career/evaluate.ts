import { expectedCalibrationError, type ReliabilityBin } from './calibration.ts';

/**
 * Held-out evaluation: accuracy, top-3 accuracy, expected calibration error with its
 * reliability diagram, and gaps between groups (gender, region) that the model never sees.
 */

/** Rank of the true class among the scores (0 = top), or -1 when the label is unknown. */
function rankOf(scores: Float32Array, row: number, k: number, label: number): number {
  if (label < 0) return -1;
  const v = scores[row * k + label];
  let rank = 0;
  for (let j = 0; j < k; j++) if (scores[row * k + j] > v || (scores[row * k + j] === v && j < label)) rank++;
  return rank;
}

/** Top-1 and top-3 accuracy over rows with a known label. */
export function topKAccuracy(scores: Float32Array, labels: Int32Array, k: number): { top1: number; top3: number; n: number } {
  let t1 = 0, t3 = 0, n = 0;
  for (let i = 0; i < labels.length; i++) {
    const r = rankOf(scores, i, k, labels[i]);
    if (r < 0) continue;
    n++; if (r === 0) t1++; if (r < 3) t3++;
  }
  return { top1: n ? t1 / n : 0, top3: n ? t3 / n : 0, n };
}

export interface HeadEvaluation {
  n: number;
  top1: number;
  top3: number;
  ece: number;
  reliability: ReliabilityBin[];
  /** Per attribute (e.g. gender) and value: top-1, top-3, ECE, n; plus the largest gap in top-3. */
  groups: Record<string, { byValue: Record<string, { n: number; top1: number; top3: number; ece: number; meanConfidence: number }>; top1Gap: number; top3Gap: number }>;
}

/** Evaluate one head on held-out rows; `groups` maps attribute → value per row. */
export function evaluateHead(probs: Float32Array, labels: Int32Array, k: number, groups: Record<string, string[]> = {}): HeadEvaluation {
  const all = topKAccuracy(probs, labels, k);
  const cal = expectedCalibrationError(probs, labels, k);
  const out: HeadEvaluation = { n: all.n, top1: all.top1, top3: all.top3, ece: cal.ece, reliability: cal.bins, groups: {} };
  for (const [attr, values] of Object.entries(groups)) {
    const byValue: HeadEvaluation['groups'][string]['byValue'] = {};
    for (const v of [...new Set(values)].sort()) {
      const rows = values.map((x, i) => (x === v ? i : -1)).filter((i) => i >= 0);
      const p = new Float32Array(rows.length * k), y = new Int32Array(rows.length);
      let conf = 0;
      rows.forEach((r, i) => {
        p.set(probs.subarray(r * k, (r + 1) * k), i * k); y[i] = labels[r];
        conf += Math.max(...probs.subarray(r * k, (r + 1) * k));
      });
      const acc = topKAccuracy(p, y, k);
      byValue[v] = { n: rows.length, top1: acc.top1, top3: acc.top3, ece: expectedCalibrationError(p, y, k).ece, meanConfidence: rows.length ? conf / rows.length : 0 };
    }
    const t1 = Object.values(byValue).map((x) => x.top1), t3 = Object.values(byValue).map((x) => x.top3);
    out.groups[attr] = { byValue, top1Gap: Math.max(...t1) - Math.min(...t1), top3Gap: Math.max(...t3) - Math.min(...t3) };
  }
  return out;
}
