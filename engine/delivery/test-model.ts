/**
 * Maps item-bank's AssessmentTest model onto the walker's structural DeliveryTest, so the
 * walker stays independent of parser details (and testable on hand-written structures).
 */
import type { AssessmentSection, AssessmentTest, ItemSessionControl as QtiControl, TimeLimits as QtiTimeLimits } from '../../item-bank/index.ts';
import type { DeliveryTest, ItemSessionControl, TestItemRef, TestSection, TimeLimits } from './walker.ts';

const control = (c?: QtiControl): ItemSessionControl | null => (c ? { ...c } : null);
const limits = (t?: QtiTimeLimits): TimeLimits | null => (t ? { minTime: t.minTime ?? null, maxTime: t.maxTime ?? null, allowLateSubmission: t.allowLateSubmission } : null);

function section(s: AssessmentSection): TestSection {
  const children: (TestSection | TestItemRef)[] = [];
  for (const p of s.parts) {
    if (p.kind === 'assessmentSection') children.push(section(p));
    else if (p.kind === 'assessmentItemRef') {
      children.push({
        kind: 'itemRef',
        identifier: p.identifier,
        href: p.href,
        required: p.required,
        fixed: p.fixed,
        categories: p.categories,
        weights: Object.fromEntries(p.weights.map((w) => [w.identifier, w.value])),
        itemSessionControl: control(p.itemSessionControl),
        timeLimits: limits(p.timeLimits),
        preConditions: p.preConditions,
        branchRules: p.branchRules.map((b) => ({ target: b.target, expression: b.expr })),
      });
    }
    // assessmentSectionRef: resolved by the package importer before a test is stored.
  }
  return {
    kind: 'section',
    identifier: s.identifier,
    title: s.title,
    visible: s.visible,
    keepTogether: s.keepTogether,
    required: s.required,
    fixed: s.fixed,
    selection: s.selection ?? null,
    ordering: s.ordering ?? null,
    itemSessionControl: control(s.itemSessionControl),
    timeLimits: limits(s.timeLimits),
    preConditions: s.preConditions,
    branchRules: s.branchRules.map((b) => ({ target: b.target, expression: b.expr })),
    children,
  };
}

/** The walker's view of a parsed assessmentTest. */
export function toDeliveryTest(t: AssessmentTest): DeliveryTest {
  return {
    identifier: t.identifier,
    title: t.title,
    timeLimits: limits(t.timeLimits),
    testParts: t.testParts.map((p) => ({
      identifier: p.identifier,
      navigationMode: p.navigationMode,
      submissionMode: p.submissionMode,
      itemSessionControl: control(p.itemSessionControl),
      timeLimits: limits(p.timeLimits),
      preConditions: p.preConditions,
      branchRules: p.branchRules.map((b) => ({ target: b.target, expression: b.expr })),
      sections: p.sections.map(section),
    })),
  };
}
