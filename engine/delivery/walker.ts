/**
 * The QTI test-structure walker: turns an assessmentTest (testParts, nested sections,
 * itemRefs) and a per-candidate seed into a delivery plan (which items, in which order,
 * under which itemSessionControl and timeLimits), then answers navigation questions on
 * that plan: where "next" leads (preConditions, branchRules), whether a jump is allowed
 * (linear/nonlinear), whether an item still takes answers (maxAttempts, submission mode).
 *
 * The structural types below are what the walker reads; item-bank's AssessmentTest is
 * mapped onto them in test-model.ts. Expressions (preConditions, branchRules) stay opaque
 * here and are evaluated by an injected function (item-bank's expression engine).
 */
import { mulberry32, shuffleInPlace, type Rng } from './rng.ts';

export interface ItemSessionControl {
  maxAttempts?: number;
  allowSkipping?: boolean;
  validateResponses?: boolean;
  allowReview?: boolean;
  showFeedback?: boolean;
  showSolution?: boolean;
  allowComment?: boolean;
}

/** Effective control after inheritance (testPart -> section -> itemRef), QTI defaults filled. */
export type EffectiveControl = Required<ItemSessionControl>;

export const DEFAULT_CONTROL: EffectiveControl = {
  maxAttempts: 1,
  allowSkipping: true,
  validateResponses: false,
  allowReview: true,
  showFeedback: false,
  showSolution: false,
  allowComment: false,
};

export interface TimeLimits {
  minTime?: number | null;
  maxTime?: number | null;
  allowLateSubmission?: boolean;
}

export interface BranchRule {
  target: string;
  expression: unknown;
}

interface Common {
  identifier: string;
  required?: boolean;
  fixed?: boolean;
  itemSessionControl?: ItemSessionControl | null;
  timeLimits?: TimeLimits | null;
  preConditions?: unknown[];
  branchRules?: BranchRule[];
}

export interface TestItemRef extends Common {
  kind: 'itemRef';
  href: string;
  categories?: string[];
  weights?: Record<string, number>;
}

export interface TestSection extends Common {
  kind: 'section';
  title?: string;
  visible?: boolean;
  keepTogether?: boolean;
  selection?: { select: number; withReplacement?: boolean } | null;
  ordering?: { shuffle: boolean } | null;
  children: (TestSection | TestItemRef)[];
}

export interface TestPart {
  identifier: string;
  navigationMode: 'linear' | 'nonlinear';
  submissionMode: 'individual' | 'simultaneous';
  itemSessionControl?: ItemSessionControl | null;
  timeLimits?: TimeLimits | null;
  preConditions?: unknown[];
  branchRules?: BranchRule[];
  sections: TestSection[];
}

export interface DeliveryTest {
  identifier: string;
  title?: string;
  timeLimits?: TimeLimits | null;
  testParts: TestPart[];
}

/** A time-limited scope an item sits in (part, section, or the item itself). */
export interface ScopeLimit {
  identifier: string;
  kind: 'testPart' | 'section' | 'item';
  maxMs: number;
}

export interface PlannedItem {
  /** Position in the plan. */
  index: number;
  /** Unique key in this plan: the itemRef identifier, with `.N` for repeated selections. */
  key: string;
  /** itemRef identifier (as in the test). */
  identifier: string;
  href: string;
  part: string;
  /** Section identifiers from the outermost down. */
  sections: string[];
  control: EffectiveControl;
  categories: string[];
  weights: Record<string, number>;
  /** Time limits of enclosing scopes and the item itself, outermost first. */
  limits: ScopeLimit[];
  preConditions: unknown[];
  branchRules: BranchRule[];
}

export interface PlannedScope {
  identifier: string;
  kind: 'testPart' | 'section';
  first: number;
  last: number;
  preConditions: unknown[];
  branchRules: BranchRule[];
}

export interface PlannedPart extends PlannedScope {
  kind: 'testPart';
  navigationMode: 'linear' | 'nonlinear';
  submissionMode: 'individual' | 'simultaneous';
}

export interface DeliveryPlan {
  testIdentifier: string;
  seed: number;
  items: PlannedItem[];
  parts: PlannedPart[];
  sections: PlannedScope[];
  testMaxMs: number | null;
}

function mergeControl(base: EffectiveControl, over?: ItemSessionControl | null): EffectiveControl {
  if (!over) return base;
  const out = { ...base };
  for (const k of Object.keys(DEFAULT_CONTROL) as (keyof ItemSessionControl)[]) {
    const v = over[k];
    if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function limitOf(identifier: string, kind: ScopeLimit['kind'], t?: TimeLimits | null): ScopeLimit[] {
  return t?.maxTime != null && t.maxTime > 0 ? [{ identifier, kind, maxMs: Math.round(t.maxTime * 1000) }] : [];
}

/** A child chosen by selection, with a repeat number for selection with replacement. */
interface Chosen {
  node: TestSection | TestItemRef;
  repeat: number;
}

/**
 * QTI selection: `select` children, required ones always among them; without replacement
 * each child at most once. The result keeps document order (ordering shuffles later).
 */
function select(section: TestSection, rng: Rng): Chosen[] {
  const kids = section.children;
  if (!section.selection) return kids.map((node) => ({ node, repeat: 0 }));
  const n = Math.max(0, Math.floor(section.selection.select));
  if (section.selection.withReplacement) {
    const picks: number[] = kids.map((k, i) => (k.required ? i : -1)).filter((i) => i >= 0);
    while (picks.length < n && kids.length) picks.push(Math.floor(rng() * kids.length));
    picks.sort((a, b) => a - b);
    const seen = new Map<number, number>();
    return picks.map((i) => {
      const r = seen.get(i) ?? 0;
      seen.set(i, r + 1);
      return { node: kids[i]!, repeat: r };
    });
  }
  const required = kids.map((k, i) => (k.required ? i : -1)).filter((i) => i >= 0);
  const optional = shuffleInPlace(kids.map((_, i) => i).filter((i) => !kids[i]!.required), rng);
  const take = [...required, ...optional.slice(0, Math.max(0, n - required.length))].sort((a, b) => a - b);
  return take.map((i) => ({ node: kids[i]!, repeat: 0 }));
}

/**
 * QTI ordering: shuffle the chosen children, keeping `fixed` ones where they are. Children of
 * invisible sections with keepTogether=false take part in the parent's shuffle individually.
 */
function order(section: TestSection, chosen: Chosen[], rng: Rng): Chosen[] {
  if (!section.ordering?.shuffle) return chosen;
  const flat: Chosen[] = [];
  for (const c of chosen) {
    if (c.node.kind === 'section' && c.node.visible === false && c.node.keepTogether === false && !c.node.selection) {
      for (const g of c.node.children) flat.push({ node: g, repeat: c.repeat });
    } else flat.push(c);
  }
  const movable = flat.map((c, i) => (c.node.fixed ? -1 : i)).filter((i) => i >= 0);
  const shuffled = shuffleInPlace(movable.map((i) => flat[i]!), rng);
  const out = flat.slice();
  movable.forEach((pos, k) => (out[pos] = shuffled[k]!));
  return out;
}

/**
 * Build the plan for one candidate. Deterministic in (test, seed): a restart rebuilds the
 * same plan, which the session also stores as its item order.
 */
export function buildPlan(test: DeliveryTest, seed: number): DeliveryPlan {
  const rng = mulberry32(seed);
  const items: PlannedItem[] = [];
  const parts: PlannedPart[] = [];
  const sections: PlannedScope[] = [];
  const keyCount = new Map<string, number>();

  const walkSection = (
    s: TestSection,
    part: TestPart,
    path: string[],
    control: EffectiveControl,
    limits: ScopeLimit[],
    repeat: number,
  ) => {
    const ctl = mergeControl(control, s.itemSessionControl);
    const lim = [...limits, ...limitOf(s.identifier, 'section', s.timeLimits)];
    const here = [...path, s.identifier];
    const first = items.length;
    for (const c of order(s, select(s, rng), rng)) {
      if (c.node.kind === 'section') walkSection(c.node, part, here, ctl, lim, c.repeat);
      else {
        const ref = c.node;
        const n = keyCount.get(ref.identifier) ?? 0;
        keyCount.set(ref.identifier, n + 1);
        items.push({
          index: items.length,
          key: n === 0 ? ref.identifier : `${ref.identifier}.${n + 1}`,
          identifier: ref.identifier,
          href: ref.href,
          part: part.identifier,
          sections: here,
          control: mergeControl(ctl, ref.itemSessionControl),
          categories: ref.categories ?? [],
          weights: ref.weights ?? {},
          limits: [...lim, ...limitOf(ref.identifier, 'item', ref.timeLimits)],
          preConditions: ref.preConditions ?? [],
          branchRules: ref.branchRules ?? [],
        });
      }
    }
    void repeat;
    if (items.length > first) {
      sections.push({ identifier: s.identifier, kind: 'section', first, last: items.length - 1, preConditions: s.preConditions ?? [], branchRules: s.branchRules ?? [] });
    }
  };

  for (const part of test.testParts) {
    const first = items.length;
    const ctl = mergeControl(DEFAULT_CONTROL, part.itemSessionControl);
    const lim = limitOf(part.identifier, 'testPart', part.timeLimits);
    for (const s of part.sections) walkSection(s, part, [], ctl, lim, 0);
    if (items.length > first) {
      parts.push({
        identifier: part.identifier,
        kind: 'testPart',
        first,
        last: items.length - 1,
        navigationMode: part.navigationMode,
        submissionMode: part.submissionMode,
        preConditions: part.preConditions ?? [],
        branchRules: part.branchRules ?? [],
      });
    }
  }
  const t = test.timeLimits?.maxTime;
  return { testIdentifier: test.identifier, seed, items, parts, sections, testMaxMs: t != null && t > 0 ? Math.round(t * 1000) : null };
}

// ---------------------------------------------------------------- navigation

/** Evaluates a QTI expression (preCondition / branchRule) against the session's variables. */
export type ConditionEvaluator = (expression: unknown) => boolean | null;

/** A refused navigation or answer; `code` is stable for API clients. */
export class NavigationError extends Error {
  constructor(
    readonly code:
      | 'linear_navigation'
      | 'skipping_not_allowed'
      | 'invalid_response'
      | 'item_not_in_plan'
      | 'item_in_other_part'
      | 'item_not_current'
      | 'max_attempts_reached'
      | 'review_not_allowed'
      | 'test_ended',
    message: string,
  ) {
    super(message);
    this.name = 'NavigationError';
  }
}

/** Where the candidate is and what they did; stored with the session. */
export interface NavState {
  /** Index into plan.items, or -1 when the test has ended. */
  position: number;
  /** Attempts used per item key (individual submission: leaving an answered item submits it). */
  attempts: Record<string, number>;
  /** Item keys the candidate has seen. */
  visited: string[];
}

export function partOf(plan: DeliveryPlan, index: number): PlannedPart {
  const p = plan.parts.find((x) => index >= x.first && index <= x.last);
  if (!p) throw new NavigationError('item_not_in_plan', `position ${index} is outside the test`);
  return p;
}

const holds = (conds: unknown[], evaluate: ConditionEvaluator) => conds.every((c) => evaluate(c) === true);

/** Scopes (part, sections, item) whose preConditions guard entering `index` from `from`. */
function entryAllowed(plan: DeliveryPlan, from: number, index: number, evaluate: ConditionEvaluator): boolean {
  const item = plan.items[index]!;
  const part = partOf(plan, index);
  // preConditions are only honoured in linear parts (QTI 2.2 §preCondition).
  if (part.navigationMode !== 'linear') return true;
  if (part.first === index && (from < part.first || from > part.last) && !holds(part.preConditions, evaluate)) return false;
  for (const s of plan.sections) {
    if (s.first === index && item.sections.includes(s.identifier) && !holds(s.preConditions, evaluate)) return false;
  }
  return holds(item.preConditions, evaluate);
}

/** The first index after skipping scopes whose preConditions fail; -1 at the end of the test. */
function advanceFrom(plan: DeliveryPlan, from: number, candidate: number, evaluate: ConditionEvaluator): number {
  let i = candidate;
  while (i >= 0 && i < plan.items.length) {
    if (entryAllowed(plan, from, i, evaluate)) return i;
    // A failed part/section preCondition skips the whole scope.
    const part = partOf(plan, i);
    if (part.first === i && part.navigationMode === 'linear' && !holds(part.preConditions, evaluate)) {
      i = part.last + 1;
      continue;
    }
    const sec = plan.sections
      .filter((s) => s.first === i && plan.items[i]!.sections.includes(s.identifier) && !holds(s.preConditions, evaluate))
      .sort((a, b) => b.last - a.last)[0];
    i = sec ? sec.last + 1 : i + 1;
  }
  return -1;
}

/** Where a branch target leads from `from`, or undefined when the target is unknown. */
function branchTarget(plan: DeliveryPlan, from: number, target: string): number | undefined {
  const item = plan.items[from]!;
  if (target === 'EXIT_TEST') return plan.items.length;
  if (target === 'EXIT_TESTPART') return partOf(plan, from).last + 1;
  if (target === 'EXIT_SECTION') {
    const inner = item.sections[item.sections.length - 1];
    const s = plan.sections.find((x) => x.identifier === inner && from >= x.first && from <= x.last);
    return s ? s.last + 1 : from + 1;
  }
  // Targets must lie forward (QTI forbids branching backwards).
  const it = plan.items.find((x) => x.index > from && (x.identifier === target || x.key === target));
  if (it) return it.index;
  const sc = [...plan.sections, ...plan.parts].find((x) => x.first > from && x.identifier === target);
  return sc?.first;
}

/** First position of the test (skipping what preConditions exclude). */
export function startState(plan: DeliveryPlan, evaluate: ConditionEvaluator = () => true): NavState {
  const position = plan.items.length ? advanceFrom(plan, -1, 0, evaluate) : -1;
  return { position, attempts: {}, visited: position >= 0 ? [plan.items[position]!.key] : [] };
}

/** Facts about the current item the navigation rules need. */
export interface ItemFacts {
  answered: (key: string) => boolean;
  /** Whether the item's responses pass validation (validateResponses). */
  valid: (key: string) => boolean;
}

function leave(plan: DeliveryPlan, state: NavState, facts: ItemFacts): NavState {
  const item = plan.items[state.position]!;
  const part = partOf(plan, state.position);
  if (!item.control.allowSkipping && !facts.answered(item.key)) {
    throw new NavigationError('skipping_not_allowed', `item '${item.key}' must be answered before moving on (allowSkipping=false)`);
  }
  if (item.control.validateResponses && facts.answered(item.key) && !facts.valid(item.key)) {
    throw new NavigationError('invalid_response', `the response to item '${item.key}' is not valid (validateResponses=true)`);
  }
  if (part.submissionMode === 'individual' && facts.answered(item.key)) {
    return { ...state, attempts: { ...state.attempts, [item.key]: (state.attempts[item.key] ?? 0) + 1 } };
  }
  return state;
}

function arrive(plan: DeliveryPlan, state: NavState, index: number): NavState {
  if (index < 0 || index >= plan.items.length) return { ...state, position: -1 };
  const key = plan.items[index]!.key;
  return { ...state, position: index, visited: state.visited.includes(key) ? state.visited : [...state.visited, key] };
}

/**
 * Move to the next item: branchRules of the item (and of scopes it closes) in linear parts,
 * then preConditions of what comes. Returns the new state; position -1 = end of test.
 */
export function next(plan: DeliveryPlan, state: NavState, facts: ItemFacts, evaluate: ConditionEvaluator = () => true): NavState {
  if (state.position < 0) throw new NavigationError('test_ended', 'the test has ended');
  const from = state.position;
  const left = leave(plan, state, facts);
  const part = partOf(plan, from);
  let target = from + 1;
  if (part.navigationMode === 'linear') {
    const rules: BranchRule[] = [...plan.items[from]!.branchRules];
    // Branch rules of sections and the part apply when their last item is left.
    for (const s of plan.sections) if (s.last === from && plan.items[from]!.sections.includes(s.identifier)) rules.push(...s.branchRules);
    if (part.last === from) rules.push(...part.branchRules);
    for (const r of rules) {
      if (evaluate(r.expression) === true) {
        const t = branchTarget(plan, from, r.target);
        if (t !== undefined) {
          target = t;
          break;
        }
      }
    }
  } else if (from === part.last) {
    target = part.last + 1;
  }
  return arrive(plan, left, advanceFrom(plan, from, target, evaluate));
}

/** Move backwards (nonlinear parts only, within the part). */
export function previous(plan: DeliveryPlan, state: NavState, facts: ItemFacts): NavState {
  if (state.position < 0) throw new NavigationError('test_ended', 'the test has ended');
  const part = partOf(plan, state.position);
  if (part.navigationMode === 'linear') throw new NavigationError('linear_navigation', `test part '${part.identifier}' is linear: going back is not allowed`);
  if (state.position === part.first) throw new NavigationError('item_in_other_part', `'${plan.items[state.position]!.key}' is the first item of test part '${part.identifier}'`);
  return jump(plan, state, state.position - 1, facts);
}

/** Jump to any item of the current part (nonlinear parts only). */
export function jump(plan: DeliveryPlan, state: NavState, to: number | string, facts: ItemFacts): NavState {
  if (state.position < 0) throw new NavigationError('test_ended', 'the test has ended');
  const idx = typeof to === 'number' ? to : plan.items.findIndex((x) => x.key === to);
  if (idx < 0 || idx >= plan.items.length) throw new NavigationError('item_not_in_plan', `item '${String(to)}' is not in this candidate's test`);
  if (idx === state.position) return state;
  const part = partOf(plan, state.position);
  if (part.navigationMode === 'linear') throw new NavigationError('linear_navigation', `test part '${part.identifier}' is linear: use next`);
  if (idx < part.first || idx > part.last) throw new NavigationError('item_in_other_part', `item '${plan.items[idx]!.key}' is not in the current test part '${part.identifier}'`);
  const target = plan.items[idx]!;
  const left = leave(plan, state, facts);
  if (left.visited.includes(target.key) && !target.control.allowReview && part.submissionMode === 'individual' && (left.attempts[target.key] ?? 0) > 0) {
    throw new NavigationError('review_not_allowed', `item '${target.key}' was submitted and allowReview=false`);
  }
  return arrive(plan, left, idx);
}

/**
 * Whether the candidate may save a response to the item with key `key` now. Throws a
 * NavigationError naming why not.
 */
export function assertAnswerable(plan: DeliveryPlan, state: NavState, key: string): PlannedItem {
  const item = plan.items.find((x) => x.key === key || x.identifier === key);
  if (!item) throw new NavigationError('item_not_in_plan', `item '${key}' is not in this candidate's test`);
  if (state.position < 0) throw new NavigationError('test_ended', 'the test has ended');
  const part = partOf(plan, state.position);
  if (item.index < part.first || item.index > part.last) {
    throw new NavigationError('item_in_other_part', `item '${item.key}' is in test part '${item.part}', the candidate is in '${part.identifier}'`);
  }
  if (part.navigationMode === 'linear' && item.index !== state.position) {
    throw new NavigationError('item_not_current', `test part '${part.identifier}' is linear: only the current item '${plan.items[state.position]!.key}' takes answers`);
  }
  const max = item.control.maxAttempts;
  if (part.submissionMode === 'individual' && max > 0 && (state.attempts[item.key] ?? 0) >= max) {
    throw new NavigationError('max_attempts_reached', `item '${item.key}' allows ${max} attempt(s) and all were used`);
  }
  return item;
}

/** The item keys of the plan, in order (stored on the session as its item order). */
export function planKeys(plan: DeliveryPlan): string[] {
  return plan.items.map((x) => x.key);
}
