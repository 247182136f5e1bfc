import { loadFieldsOfStudy } from '../domain/index.ts';
import { strongestCombinations, type CombinationStrength } from './combinations.ts';
import { earlyWarnings, type EarlyWarning } from './early-warning.ts';
import { explainByOcclusion, type Contribution } from './explain.ts';
import { FEATURE_COUNT, extractFeatures, type StudentFeatures } from './features.ts';
import type { CareerModel } from './model.ts';
import { matchOccupations, type OccupationMatch } from './occupations.ts';
import { checkTargets, type TargetCheck } from './targets.ts';
import type { StudentHistory } from './types.ts';

/**
 * One student's guidance: the model's top fields and clusters with reasons, confidence and
 * stability, and — independent of the model — early warnings, matching occupations, strongest
 * admission combinations and progress against targets. Guidance only: never for selection.
 */

export interface RankedResult {
  index: number;
  code: string;
  vi: string;
  en: string;
  probability: number;
  /** Input groups that moved this result most (occlusion, probability points). */
  reasons: Contribution[];
}

export interface Confidence {
  level: 'high' | 'medium' | 'low';
  top1: number;
  margin: number;
  /** Input groups missing for this student (the model saw them as absent). */
  missingInputs: string[];
}

export interface Stability {
  /** Term indices (0–5) whose histories were compared, latest first. */
  upToTerms: number[];
  topFieldByTerm: string[];
  topClusterByTerm: string[];
  stableTopField: boolean;
  /** Share of the current top-3 fields also in the top 3 at every earlier cut (0–1). */
  top3Overlap: number;
}

export interface ModelGuidance {
  modelVersion: string;
  synthetic: boolean;
  fields: RankedResult[];
  clusters: RankedResult[];
  confidence: Confidence;
  stability: Stability | null;
}

export interface StudentGuidance {
  studentId: string;
  features: Omit<StudentFeatures, 'vector'>;
  /** null when the model is not used for this student (no consent recorded, or no model). */
  model: ModelGuidance | null;
  earlyWarnings: EarlyWarning[];
  occupations: OccupationMatch[];
  combinations: CombinationStrength[];
  targets: TargetCheck[];
}

export interface GuidanceOptions {
  /** Whether the AI part may be computed for a student (consent recorded). Default: yes. */
  aiAllowed?: (studentId: string) => boolean;
  modelVersion?: string;
  top?: number;
  jobZones?: number[];
  /** How many earlier term cuts to compare for stability (0 = skip). */
  stabilityCuts?: number;
  occupations?: number;
}

function confidenceOf(p: number[], missing: string[]): Confidence {
  const sorted = [...p].sort((a, b) => b - a);
  const top1 = sorted[0], margin = sorted[0] - sorted[1];
  let level: Confidence['level'] = top1 >= 0.5 && margin >= 0.2 ? 'high' : top1 >= 0.25 ? 'medium' : 'low';
  // Without interests or with most subjects missing the model is guessing from little.
  if (missing.includes('interest') || missing.filter((m) => m.startsWith('subject.')).length > 7) level = level === 'high' ? 'medium' : 'low';
  return { level, top1, margin, missingInputs: missing };
}

/** Guidance for many students at once (the model runs batched). */
export async function analyseStudents(model: CareerModel | null, histories: StudentHistory[], opts: GuidanceOptions = {}): Promise<StudentGuidance[]> {
  const top = opts.top ?? 3;
  const feats = histories.map((h) => extractFeatures(h));
  const aiRows = model ? feats.map((f, i) => (opts.aiAllowed ? opts.aiAllowed(f.studentId) : true) ? i : -1).filter((i) => i >= 0) : [];
  const fieldsMeta = loadFieldsOfStudy();
  const aiByRow = new Map<number, ModelGuidance>();
  if (model && aiRows.length) {
    const X = new Float32Array(aiRows.length * FEATURE_COUNT);
    aiRows.forEach((r, i) => X.set(feats[r].vector, i * FEATURE_COUNT));
    const expl = await explainByOcclusion(model, X, aiRows.length, top);
    const probs = await model.predict(X, aiRows.length);
    const F = model.fieldLabels.length;
    const cuts = opts.stabilityCuts ?? 2;
    const stability = cuts > 0 ? await stabilityOf(model, aiRows.map((r) => histories[r]), feats.length ? aiRows.map((r) => feats[r]) : [], cuts) : [];
    aiRows.forEach((r, i) => {
      const e = expl[i];
      const fieldP = Array.from(probs.field.subarray(i * F, (i + 1) * F));
      aiByRow.set(r, {
        modelVersion: opts.modelVersion ?? 'unregistered',
        synthetic: model.manifest.training.synthetic,
        fields: e.field.map((x) => {
          const meta = fieldsMeta.find((f) => f.code === x.label);
          return { index: x.index, code: x.label, vi: meta?.vi ?? x.label, en: meta?.en ?? x.label, probability: x.probability, reasons: x.contributions.slice(0, 4) };
        }),
        clusters: e.cluster.map((x) => ({ index: x.index, code: x.label, vi: x.label, en: x.label, probability: x.probability, reasons: x.contributions.slice(0, 4) })),
        confidence: confidenceOf(fieldP, feats[r].missing),
        stability: stability[i] ?? null,
      });
    });
  }
  return feats.map((f, r) => {
    const { vector: _v, ...rest } = f;
    return {
      studentId: f.studentId,
      features: rest,
      model: aiByRow.get(r) ?? null,
      earlyWarnings: earlyWarnings(f.subjects),
      occupations: matchOccupations(f.riasec, f.subjects, { jobZones: opts.jobZones, limit: opts.occupations ?? 10 }),
      combinations: strongestCombinations(f.subjects),
      targets: checkTargets(f),
    };
  });
}

/** Top results from histories cut at the latest term and `cuts` earlier terms with results. */
async function stabilityOf(model: CareerModel, histories: StudentHistory[], current: StudentFeatures[], cuts: number): Promise<(Stability | null)[]> {
  const plans = current.map((f) => {
    if (f.lastTerm === null) return [] as number[];
    const terms = [f.lastTerm];
    for (let c = 1; c <= cuts && f.lastTerm - c >= 0; c++) terms.push(f.lastTerm - c);
    return terms;
  });
  const rows: Float32Array[] = [];
  plans.forEach((terms, i) => terms.forEach((t) => rows.push(extractFeatures(histories[i], t).vector)));
  if (!rows.length) return current.map(() => null);
  const X = new Float32Array(rows.length * FEATURE_COUNT);
  rows.forEach((v, i) => X.set(v, i * FEATURE_COUNT));
  const p = await model.predict(X, rows.length);
  const F = model.fieldLabels.length, C = model.clusterLabels.length;
  const topK = (arr: Float32Array, row: number, k: number, n: number) =>
    Array.from({ length: k }, (_, j) => j).sort((a, b) => arr[row * k + b] - arr[row * k + a]).slice(0, n);
  let row = 0;
  return plans.map((terms) => {
    if (terms.length < 2) { row += terms.length; return null; }
    const fieldTops = terms.map((_, j) => topK(p.field, row + j, F, 3));
    const clusterTops = terms.map((_, j) => topK(p.cluster, row + j, C, 1));
    row += terms.length;
    const now = new Set(fieldTops[0]);
    const overlap = fieldTops.slice(1).reduce((a, t) => a + t.filter((x) => now.has(x)).length / 3, 0) / (terms.length - 1);
    return {
      upToTerms: terms,
      topFieldByTerm: fieldTops.map((t) => model.fieldLabels[t[0]]),
      topClusterByTerm: clusterTops.map((t) => model.clusterLabels[t[0]]),
      stableTopField: fieldTops.every((t) => t[0] === fieldTops[0][0]),
      top3Overlap: overlap,
    };
  });
}

