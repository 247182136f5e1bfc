import { careerClusterNames, loadFieldsOfStudy } from '../domain/index.ts';
import { baselineScores } from './baseline.ts';
import { evaluateHead, type HeadEvaluation } from './evaluate.ts';
import { FEATURE_COUNT, extractFeatures } from './features.ts';
import type { HistoryCsvRecord } from './history-csv.ts';
import type { CareerMetrics } from './model-card.ts';
import { CareerModel, type TrainOptions, type TrainingData } from './model.ts';
import { createRng, permutation } from './rng.ts';

/**
 * Training and evaluation workflow shared by `assay career train|evaluate` and the benchmark:
 * labelled rows with fairness-only group attributes, a seeded held-out split, training, and
 * metrics against the similarity baseline.
 */

/** Labelled rows plus group attributes used only for evaluation (never model inputs). */
export interface LabelledData extends TrainingData {
  groups: Record<string, string[]>;
}

/** Labels of the two heads in their fixed order. */
export function defaultLabels(): { fieldLabels: string[]; clusterLabels: string[] } {
  return { fieldLabels: loadFieldsOfStudy().map((f) => f.code), clusterLabels: careerClusterNames() };
}

/**
 * Rows from parsed history records. Records with neither a known field nor a known cluster are
 * skipped (no label to learn from); unknown codes throw, naming the student.
 */
export function recordsToData(records: HistoryCsvRecord[], labels = defaultLabels()): LabelledData {
  const rows = records.filter((r) => r.fieldCode || r.cluster);
  const X = new Float32Array(rows.length * FEATURE_COUNT);
  const yField = new Int32Array(rows.length), yCluster = new Int32Array(rows.length);
  const groupNames = [...new Set(rows.flatMap((r) => Object.keys(r.groups ?? {})))];
  const groups: Record<string, string[]> = Object.fromEntries(groupNames.map((g) => [g, []]));
  rows.forEach((r, i) => {
    X.set(extractFeatures(r.history).vector, i * FEATURE_COUNT);
    yField[i] = r.fieldCode ? labels.fieldLabels.indexOf(r.fieldCode) : -1;
    yCluster[i] = r.cluster ? labels.clusterLabels.indexOf(r.cluster) : -1;
    if (r.fieldCode && yField[i] < 0) throw new Error(`student ${r.history.studentId}: field '${r.fieldCode}' is not one of ${labels.fieldLabels.join(', ')}`);
    if (r.cluster && yCluster[i] < 0) throw new Error(`student ${r.history.studentId}: cluster '${r.cluster}' is not one of the 16 career clusters`);
    for (const g of groupNames) groups[g].push(r.groups?.[g] ?? 'unknown');
  });
  return { X, n: rows.length, yField, yCluster, groups };
}

/** Rows `idx` of a dataset. */
export function subset(d: LabelledData, idx: ArrayLike<number>): LabelledData {
  const n = idx.length;
  const X = new Float32Array(n * FEATURE_COUNT), yField = new Int32Array(n), yCluster = new Int32Array(n);
  const groups: Record<string, string[]> = Object.fromEntries(Object.keys(d.groups).map((g) => [g, [] as string[]]));
  for (let i = 0; i < n; i++) {
    const r = idx[i];
    X.set(d.X.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), i * FEATURE_COUNT);
    yField[i] = d.yField[r]; yCluster[i] = d.yCluster[r];
    for (const g of Object.keys(groups)) groups[g].push(d.groups[g][r]);
  }
  return { X, n, yField, yCluster, groups };
}

/** Seeded split into training and held-out rows. */
export function splitHoldout(d: LabelledData, fraction: number, seed: number): { train: LabelledData; test: LabelledData } {
  const p = permutation(d.n, createRng(seed ^ 0x5bd1e995));
  const nTest = Math.round(d.n * fraction);
  return { test: subset(d, p.subarray(0, nTest)), train: subset(d, p.subarray(nTest)) };
}

export interface Evaluation {
  metrics: CareerMetrics;
  field: HeadEvaluation;
  cluster: HeadEvaluation;
  baselineField: HeadEvaluation;
  baselineCluster: HeadEvaluation;
}

/** Evaluate a model on held-out rows, with the similarity baseline on the same rows. */
export async function evaluateModel(model: CareerModel, test: LabelledData): Promise<Evaluation> {
  const F = model.fieldLabels.length, C = model.clusterLabels.length;
  const p = await model.predict(test.X, test.n);
  const b = baselineScores(test.X, test.n);
  const field = evaluateHead(p.field, test.yField, F, test.groups);
  const cluster = evaluateHead(p.cluster, test.yCluster, C, test.groups);
  const baselineField = evaluateHead(b.field, test.yField, F);
  const baselineCluster = evaluateHead(b.cluster, test.yCluster, C);
  const groupGaps: CareerMetrics['groupGaps'] = {};
  for (const g of Object.keys(test.groups)) groupGaps[g] = { fieldTop3Gap: field.groups[g].top3Gap, clusterTop3Gap: cluster.groups[g].top3Gap };
  return {
    metrics: {
      heldOutStudents: test.n,
      field: { top1: field.top1, top3: field.top3, ece: field.ece, baselineTop3: baselineField.top3 },
      cluster: { top1: cluster.top1, top3: cluster.top3, ece: cluster.ece, baselineTop3: baselineCluster.top3 },
      groupGaps,
    },
    field, cluster, baselineField, baselineCluster,
  };
}

/** Train on a seeded split and evaluate on the held-out part. */
export async function trainAndEvaluate(d: LabelledData, opts: Omit<TrainOptions, 'fieldLabels' | 'clusterLabels'> & { holdout?: number; labels?: { fieldLabels: string[]; clusterLabels: string[] } }): Promise<{ model: CareerModel; evaluation: Evaluation }> {
  const { train, test } = splitHoldout(d, opts.holdout ?? 0.2, opts.seed);
  const labels = opts.labels ?? defaultLabels();
  const model = await CareerModel.train(train, { ...opts, ...labels });
  return { model, evaluation: await evaluateModel(model, test) };
}
