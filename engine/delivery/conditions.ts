/**
 * preConditions and branchRules: QTI expressions evaluated at test level over the outcomes of
 * the items answered so far. Evaluation reuses item-bank's own test-level outcome processing
 * (every operator, testVariables, numberCorrect, item variables as `ITEM.VAR`): the expression
 * is run as one extra setOutcomeValue after the test's outcome rules, so there is exactly one
 * expression engine in Assay.
 */
import { processTestOutcomes, type AssessmentTest, type Expr, type TestItemResult } from '../../item-bank/index.ts';
import type { ExamSession, Response } from '../store/types.ts';
import type { LoadedTest } from './content.ts';
import { itemSeed, latestByItem, scorerFor } from './scoring.ts';
import type { ConditionEvaluator, DeliveryPlan } from './walker.ts';

const COND = '__ASSAY_CONDITION';

/** Whether any item, section or part of the plan has a preCondition or branchRule. */
export function hasConditions(plan: DeliveryPlan): boolean {
  return [...plan.items, ...plan.sections, ...plan.parts].some((x) => x.preConditions.length > 0 || x.branchRules.length > 0);
}

/** An evaluator over the session's answers so far (items scored once, expressions per call). */
export function conditionEvaluator(test: LoadedTest, session: ExamSession, plan: DeliveryPlan, history: readonly Response[]): ConditionEvaluator {
  const byItem = latestByItem(history);
  const visited = new Set((session.position as { visited?: string[] } | null)?.visited ?? []);
  const results: TestItemResult[] = [];
  for (const p of plan.items) {
    const li = test.items.get(p.identifier);
    if (!li || !(visited.has(p.key) || byItem.has(p.key))) continue;
    const responses = byItem.get(p.key) ?? {};
    let outcomes = {};
    try {
      outcomes = scorerFor(li).score(responses, { seed: itemSeed(session, p.key) }).outcomes;
    } catch {
      outcomes = scorerFor(li).score({}, { seed: itemSeed(session, p.key) }).outcomes;
    }
    results.push({ identifier: p.identifier, item: li.item, outcomes, responses });
  }
  const cache = new Map<unknown, boolean | null>();
  return (expression) => {
    if (cache.has(expression)) return cache.get(expression)!;
    const model: AssessmentTest = {
      ...test.model,
      outcomeDeclarations: [...test.model.outcomeDeclarations, { identifier: COND, cardinality: 'single', baseType: 'boolean' }],
      outcomeProcessing: { rules: [...(test.model.outcomeProcessing?.rules ?? []), { kind: 'setOutcomeValue', identifier: COND, expr: expression as Expr }] },
    };
    let v: boolean | null = null;
    try {
      const out = processTestOutcomes(model, results, { seed: Number(session.seed) }).outcomes[COND];
      v = typeof out === 'boolean' ? out : null;
    } catch {
      v = null; // an expression that cannot be evaluated is not true (QTI: NULL)
    }
    cache.set(expression, v);
    return v;
  };
}
