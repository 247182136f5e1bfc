import { describe, expect, it } from 'vitest';
import { NavigationError, assertAnswerable, buildPlan, jump, next, planKeys, previous, startState, type DeliveryTest, type TestItemRef, type TestSection } from './walker.ts';

const ref = (id: string, extra: Partial<TestItemRef> = {}): TestItemRef => ({ kind: 'itemRef', identifier: id, href: `${id}.xml`, ...extra });
const sec = (id: string, children: TestSection['children'], extra: Partial<TestSection> = {}): TestSection => ({ kind: 'section', identifier: id, children, ...extra });
const facts = { answered: () => true, valid: () => true };
const none = { answered: () => false, valid: () => true };

const pool = Array.from({ length: 20 }, (_, i) => ref(`Q${i + 1}`));
const shuffled: DeliveryTest = {
  identifier: 'T',
  timeLimits: { maxTime: 3600 },
  testParts: [{ identifier: 'P1', navigationMode: 'nonlinear', submissionMode: 'simultaneous', sections: [sec('S1', pool, { selection: { select: 10 }, ordering: { shuffle: true } })] }],
};

describe('test-structure walker: plan', () => {
  it('selection and ordering are seeded per candidate: same seed same plan, other seed other plan', () => {
    const a = planKeys(buildPlan(shuffled, 42));
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(planKeys(buildPlan(shuffled, 42))).toEqual(a);
    expect(planKeys(buildPlan(shuffled, 43))).not.toEqual(a);
    expect(buildPlan(shuffled, 42).testMaxMs).toBe(3_600_000);
  });

  it('required children are always selected and fixed ones keep their place', () => {
    const t: DeliveryTest = {
      identifier: 'T',
      testParts: [{ identifier: 'P', navigationMode: 'linear', submissionMode: 'individual', sections: [sec('S', [ref('intro', { fixed: true, required: true }), ...pool.slice(0, 8), ref('must', { required: true })], { selection: { select: 4 }, ordering: { shuffle: true } })] }],
    };
    for (let seed = 1; seed < 30; seed++) {
      const k = planKeys(buildPlan(t, seed));
      expect(k).toHaveLength(4);
      expect(k[0]).toBe('intro');
      expect(k).toContain('must');
    }
  });

  it('selection with replacement gives repeated items distinct keys', () => {
    const t: DeliveryTest = { identifier: 'T', testParts: [{ identifier: 'P', navigationMode: 'linear', submissionMode: 'individual', sections: [sec('S', [ref('A'), ref('B')], { selection: { select: 5, withReplacement: true } })] }] };
    const k = planKeys(buildPlan(t, 7));
    expect(k).toHaveLength(5);
    expect(new Set(k).size).toBe(5);
  });

  it('itemSessionControl is inherited part -> section -> item and time limits are collected', () => {
    const t: DeliveryTest = {
      identifier: 'T',
      testParts: [{
        identifier: 'P', navigationMode: 'nonlinear', submissionMode: 'individual', itemSessionControl: { maxAttempts: 0, allowReview: false }, timeLimits: { maxTime: 1800 },
        sections: [sec('S', [ref('A', { itemSessionControl: { allowSkipping: false }, timeLimits: { maxTime: 60 } })], { itemSessionControl: { showFeedback: true }, timeLimits: { maxTime: 600 } })],
      }],
    };
    const it0 = buildPlan(t, 1).items[0]!;
    expect(it0.control).toMatchObject({ maxAttempts: 0, allowReview: false, showFeedback: true, allowSkipping: false, validateResponses: false });
    expect(it0.limits.map((l) => [l.kind, l.maxMs])).toEqual([['testPart', 1_800_000], ['section', 600_000], ['item', 60_000]]);
  });
});

describe('test-structure walker: navigation', () => {
  const linear: DeliveryTest = {
    identifier: 'T',
    testParts: [
      { identifier: 'P1', navigationMode: 'linear', submissionMode: 'individual', sections: [sec('S1', [ref('A', { branchRules: [{ target: 'D', expression: 'skip' }] }), ref('B'), ref('C', { itemSessionControl: { allowSkipping: false } }), ref('D'), ref('E', { preConditions: ['showE'] })])] },
      { identifier: 'P2', navigationMode: 'nonlinear', submissionMode: 'simultaneous', sections: [sec('S2', [ref('F'), ref('G'), ref('H')])] },
    ],
  };
  const plan = buildPlan(linear, 1);

  it('linear: next only, branch rules jump forward, preConditions skip, allowSkipping enforced', () => {
    const ev = (flags: Record<string, boolean>) => (e: unknown) => flags[e as string] ?? false;
    let s = startState(plan);
    expect(plan.items[s.position]!.key).toBe('A');
    expect(() => previous(plan, s, facts)).toThrow(/linear/);
    expect(() => jump(plan, s, 'C', facts)).toThrow(NavigationError);
    s = next(plan, s, facts, ev({ skip: true }));
    expect(plan.items[s.position]!.key).toBe('D');
    expect(s.attempts.A).toBe(1);
    s = next(plan, s, facts, ev({ showE: false }));
    expect(plan.items[s.position]!.key).toBe('F');
    // without the branch: A -> B -> C; C refuses to be skipped
    let t = next(plan, startState(plan), none, ev({}));
    t = next(plan, t, none, ev({}));
    expect(plan.items[t.position]!.key).toBe('C');
    expect(() => next(plan, t, none, ev({}))).toThrow(expect.objectContaining({ code: 'skipping_not_allowed' }));
  });

  it('linear: only the current item takes answers; maxAttempts=1 closes it after submission', () => {
    const s = startState(plan);
    expect(assertAnswerable(plan, s, 'A').key).toBe('A');
    expect(() => assertAnswerable(plan, s, 'B')).toThrow(expect.objectContaining({ code: 'item_not_current' }));
    expect(() => assertAnswerable(plan, s, 'F')).toThrow(expect.objectContaining({ code: 'item_in_other_part' }));
    expect(() => assertAnswerable(plan, s, 'ZZ')).toThrow(expect.objectContaining({ code: 'item_not_in_plan' }));
    expect(() => assertAnswerable(plan, { ...s, attempts: { A: 1 } }, 'A')).toThrow(expect.objectContaining({ code: 'max_attempts_reached' }));
  });

  it('nonlinear: free jumps within the part, not outside; end of the test after the last part', () => {
    let s = { position: plan.items.findIndex((x) => x.key === 'F'), attempts: {}, visited: ['F'] };
    s = jump(plan, s, 'H', facts);
    expect(plan.items[s.position]!.key).toBe('H');
    s = previous(plan, s, facts);
    expect(plan.items[s.position]!.key).toBe('G');
    expect(() => jump(plan, s, 'A', facts)).toThrow(expect.objectContaining({ code: 'item_in_other_part' }));
    expect(assertAnswerable(plan, s, 'F').key).toBe('F'); // any item of a nonlinear part
    s = jump(plan, s, 'H', facts);
    s = next(plan, s, facts);
    expect(s.position).toBe(-1);
    expect(() => next(plan, s, facts)).toThrow(expect.objectContaining({ code: 'test_ended' }));
  });
});
