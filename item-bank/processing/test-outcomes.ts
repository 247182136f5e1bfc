/**
 * Test-level outcome processing: sums and weights of item outcomes, testVariables,
 * outcomeMaximum/Minimum and the numberX counters, over the items a candidate was given.
 */
import type { AssessmentItem, AssessmentItemRef, AssessmentSection, AssessmentTest, Expr, QtiValue } from '../model/types.ts';
import { compileExpr } from './expressions.ts';
import { checkResponse, toJson, type Json } from '../values.ts';
import { compileRules } from './rules.ts';
import { mulberry32 } from './rng.ts';
import { valuesMatch } from './value-ops.ts';
import type { CompileScope, Env, TestItemState } from './env.ts';

/** What one item of the test produced for this candidate. */
export interface TestItemResult {
  /** The assessmentItemRef identifier. */
  identifier: string;
  /** The item itself (its declarations give base types, normalMaximum and correct responses). */
  item?: AssessmentItem;
  outcomes: Record<string, Json>;
  responses?: Record<string, Json>;
  /** Defaults: presented = true; responded = any non-null response; selected = true. */
  presented?: boolean;
  responded?: boolean;
  selected?: boolean;
  /** Overrides the correctness computed from the item's correct responses. */
  correct?: boolean;
}

function refsOf(section: AssessmentSection, path: string[], out: Map<string, { ref: AssessmentItemRef; sections: string[] }>): void {
  const here = [...path, section.identifier];
  for (const p of section.parts) {
    if (p.kind === 'assessmentItemRef') out.set(p.identifier, { ref: p, sections: here });
    else if (p.kind === 'assessmentSection') refsOf(p, here, out);
  }
}

function jsonToValue(item: AssessmentItem | undefined, id: string, j: Json): QtiValue {
  const d = item?.outcomeDeclarations.find((o) => o.identifier === id) ?? item?.responseDeclarations.find((o) => o.identifier === id);
  if (d) {
    try {
      return checkResponse(d, j, id);
    } catch {
      return null;
    }
  }
  if (j === null) return null;
  if (typeof j === 'number') return { cardinality: 'single', baseType: Number.isInteger(j) ? 'integer' : 'float', value: j };
  if (typeof j === 'boolean') return { cardinality: 'single', baseType: 'boolean', value: j };
  if (typeof j === 'string') return { cardinality: 'single', baseType: 'identifier', value: j };
  return null;
}

/** Runs the test's outcomeProcessing over the item results; returns every test outcome variable. */
export function processTestOutcomes(test: AssessmentTest, itemResults: TestItemResult[], opts: { seed?: number | string } = {}): { outcomes: Record<string, Json> } {
  const { vals } = runTestOutcomes(test, itemResults, opts);
  const outcomes: Record<string, Json> = {};
  for (const d of test.outcomeDeclarations) outcomes[d.identifier] = toJson(vals[d.identifier] ?? null);
  return { outcomes };
}

/**
 * Evaluates one test-level expression (a preCondition or branchRule) after outcome processing,
 * over the same item results. Returns the JSON value (true/false/null for conditions).
 * Throws QtiProcessingError for an expression Assay cannot evaluate.
 */
export function evaluateTestExpression(test: AssessmentTest, expr: Expr, itemResults: TestItemResult[], opts: { seed?: number | string } = {}): Json {
  const { env, scope } = runTestOutcomes(test, itemResults, opts);
  return toJson(compileExpr(expr, scope)(env));
}

function runTestOutcomes(test: AssessmentTest, itemResults: TestItemResult[], opts: { seed?: number | string }): { vals: Record<string, QtiValue>; env: Env; scope: CompileScope } {
  const refs = new Map<string, { ref: AssessmentItemRef; sections: string[] }>();
  for (const part of test.testParts) for (const s of part.sections) refsOf(s, [], refs);
  const items: TestItemState[] = itemResults.map((r) => {
    const info = refs.get(r.identifier);
    const vals: Record<string, QtiValue> = {};
    for (const [k, v] of Object.entries(r.outcomes)) vals[k] = jsonToValue(r.item, k, v);
    const respVals: Record<string, QtiValue> = {};
    for (const [k, v] of Object.entries(r.responses ?? {})) respVals[k] = jsonToValue(r.item, k, v);
    Object.assign(vals, respVals);
    const decls: TestItemState['decls'] = {};
    for (const d of r.item?.outcomeDeclarations ?? []) decls[d.identifier] = d;
    let correct = r.correct;
    if (correct === undefined && r.item) {
      const withCorrect = r.item.responseDeclarations.filter((d) => d.correctResponse != null);
      if (withCorrect.length) correct = withCorrect.every((d) => valuesMatch(respVals[d.identifier] ?? null, d.correctResponse!));
    }
    const responded = r.responded ?? Object.values(r.responses ?? {}).some((v) => v !== null && !(Array.isArray(v) && v.length === 0) && v !== '');
    const weights: Record<string, number> = {};
    for (const w of info?.ref.weights ?? []) weights[w.identifier] = w.value;
    for (const m of info?.ref.variableMappings ?? []) if (m.sourceIdentifier in vals) vals[m.targetIdentifier] = vals[m.sourceIdentifier];
    return {
      identifier: r.identifier,
      categories: info?.ref.categories ?? [],
      sections: info?.sections ?? [],
      weights,
      vals,
      decls,
      presented: r.presented ?? true,
      responded,
      selected: r.selected ?? true,
      correct,
    };
  });
  const scope: CompileScope = { level: 'test', decls: new Map(test.outcomeDeclarations.map((d) => [d.identifier, d])) };
  const vals: Record<string, QtiValue> = {};
  const defaults: Record<string, QtiValue> = {};
  for (const d of test.outcomeDeclarations) {
    defaults[d.identifier] = d.defaultValue ?? null;
    vals[d.identifier] = d.defaultValue ?? (d.cardinality === 'single' && (d.baseType === 'integer' || d.baseType === 'float') ? { cardinality: 'single', baseType: d.baseType, value: 0 } : null);
  }
  const env: Env = { vals, correct: {}, defaults, rng: mulberry32(opts.seed ?? 0), items };
  if (test.outcomeProcessing) compileRules(test.outcomeProcessing.rules, scope)(env);
  return { vals, env, scope };
}
