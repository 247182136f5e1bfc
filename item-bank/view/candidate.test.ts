import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseItem, candidateView, visibleFeedback, runTemplateProcessing, scoreItem, textOf, type AssessmentItem, type QtiNode } from '../index.ts';

const FIX = join(import.meta.dirname, '../../fixtures/qti');

/** Every item fixture in every version folder and in src/. */
function allFixtureItems(): { path: string; item: AssessmentItem }[] {
  const out: { path: string; item: AssessmentItem }[] = [];
  for (const dir of ['src', '2.1', '2.2', '3.0']) {
    for (const f of readdirSync(join(FIX, dir))) {
      if (!f.endsWith('.xml') || f.endsWith('.test.xml')) continue;
      const path = join(FIX, dir, f);
      const { item } = parseItem(readFileSync(path, 'utf8'), { path });
      if (item) out.push({ path, item });
    }
  }
  return out;
}

const FORBIDDEN = [
  'correctResponse', 'mapping', 'mapEntry', 'areaMapping', 'areaMapEntry', 'responseProcessing', 'templateProcessing', 'modalFeedback',
  'feedbackInline', 'feedbackBlock', 'responseDeclaration', 'outcomeDeclaration', 'templateDeclaration', 'setOutcomeValue', 'responseCondition',
  'lookupOutcomeValue', 'matchTable', 'interpolationTable', 'printedVariable', 'templateInline', 'templateBlock', 'contentBody',
];

function collectNames(n: QtiNode | null, out: Set<string>): void {
  if (!n) return;
  out.add(n.name);
  for (const k of Object.keys(n.attrs)) out.add('@' + k);
  for (const c of n.children) if (typeof c !== 'string') collectNames(c, out);
}

function rubricViews(n: QtiNode | null, out: string[]): void {
  if (!n) return;
  if (n.name === 'rubricBlock') out.push(n.attrs.view ?? '');
  for (const c of n.children) if (typeof c !== 'string') rubricViews(c, out);
}

describe('candidateView over every fixture', () => {
  const items = allFixtureItems();
  it('finds the fixtures', () => expect(items.length).toBeGreaterThan(90));

  it('never leaks answer keys, scoring rules, feedback or scorer rubrics', () => {
    for (const { path, item } of items) {
      for (const seed of [0, 1, 'candidate-7']) {
        const view = candidateView(item, { seed });
        const json = JSON.stringify(view);
        const names = new Set<string>();
        collectNames(view.body, names);
        for (const f of FORBIDDEN) expect(names.has(f), `${path}: <${f}> in candidate view`).toBe(false);
        for (const key of ['"correctResponse"', '"mapping"', '"areaMapping"', '"responseProcessing"', '"templateProcessing"', '"modalFeedback"', '"outcomeDeclarations"', '"defaultValue"']) {
          expect(json.includes(key), `${path}: key ${key}`).toBe(false);
        }
        expect(names.has('@templateIdentifier') || names.has('@outcomeIdentifier'), `${path}: processing attributes`).toBe(false);
        const views: string[] = [];
        rubricViews(view.body, views);
        for (const v of views) expect(v.split(/\s+/), `${path}: rubric for ${v}`).toContain('candidate');
        // string answer keys that are not part of the visible text must not appear anywhere
        const bodyText = item.itemBody ? textOf(item.itemBody) : '';
        for (const d of item.responseDeclarations) {
          const cr = d.correctResponse;
          if (d.baseType === 'string' && cr && cr.cardinality === 'single' && !bodyText.includes(String(cr.value))) {
            expect(json.includes(String(cr.value)), `${path}: correct response '${cr.value}' leaked`).toBe(false);
          }
          for (const e of d.mapping?.entries ?? []) {
            if (typeof e.mapKey === 'string' && !bodyText.includes(e.mapKey) && d.baseType === 'string') expect(json.includes(e.mapKey), `${path}: mapKey leaked`).toBe(false);
          }
        }
      }
    }
  });

  it('drops the scorer rubric and feedback texts but keeps the candidate rubric', () => {
    const drawing = items.find((i) => i.path.endsWith('3.0/drawing.xml'))!.item;
    const json = JSON.stringify(candidateView(drawing));
    expect(json).not.toContain('Award 2 points');
    expect(json).toContain('You have 10 minutes.');
    const choice = items.find((i) => i.path.endsWith('2.2/choice-single.xml'))!.item;
    const cj = JSON.stringify(candidateView(choice));
    expect(cj).not.toContain('Well done.');
    expect(cj).not.toContain('Ha Noi is the capital.');
    expect(cj).toContain('Ho Chi Minh City');
  });
});

describe('delivery order', () => {
  const load = (f: string) => parseItem(readFileSync(join(FIX, '2.2', f), 'utf8')).item!;

  it('shuffles per seed, deterministically, keeping fixed choices in place', () => {
    const item = load('choice-single.xml');
    const orders = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const a = candidateView(item, { seed }).interactions[0].choices.map((c) => c.identifier);
      const b = candidateView(item, { seed }).interactions[0].choices.map((c) => c.identifier);
      expect(a).toEqual(b);
      expect(a[3]).toBe('NONE');
      expect([...a].sort()).toEqual(['DN', 'HCM', 'HN', 'NONE']);
      orders.add(a.join());
    }
    expect(orders.size).toBeGreaterThan(3);
  });

  it('reorders the body nodes like the choice list', () => {
    const item = load('order.xml');
    const v = candidateView(item, { seed: 5 });
    const inter = (v.body!.children.find((c) => typeof c !== 'string' && c.name === 'orderInteraction') as QtiNode);
    const ids = inter.children.filter((c): c is QtiNode => typeof c !== 'string' && c.name === 'simpleChoice').map((c) => c.attrs.identifier);
    expect(ids).toEqual(v.interactions[0].choices.map((c) => c.identifier));
  });

  it('does not shuffle when shuffle=false', () => {
    const item = load('choice-multiple.xml');
    for (let seed = 0; seed < 5; seed++) expect(candidateView(item, { seed }).interactions[0].choices.map((c) => c.identifier)).toEqual(['P2', 'P3', 'N4', 'N9']);
  });

  it('shuffles each match set separately', () => {
    const item = load('match.xml');
    const v = candidateView(item, { seed: 3 });
    expect(v.interactions[0].matchSets!.map((s) => s.map((c) => c.identifier).sort())).toEqual([['CO2', 'H2O', 'NACL'], ['SALT', 'SUGAR', 'WATER']]);
  });
});

describe('cloned items', () => {
  const item = parseItem(readFileSync(join(FIX, '3.0', 'vn-cloned.xml'), 'utf8')).item!;

  it('prints the template values of the candidate and scores against them', () => {
    for (let seed = 0; seed < 40; seed++) {
      const t = runTemplateProcessing(item, seed);
      const a = t.values.A as { value: number };
      const b = t.values.B as { value: number };
      expect(a.value).toBeGreaterThanOrEqual(2);
      expect(a.value).toBeLessThanOrEqual(9);
      expect(b.value).not.toBe(a.value);
      const text = JSON.stringify(candidateView(item, { seed }).body);
      expect(text).toContain(`${a.value}`);
      expect(text.includes('(hộp)')).toBe(a.value > 5);
      expect(scoreItem(item, { RESPONSE: a.value * b.value }, { seed }).outcomes.SCORE).toBe(0.5);
      expect(scoreItem(item, { RESPONSE: a.value * b.value + 1 }, { seed }).outcomes.SCORE).toBe(0);
    }
  });

  it('gives different candidates different numbers', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) seen.add(JSON.stringify(runTemplateProcessing(item, seed).values));
    expect(seen.size).toBeGreaterThan(5);
  });
});

describe('visibleFeedback', () => {
  it('shows modal and inline feedback by outcome value', () => {
    const item = parseItem(readFileSync(join(FIX, '3.0', 'choice-single.xml'), 'utf8')).item!;
    const right = visibleFeedback(item, scoreItem(item, { RESPONSE: 'HN' }).outcomes);
    expect(right.modal).toEqual([]);
    expect(right.inline.map((f) => f.identifier)).toEqual(['RIGHT']);
    const wrong = visibleFeedback(item, scoreItem(item, { RESPONSE: 'DN' }).outcomes);
    expect(wrong.modal.map((f) => f.identifier)).toEqual(['WRONG']);
    expect(JSON.stringify(wrong.modal[0].node)).toContain('Ha Noi is the capital.');
    expect(wrong.inline).toEqual([]);
  });
});
