import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseItem, createItemScorer, QtiResponseError, type AssessmentItem, type Json, type ResponseDeclaration } from '../index.ts';

const DIR = join(import.meta.dirname, '../../fixtures/qti/3.0');
const items: AssessmentItem[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.xml') && !f.endsWith('.test.xml'))
  .map((f) => parseItem(readFileSync(join(DIR, f), 'utf8')).item!);

/** Arbitrary well-typed JSON value for a declaration, drawing identifiers from the item's choices. */
function valueArb(item: AssessmentItem, d: ResponseDeclaration): fc.Arbitrary<Json> {
  const ids = [...new Set(item.interactions.flatMap((i) => [...i.choices, ...(i.gaps ?? [])].map((c) => c.identifier)).concat(['A', 'Z9']))];
  const id = fc.constantFrom(...ids);
  const single: fc.Arbitrary<Json> = (() => {
    switch (d.baseType) {
      case 'identifier': return id;
      case 'pair':
      case 'directedPair': return fc.tuple(id, id).map(([a, b]) => [a, b] as Json);
      case 'integer': return fc.integer({ min: -1000, max: 1000 });
      case 'float': return fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, -1.5, 0.5));
      case 'boolean': return fc.boolean();
      case 'point': return fc.tuple(fc.integer({ min: -10, max: 250 }), fc.integer({ min: -10, max: 250 })).map(([x, y]) => [x, y] as Json);
      case 'duration': return fc.double({ min: 0, max: 1e5, noNaN: true });
      case 'file': return fc.constant({ name: 'f.bin', mimeType: 'application/octet-stream', contentBase64: 'AA==' } as Json);
      default: return fc.string({ maxLength: 20 });
    }
  })();
  if (d.cardinality === 'single') return fc.oneof(single, fc.constant(null));
  if (d.cardinality === 'record') return fc.dictionary(fc.constantFrom('x', 'y'), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()));
  return fc.array(single, { maxLength: 5 });
}

describe('scoring never crashes on well-typed responses', () => {
  it('every fixture item, random responses and seeds', () => {
    for (const item of items) {
      const scorer = createItemScorer(item);
      const responses = fc.record(Object.fromEntries(item.responseDeclarations.map((d) => [d.identifier, valueArb(item, d)])), { requiredKeys: [] });
      fc.assert(
        fc.property(responses, fc.integer(), (r, seed) => {
          const { outcomes } = scorer.score(r as Record<string, Json>, { seed });
          for (const d of item.outcomeDeclarations) expect(d.identifier in outcomes).toBe(true);
          // outcomes are plain JSON (no NaN/Infinity leaks)
          expect(JSON.parse(JSON.stringify(outcomes))).toEqual(outcomes);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('ill-typed responses are refused with QtiResponseError only', () => {
    const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer()))), fc.dictionary(fc.string(), fc.integer()));
    for (const item of items) {
      const scorer = createItemScorer(item);
      const ids = item.responseDeclarations.map((d) => d.identifier).concat(['NOT_DECLARED']);
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...ids), junk), (r) => {
          try {
            scorer.score(r as Record<string, Json>);
          } catch (e) {
            expect(e).toBeInstanceOf(QtiResponseError);
          }
        }),
        { numRuns: 40 },
      );
    }
  });
});

describe('templateDefault', () => {
  it('replaces the declared default before template processing', async () => {
    const { runTemplateProcessing, toJson } = await import('../index.ts');
    const item = items.find((i) => i.identifier === 'vn-cloned')!;
    // UNIT keeps its default unless A > 5; a templateDefault changes the starting value
    for (let seed = 0; seed < 10; seed++) {
      const plain = runTemplateProcessing(item, seed);
      const forced = runTemplateProcessing(item, seed, { UNIT: 'OTHER' });
      const a = (plain.values.A as { value: number }).value;
      expect(toJson(plain.values.UNIT)).toBe(a > 5 ? 'BOXES' : 'PLAIN');
      expect(toJson(forced.values.UNIT)).toBe(a > 5 ? 'BOXES' : 'OTHER');
    }
  });
});
