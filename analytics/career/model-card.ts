import type { ModelManifest } from './model.ts';

/** Headline metrics stored with a model version. */
export interface CareerMetrics {
  heldOutStudents: number;
  field: { top1: number; top3: number; ece: number; baselineTop3: number };
  cluster: { top1: number; top3: number; ece: number; baselineTop3: number };
  groupGaps: Record<string, { fieldTop3Gap: number; clusterTop3Gap: number }>;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A model card (Markdown) for a trained model: data, intended use, metrics, limits. */
export function buildModelCard(m: ModelManifest, metrics: CareerMetrics | null, version: string): string {
  const t = m.training;
  const lines = [
    `# Model card — Assay career model ${version}`,
    '',
    `- Architecture: multilayer perceptron, ${m.featureNames.length} inputs → ${m.hidden.join(' → ')} (ReLU) → two softmax heads: ${m.fieldLabels.length} fields of study, ${m.clusterLabels.length} career clusters.`,
    `- Calibration: temperature scaling, T(field) = ${m.temperature.field}, T(cluster) = ${m.temperature.cluster}.`,
    `- Training data: ${t.description} (${t.students} students, seed ${t.seed}, ${t.epochs} epochs, batch ${t.batchSize}, Adam lr ${t.learningRate}, backend ${t.backend}).`,
    t.synthetic
      ? '- **This model was trained on SYNTHETIC data** generated from O*NET-based assumptions (fixtures/career). It has not been validated on real students; its probabilities describe the synthetic world, not real admission chances.'
      : '- Trained on real results history joined with recorded admission outcomes.',
    '- Intended use: a conversation aid for school counsellors (career exploration). **Never use it to select, rank for admission, or exclude a student.** Counsellors can and should overrule it.',
    '- Inputs: results history per subject (scores, IRT abilities, trends), electives, foreign-language level, IT modules, digital competence, accuracy by question format, Interest Profiler RIASEC scores. Never inputs: gender, ethnicity, region, school.',
  ];
  if (metrics) {
    lines.push('', `## Held-out evaluation (${metrics.heldOutStudents} students${t.synthetic ? ', synthetic' : ''})`, '',
      '| head | top-1 | top-3 | ECE | similarity baseline top-3 |', '|---|---|---|---|---|',
      `| fields | ${pct(metrics.field.top1)} | ${pct(metrics.field.top3)} | ${metrics.field.ece.toFixed(3)} | ${pct(metrics.field.baselineTop3)} |`,
      `| clusters | ${pct(metrics.cluster.top1)} | ${pct(metrics.cluster.top3)} | ${metrics.cluster.ece.toFixed(3)} | ${pct(metrics.cluster.baselineTop3)} |`,
      '', 'Largest top-3 accuracy gap between groups the model never sees:', '');
    for (const [g, v] of Object.entries(metrics.groupGaps)) lines.push(`- ${g}: fields ${pct(v.fieldTop3Gap)}, clusters ${pct(v.clusterTop3Gap)}`);
  }
  lines.push('', '## Limitations', '',
    '- Field-to-cluster affinities and subject-to-knowledge mappings are Assay assumptions awaiting review by counsellors.',
    '- Admission-combination shares are from 2017–2019 and predate the 2025 exam.',
    '- The Interest Profiler is O*NET® (USDOL/ETA); a Vietnamese adaptation is not an official translation.',
    '- O*NET 29.3 data used under CC BY 4.0, modified; see NOTICE.md.');
  return lines.join('\n');
}
