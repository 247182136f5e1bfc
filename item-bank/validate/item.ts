/**
 * Semantic checks of one parsed assessmentItem (the parser already reports XML and declaration
 * syntax): bindings of interactions, identifiers used in processing, standard-template
 * prerequisites, correct responses that are not choices, unsupported or unknown elements,
 * duplicate identifiers. Every problem carries the line and column of the element at fault.
 */
import type { AssessmentItem, Expr, Interaction, Problem, QtiNode, Rule, VariableDeclarationBase } from '../model/types.ts';
import { BODY_ELEMENTS, BUILTIN_ITEM_VARIABLES, EXPRESSION_OPS, INTERACTION_BINDING, TEST_ONLY_OPS, VARIABLE_REFS } from './expressions.ts';
import { QTI_ELEMENTS } from '../xml/names.ts';

type Pos = { line?: number; column?: number };

class Sink {
  problems: Problem[] = [];
  constructor(readonly path: string | undefined) {}
  add(severity: Problem['severity'], code: string, message: string, at?: Pos): void {
    this.problems.push({ severity, code, message, path: this.path, line: at?.line, column: at?.column });
  }
}

/** Walks processing rules, calling `onRule` and `onExpr` for every rule and expression. */
export function walkRules(rules: Rule[], onRule: (r: Rule) => void, onExpr: (e: Expr) => void): void {
  const expr = (e: Expr) => {
    onExpr(e);
    for (const a of e.args) expr(a);
  };
  for (const r of rules) {
    onRule(r);
    if (r.kind === 'condition') {
      for (const b of r.branches) {
        if (b.cond) expr(b.cond);
        walkRules(b.rules, onRule, onExpr);
      }
    } else if (r.kind === 'fragment') walkRules(r.rules, onRule, onExpr);
    else if ('expr' in r) expr(r.expr);
  }
}

/** Checks one expression's element name: unknown or unsupported operators. */
export function checkExprName(e: Expr, sink: { add: Sink['add'] }, inTest: boolean): void {
  if (e.op === 'customOperator') {
    sink.add('error', 'unsupported.customOperator', `customOperator${e.attrs.class ? ` class="${e.attrs.class}"` : ''} is not supported: Assay cannot run vendor code; rewrite the rule with standard QTI operators`, e);
  } else if (!EXPRESSION_OPS.has(e.op)) {
    sink.add('error', 'processing.unknown-expression', `<${e.op}> is not a QTI expression; check the spelling (QTI 3.0 names start with qti-)`, e);
  } else if (!inTest && TEST_ONLY_OPS.has(e.op)) {
    sink.add('error', 'processing.test-only', `<${e.op}> can only be used in a test's outcomeProcessing, not in an item`, e);
  }
}

/** Semantic problems of one item (does not repeat what the parser reports). */
export function checkItem(item: AssessmentItem): Problem[] {
  const sink = new Sink(item.path);
  const responses = new Map(item.responseDeclarations.map((d) => [d.identifier, d]));
  const outcomes = new Map(item.outcomeDeclarations.map((d) => [d.identifier, d]));
  const templates = new Map(item.templateDeclarations.map((d) => [d.identifier, d]));
  const known = (id: string) => responses.has(id) || outcomes.has(id) || templates.has(id) || BUILTIN_ITEM_VARIABLES.has(id);

  // Interactions and their responses.
  const bound = new Map<string, Interaction>();
  for (const it of item.interactions) checkInteraction(it, responses, bound, sink);

  // Response processing.
  const rp = item.responseProcessing;
  if (rp?.standardTemplate) {
    const resp = responses.get('RESPONSE');
    if (!resp) sink.add('error', 'rp.template-response', `the ${rp.standardTemplate} template scores the response "RESPONSE", but no responseDeclaration has that identifier`, item.source);
    if (!outcomes.has('SCORE')) sink.add('error', 'rp.template-score', `the ${rp.standardTemplate} template sets the outcome "SCORE", but no outcomeDeclaration has that identifier`, item.source);
    if (resp && rp.standardTemplate === 'match_correct' && resp.correctResponse === undefined) sink.add('error', 'rp.no-correct', 'match_correct needs a correctResponse in the declaration of "RESPONSE"', resp);
    if (resp && rp.standardTemplate === 'map_response' && !resp.mapping) sink.add('error', 'rp.no-mapping', 'map_response needs a mapping in the declaration of "RESPONSE"', resp);
    if (resp && rp.standardTemplate === 'map_response_point' && !resp.areaMapping) sink.add('error', 'rp.no-area-mapping', 'map_response_point needs an areaMapping in the declaration of "RESPONSE"', resp);
  }
  if (rp) {
    walkRules(rp.rules, (r) => {
      if (r.kind === 'setOutcomeValue' || r.kind === 'lookupOutcomeValue') {
        const decl = outcomes.get(r.identifier);
        if (!decl) sink.add('error', 'processing.unknown-outcome', `${r.kind} sets "${r.identifier}", which is not a declared outcome variable${suggest(r.identifier, outcomes.keys())}`, r);
        else if (r.kind === 'lookupOutcomeValue' && !(decl as { lookupTable?: unknown }).lookupTable) sink.add('error', 'processing.no-lookup-table', `lookupOutcomeValue uses "${r.identifier}", whose declaration has no matchTable or interpolationTable`, r);
      }
    }, (e) => {
      checkExprName(e, sink, false);
      checkVariableRef(e, known, responses, sink, [...responses.keys(), ...outcomes.keys(), ...templates.keys()]);
    });
  }
  if (item.templateProcessing) {
    walkRules(item.templateProcessing.rules, (r) => {
      if (r.kind === 'setTemplateValue' && !templates.has(r.identifier)) sink.add('error', 'processing.unknown-template', `setTemplateValue sets "${r.identifier}", which is not a declared template variable`, r);
      if (r.kind === 'setCorrectResponse' && !responses.has(r.identifier)) sink.add('error', 'processing.unknown-response', `setCorrectResponse sets "${r.identifier}", which is not a declared response variable`, r);
      if (r.kind === 'setDefaultValue' && !responses.has(r.identifier) && !outcomes.has(r.identifier)) sink.add('error', 'processing.unknown-variable', `setDefaultValue sets "${r.identifier}", which is not a declared response or outcome variable`, r);
    }, (e) => {
      checkExprName(e, sink, false);
      checkVariableRef(e, known, responses, sink, [...templates.keys()]);
    });
  }
  for (const f of item.modalFeedback) {
    if (f.outcomeIdentifier && !outcomes.has(f.outcomeIdentifier)) sink.add('error', 'feedback.unknown-outcome', `modalFeedback refers to outcome "${f.outcomeIdentifier}", which is not declared`, f.node);
  }
  if (item.itemBody) checkBody(item.itemBody, outcomes, templates, sink);
  return sink.problems;
}

function checkInteraction(it: Interaction, responses: Map<string, VariableDeclarationBase & { correctResponse?: unknown }>, bound: Map<string, Interaction>, sink: Sink): void {
  if (it.kind === 'custom' || it.kind === 'portableCustom') {
    sink.add('warning', 'unsupported.custom-interaction', `<${it.element}> is kept as written but Assay's player cannot render it; candidates will see nothing to answer`, it);
  }
  if (!it.responseIdentifier) {
    if (it.kind !== 'media') sink.add('error', 'interaction.no-response', `<${it.element}> has no responseIdentifier`, it);
    return;
  }
  const decl = responses.get(it.responseIdentifier);
  if (!decl) {
    sink.add('error', 'interaction.undeclared-response', `<${it.element}> is bound to response "${it.responseIdentifier}", which has no responseDeclaration${suggest(it.responseIdentifier, responses.keys())}`, it);
    return;
  }
  const prev = bound.get(it.responseIdentifier);
  if (prev) sink.add('error', 'interaction.shared-response', `two interactions are bound to the same response "${it.responseIdentifier}" (the other one is at line ${prev.line ?? '?'}); give each its own responseDeclaration`, it);
  bound.set(it.responseIdentifier, it);
  const rule = INTERACTION_BINDING[it.kind];
  if (rule) {
    if (!rule.cardinality.includes(decl.cardinality)) {
      sink.add('error', 'interaction.cardinality', `<${it.element}> needs a response of cardinality ${rule.cardinality.join(' or ')}, but "${decl.identifier}" is declared ${decl.cardinality} (line ${decl.line ?? '?'})`, it);
    } else if (decl.baseType && !rule.baseType.includes(decl.baseType)) {
      sink.add('error', 'interaction.baseType', `<${it.element}> needs a response of baseType ${rule.baseType.join(' or ')}, but "${decl.identifier}" is declared ${decl.baseType} (line ${decl.line ?? '?'})`, it);
    }
    if ((it.kind === 'choice' || it.kind === 'hottext' || it.kind === 'hotspot') && decl.cardinality === 'single' && it.maxChoices !== undefined && it.maxChoices !== 1) {
      sink.add('error', 'interaction.cardinality', `<${it.element}> allows ${it.maxChoices === 0 ? 'any number of' : it.maxChoices} choices, but "${decl.identifier}" is declared single; declare it multiple or set maxChoices="1"`, it);
    }
  }
  // Duplicate choice identifiers within one interaction.
  const ids = new Set<string>();
  for (const c of [...it.choices, ...(it.gaps ?? [])]) {
    if (!c.identifier) continue;
    if (ids.has(c.identifier)) sink.add('error', 'interaction.duplicate-choice', `identifier "${c.identifier}" is used by more than one choice in <${it.element}>`, c.node);
    ids.add(c.identifier);
  }
  const choiceLike = ['choice', 'inlineChoice', 'order', 'hottext', 'hotspot', 'graphicOrder', 'associate', 'graphicAssociate', 'match', 'gapMatch', 'graphicGapMatch'];
  if (choiceLike.includes(it.kind) && it.choices.length === 0) {
    sink.add('error', 'interaction.no-choices', `<${it.element}> has no choices for the candidate to pick`, it);
  }
  if ((it.kind === 'choice' || it.kind === 'hottext' || it.kind === 'hotspot') && it.maxChoices !== undefined && it.maxChoices > it.choices.length) {
    sink.add('warning', 'interaction.max-choices', `<${it.element}> allows ${it.maxChoices} choices but offers only ${it.choices.length}`, it);
  }
  // Mapping keys that name no choice can never score (identifier, pair and directedPair).
  const mapping = (decl as { mapping?: { entries: { mapKey: unknown }[] } }).mapping;
  if (mapping && ids.size > 0 && ['identifier', 'pair', 'directedPair'].includes(decl.baseType ?? '')) {
    for (const e of mapping.entries) {
      for (const part of Array.isArray(e.mapKey) ? e.mapKey : [e.mapKey]) {
        if (typeof part === 'string' && !ids.has(part)) {
          sink.add('warning', 'decl.mapkey-not-a-choice', `the mapping of "${decl.identifier}" has key "${part}", which is not a choice of <${it.element}>, so it can never score`, decl);
        }
      }
    }
  }
  // A correct response naming a choice that does not exist (identifier, pair and directedPair).
  const correct = decl.correctResponse as { value?: unknown; values?: unknown[] } | undefined | null;
  if (correct && ids.size > 0 && ['identifier', 'pair', 'directedPair'].includes(decl.baseType ?? '')) {
    const vals = correct.values ?? (correct.value !== undefined ? [correct.value] : []);
    for (const v of vals) {
      const parts = Array.isArray(v) ? v : [v];
      for (const p of parts) {
        if (typeof p === 'string' && !ids.has(p)) {
          sink.add('error', 'decl.correct-not-a-choice', `the correctResponse of "${decl.identifier}" names "${p}", which is not a choice of <${it.element}> (choices: ${[...ids].join(', ')})`, decl);
        }
      }
    }
  }
}

function checkVariableRef(e: Expr, known: (id: string) => boolean, responses: Map<string, unknown>, sink: Sink, candidates: string[]): void {
  if (!VARIABLE_REFS.has(e.op)) return;
  const id = e.attrs.identifier ?? '';
  if (!id) {
    sink.add('error', 'processing.no-identifier', `<${e.op}> has no identifier attribute`, e);
    return;
  }
  if ((e.op === 'mapResponse' || e.op === 'mapResponsePoint' || e.op === 'correct') && !responses.has(id)) {
    sink.add('error', 'processing.unknown-response', `<${e.op} identifier="${id}"> refers to a response variable that is not declared${suggest(id, candidates)}`, e);
  } else if (!known(id)) {
    sink.add('error', 'processing.unknown-variable', `<${e.op} identifier="${id}"> refers to a variable that is not declared${suggest(id, candidates)}`, e);
  }
}

function checkBody(body: QtiNode, outcomes: Map<string, unknown>, templates: Map<string, unknown>, sink: Sink): void {
  const stack: QtiNode[] = [body];
  while (stack.length) {
    const n = stack.pop()!;
    // MathML, SVG and custom interaction markup have vocabularies of their own: not descended.
    if (!FOREIGN_ROOTS.has(n.name) && !n.name.endsWith(':math')) for (const c of n.children) if (typeof c !== 'string') stack.push(c);
    if (n === body) continue;
    const name = n.name;
    if (name.includes(':')) continue; // another namespace (MathML m:, SSML, ...): passed through
    if ((name === 'feedbackInline' || name === 'feedbackBlock') && n.attrs.outcomeIdentifier && !outcomes.has(n.attrs.outcomeIdentifier)) {
      sink.add('error', 'feedback.unknown-outcome', `<${name}> refers to outcome "${n.attrs.outcomeIdentifier}", which is not declared`, n);
    }
    if ((name === 'printedVariable' || name === 'templateInline' || name === 'templateBlock') && n.attrs.identifier && !outcomes.has(n.attrs.identifier) && !templates.has(n.attrs.identifier) && !n.attrs.templateIdentifier) {
      sink.add('error', 'body.unknown-variable', `<${name}> refers to variable "${n.attrs.identifier}", which is not declared`, n);
    }
    if (!QTI_ELEMENTS.has(name) && !BODY_ELEMENTS.has(name) && !FOREIGN_ROOTS.has(name)) {
      sink.add('warning', 'body.unknown-element', `<${name}> is not an XHTML or QTI element; players may not show it`, n);
    }
  }
}

const FOREIGN_ROOTS = new Set(['math', 'svg', 'customInteraction', 'portableCustomInteraction', 'interactionMarkup']);

/** ` (did you mean "X"?)` for a close identifier, else ''. */
export function suggest(id: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(id.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(id.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
