import { tf } from './backend.ts';
import { FEATURE_COUNT, FEATURE_GROUPS, FEATURE_SCHEMA } from './features.ts';
import type { CareerModel } from './model.ts';

/**
 * Explanations on the real model. Occlusion (batch): each input group in turn is replaced by
 * the training mean ("an average record for this input") and the change in each top result's
 * probability is that group's contribution — positive means the student's actual values pushed
 * the result up. Integrated gradients (one student): path integral of the logit gradient from
 * the training-mean input to the student's input, per feature.
 */

export type Head = 'field' | 'cluster';

/** One input group's effect on one result, in probability points (0–1). */
export interface Contribution { group: string; delta: number }

/** A top result with its probability and the inputs that moved it. */
export interface ExplainedResult { index: number; label: string; probability: number; contributions: Contribution[] }

export interface StudentExplanation { field: ExplainedResult[]; cluster: ExplainedResult[] }

const GROUP_COLUMNS: number[][] = FEATURE_GROUPS.map((g) => FEATURE_SCHEMA.map((d, i) => (d.group === g ? i : -1)).filter((i) => i >= 0));

function topIndices(p: Float32Array, row: number, k: number, top: number): number[] {
  return Array.from({ length: k }, (_, j) => j).sort((a, b) => p[row * k + b] - p[row * k + a] || a - b).slice(0, top);
}

/**
 * Occlusion explanations for n students (row-major X): the top `top` fields and clusters with
 * the contribution of every input group, largest effect first.
 */
export async function explainByOcclusion(
  model: CareerModel, X: Float32Array, n: number, top = 3,
  /** Classes to explain as well as the top ones (e.g. a counsellor's "why not this field?"). */
  include: { field?: number[]; cluster?: number[] } = {},
  chunk = 2048,
): Promise<StudentExplanation[]> {
  const G = FEATURE_GROUPS.length;
  const mean = model.manifest.normalizer.mean;
  const F = model.fieldLabels.length, C = model.clusterLabels.length;
  const out: StudentExplanation[] = [];
  const first = await model.foldedFirstLayer();
  const h = first.h, W = first.Wjs;
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    // Block 0 is the students as they are; block g+1 has group g replaced by the training mean.
    // The first layer is linear, so each occluded block is the original pre-activation minus
    // that group's share: Σ_{j∈g} (x_j − μ_j)·W'_j — the same network, computed without
    // re-multiplying the whole input for every group.
    const pre0 = await model.firstLayer(X.subarray(s * FEATURE_COUNT, (s + m) * FEATURE_COUNT), m);
    const pre = new Float32Array((G + 1) * m * h);
    pre.set(pre0, 0);
    for (let g = 0; g < G; g++) {
      const cols = GROUP_COLUMNS[g];
      const base = (g + 1) * m * h;
      for (let r = 0; r < m; r++) {
        const o = base + r * h, xo = (s + r) * FEATURE_COUNT;
        for (let k = 0; k < h; k++) pre[o + k] = pre0[r * h + k];
        for (const c of cols) {
          const d = X[xo + c] - mean[c];
          if (d === 0) continue;
          const wo = c * h;
          for (let k = 0; k < h; k++) pre[o + k] -= d * W[wo + k];
        }
      }
    }
    const p = model.calibrated(await model.logitsFromFirstLayer(pre, (G + 1) * m));
    for (let r = 0; r < m; r++) {
      const explain = (probs: Float32Array, k: number, labels: string[], extra: number[] = []): ExplainedResult[] =>
        [...new Set([...topIndices(probs, r, k, top), ...extra])].map((j) => ({
          index: j,
          label: labels[j],
          probability: probs[r * k + j],
          contributions: FEATURE_GROUPS.map((group, g) => ({ group, delta: probs[r * k + j] - probs[((g + 1) * m + r) * k + j] }))
            .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)),
        }));
      out.push({ field: explain(p.field, F, model.fieldLabels, include.field), cluster: explain(p.cluster, C, model.clusterLabels, include.cluster) });
    }
  }
  return out;
}

/**
 * Integrated gradients of one class's logit for one student (`steps` Riemann steps from the
 * training-mean input). Returns per-feature attributions and their sums per group; the
 * attributions add up to logit(x) − logit(mean) up to the step error.
 */
export async function integratedGradients(model: CareerModel, x: Float32Array, head: Head, classIndex: number, steps = 32): Promise<{ features: Float32Array; groups: Contribution[] }> {
  const baseline = Float32Array.from(model.manifest.normalizer.mean);
  const path = new Float32Array(steps * FEATURE_COUNT);
  for (let k = 0; k < steps; k++) {
    const a = (k + 0.5) / steps;
    for (let j = 0; j < FEATURE_COUNT; j++) path[k * FEATURE_COUNT + j] = baseline[j] + a * (x[j] - baseline[j]);
  }
  const grads = tf.tidy(() => {
    const g = tf.grad((inp: tf.Tensor) => {
      const out = model.logitsTensor(inp as tf.Tensor2D)[head];
      return tf.sum(tf.slice(out, [0, classIndex], [-1, 1]));
    });
    return tf.mean(g(tf.tensor2d(path, [steps, FEATURE_COUNT])), 0);
  });
  const avg = (await grads.data()) as Float32Array;
  grads.dispose();
  const features = new Float32Array(FEATURE_COUNT);
  for (let j = 0; j < FEATURE_COUNT; j++) features[j] = (x[j] - baseline[j]) * avg[j];
  const groups = FEATURE_GROUPS.map((group, g) => ({ group, delta: GROUP_COLUMNS[g].reduce((a, c) => a + features[c], 0) }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  return { features, groups };
}
