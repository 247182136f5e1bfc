/**
 * Semantic checks of one parsed assessmentTest: item references that point nowhere, duplicate
 * identifiers, outcome processing that names undeclared outcomes or unknown item references,
 * branch rules with unknown targets.
 */
import type { AssessmentItem, AssessmentItemRef, AssessmentSection, AssessmentTest, BranchRule, Expr, Problem } from '../model/types.ts';
import { checkExprName, suggest, walkRules } from './item.ts';

/** What the test checker may know about the item behind an href. */
export interface ItemLookup {
  /** The item at that href (package path resolved by the caller), or a reason it is not there. */
  (href: string, ref: AssessmentItemRef): { item?: AssessmentItem; missing?: string };
}

const SPECIAL_TARGETS = new Set(['EXIT_TEST', 'EXIT_TESTPART', 'EXIT_SECTION']);

/** Semantic problems of a test; `lookup` resolves item hrefs (omit it to skip those checks). */
export function checkTest(test: AssessmentTest, lookup?: ItemLookup): Problem[] {
  const problems: Problem[] = [];
  const add = (severity: Problem['severity'], code: string, message: string, at?: { line?: number; column?: number }) =>
    problems.push({ severity, code, message, path: test.path, line: at?.line, column: at?.column });
  const ids = new Map<string, { line?: number }>();
  const claim = (id: string, what: string, at: { line?: number; column?: number }) => {
    if (!id) return add('error', 'test.no-identifier', `${what} has no identifier`, at);
    const prev = ids.get(id);
    if (prev) add('error', 'test.duplicate-identifier', `identifier "${id}" is used more than once in the test (also at line ${prev.line ?? '?'}); identifiers must be unique`, at);
    else ids.set(id, at);
  };
  const refs = new Map<string, AssessmentItemRef>();
  const items = new Map<string, AssessmentItem>();
  const branchRules: BranchRule[] = [];
  const visitSection = (s: AssessmentSection) => {
    claim(s.identifier, `<assessmentSection title="${s.title}">`, s);
    branchRules.push(...s.branchRules);
    for (const p of s.parts) {
      if (p.kind === 'assessmentSection') visitSection(p);
      else if (p.kind === 'assessmentItemRef') {
        claim(p.identifier, `<assessmentItemRef href="${p.href}">`, p);
        refs.set(p.identifier, p);
        branchRules.push(...p.branchRules);
        if (!p.href) add('error', 'test.item-no-href', `assessmentItemRef "${p.identifier}" has no href`, p);
        else if (lookup) {
          const r = lookup(p.href, p);
          if (r.item) items.set(p.identifier, r.item);
          else add('error', 'test.missing-item', `assessmentItemRef "${p.identifier}" points to "${p.href}" ${r.missing ?? 'which is not in the package'}`, p);
        }
      }
    }
  };
  for (const part of test.testParts) {
    claim(part.identifier, '<testPart>', {});
    branchRules.push(...part.branchRules);
    for (const s of part.sections) visitSection(s);
  }
  if (test.testParts.length === 0) add('error', 'test.no-parts', 'the test has no testPart, so it has no items', test.source);

  for (const br of branchRules) {
    if (!SPECIAL_TARGETS.has(br.target) && !ids.has(br.target)) {
      add('error', 'test.branch-target', `branchRule target "${br.target}" is not an item, section or testPart of this test${suggest(br.target, ids.keys())}`, br.expr);
    }
  }

  const outcomes = new Map(test.outcomeDeclarations.map((d) => [d.identifier, d]));
  const checkExpr = (e: Expr) => {
    checkExprName(e, { add }, true);
    if (e.op !== 'variable') return;
    const id = e.attrs.identifier ?? '';
    const dot = id.indexOf('.');
    if (dot < 0) {
      if (!outcomes.has(id)) add('error', 'processing.unknown-variable', `<variable identifier="${id}"> is not a declared test outcome${suggest(id, outcomes.keys())}; to read an item's outcome write ITEMREF.${id}`, e);
      return;
    }
    const refId = id.slice(0, dot);
    const varId = id.slice(dot + 1);
    if (!refs.has(refId)) {
      add('error', 'processing.unknown-item-ref', `<variable identifier="${id}"> names item reference "${refId}", which is not in the test${suggest(refId, refs.keys())}`, e);
      return;
    }
    const item = items.get(refId);
    if (item && !item.outcomeDeclarations.some((d) => d.identifier === varId) && !item.responseDeclarations.some((d) => d.identifier === varId) && !['completionStatus', 'numAttempts', 'duration'].includes(varId)) {
      add('error', 'processing.unknown-item-variable', `item "${refId}" has no variable "${varId}" (referenced as ${id})`, e);
    }
  };
  if (test.outcomeProcessing) {
    walkRules(test.outcomeProcessing.rules, (r) => {
      if ((r.kind === 'setOutcomeValue' || r.kind === 'lookupOutcomeValue') && !outcomes.has(r.identifier)) {
        add('error', 'processing.unknown-outcome', `${r.kind} sets "${r.identifier}", which is not a declared test outcome${suggest(r.identifier, outcomes.keys())}`, r);
      }
    }, checkExpr);
  }
  for (const br of branchRules) walkExpr(br.expr, checkExpr);
  return problems;
}

function walkExpr(e: Expr, f: (e: Expr) => void): void {
  f(e);
  for (const a of e.args) walkExpr(a, f);
}
