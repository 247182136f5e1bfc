/**
 * Reporting for a scored session, by exam type. The psychometrics live in analytics/ (irt:
 * EAP ability; scoring: scales, 6-level/CEFR classification, IT-module pass/fail, the 0–10
 * scale); this module only picks the method the event's settings ask for and calls them.
 *
 * - IRT: every delivered item with parameters contributes its scored category (dichotomous:
 *   SCORE ≥ MAXSCORE → 1; polytomous: SCORE scaled to the item's categories); EAP with SE on
 *   the bank's scale (prior = the calibration population, default N(0, 1)).
 * - language: Bậc 1–6 (CEFR A1–C2) from θ and the event's five θ cut scores (`levelCuts`),
 *   with Rudner's classification accuracy; without IRT, the VSTEP band of the 0–10 score
 *   (bands UNVERIFIED in analytics/scoring/frameworks.ts).
 * - it: pass/fail for the module (`itModule`): θ against `thetaCut` when calibrated, else the
 *   score ratio against `passRatio` (default 0.5).
 * - subject: the 0–10 score from points, rounded to 0.25 (all-MCQ papers; vn.ts).
 */
import { estimateAbility, parseParameters, categoryCount, isDichotomous, type IrtItem } from '../../analytics/irt/index.ts';
import { classify, classifyForeignLanguageLevel, scaleScore, vnScoreFromPoints, vstepLevel, type LinearScale } from '../../analytics/scoring/index.ts';
import type { EventSettings } from './settings.ts';

export interface Reported {
  theta: number | null;
  se: number | null;
  scaledScore: number | null;
  level: string | null;
  /** Extra fields stored in the result's outcomes (method, passed, accuracy, ...). */
  extra: Record<string, unknown>;
}

export interface ScoreInput {
  score: number;
  maxScore: number;
  /** Items with IRT parameters and their scored points. */
  irt: { params: Record<string, unknown>; score: number; maxScore: number }[];
}

/** Parsed items by parameters object: loaded tests keep theirs, and scoring asks per item per session. */
const parsed = new WeakMap<object, IrtItem | null>();

/** The IRT item of a stored parameters object (without a model: 2PL), or null when it does not validate. */
export function irtItemOf(params: Record<string, unknown>): IrtItem | null {
  let item = parsed.get(params);
  if (item !== undefined) return item;
  try {
    item = parseParameters({ model: 'mixed', items: [{ id: 'item', model: '2pl', ...params }] }).items[0] ?? null;
  } catch {
    item = null;
  }
  parsed.set(params, item);
  return item;
}

/** The IRT category of a scored item. */
export function categoryOf(item: IrtItem, score: number, maxScore: number): number {
  const m = categoryCount(item) - 1;
  if (isDichotomous(item.model)) return maxScore > 0 && score >= maxScore ? 1 : 0;
  const r = maxScore > 0 ? score / maxScore : 0;
  return Math.max(0, Math.min(m, Math.round(r * m)));
}

/** θ and SE by EAP over the calibrated items, or null when none are calibrated. */
export function abilityOf(irt: ScoreInput['irt'], prior?: { mean: number; sd: number }): { theta: number; se: number; items: number } | null {
  const items: IrtItem[] = [];
  const cats: number[] = [];
  for (const x of irt) {
    const it = irtItemOf(x.params);
    if (!it) continue;
    items.push(it);
    cats.push(categoryOf(it, x.score, x.maxScore));
  }
  if (!items.length) return null;
  const est = estimateAbility(items, cats, { method: 'eap', prior });
  return est.ok ? { theta: est.theta, se: est.se, items: items.length } : null;
}

export function reportScores(settings: EventSettings, input: ScoreInput): Reported {
  const ratio = input.maxScore > 0 ? Math.max(0, Math.min(1, input.score / input.maxScore)) : 0;
  const extra: Record<string, unknown> = { ratio };
  const ab = abilityOf(input.irt, settings.population);
  const theta = ab?.theta ?? null;
  const se = ab?.se ?? null;
  if (ab) extra.irt = { method: 'eap', items: ab.items };
  let scaledScore: number | null = null;
  let level: string | null = null;
  const type = settings.examType ?? 'subject';
  if (ab && settings.scale) scaledScore = scaleScore(ab.theta, settings.scale as LinearScale);

  if (type === 'subject') {
    scaledScore = input.maxScore > 0 ? vnScoreFromPoints(Math.min(input.score, input.maxScore), input.maxScore) : 0;
    extra.scale = '0-10';
  } else if (type === 'language') {
    if (ab && settings.levelCuts?.length === 5) {
      const c = classifyForeignLanguageLevel(ab.theta, ab.se, settings.levelCuts);
      level = c.level6.label;
      extra.cefr = c.level6.cefr;
      extra.accuracy = c.accuracy;
      extra.levelMethod = 'theta-cuts';
    } else {
      const score10 = 10 * ratio;
      const v = vstepLevel(score10);
      level = v ? v.label : 'below Bậc 3';
      extra.cefr = v?.cefr ?? null;
      extra.levelMethod = 'vstep-bands (unverified)';
      scaledScore ??= Math.round(score10 * 2) / 2;
    }
  } else if (type === 'it') {
    let passed: boolean;
    if (ab && settings.thetaCut != null) {
      const c = classify(ab.theta, ab.se, { cuts: [settings.thetaCut], labels: ['fail', 'pass'] });
      passed = c.level === 1;
      extra.accuracy = c.accuracy;
      extra.passMethod = 'theta-cut';
    } else {
      passed = ratio >= (settings.passRatio ?? 0.5);
      extra.passMethod = 'score-ratio';
    }
    level = passed ? 'pass' : 'fail';
    extra.passed = passed;
    extra.module = settings.itModule ?? null;
    scaledScore ??= Math.round(1000 * ratio);
  }
  return { theta, se, scaledScore, level, extra };
}
