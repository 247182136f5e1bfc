import { describe, expect, it } from 'vitest';
import { checkResponse, toJson, parseDuration, QtiResponseError, type BaseType, type Cardinality, type Json } from './index.ts';
import { roundDecimal } from './processing/expressions.ts';
import { xsdRegexToJs } from './processing/value-ops.ts';
import { mulberry32, shuffleWithFixed } from './processing/rng.ts';

const decl = (baseType: BaseType | undefined, cardinality: Cardinality = 'single') => ({ identifier: 'R', baseType, cardinality });

describe('JSON values <-> QTI values (DESIGN.md form)', () => {
  const ok: [BaseType, Json, Json][] = [
    ['identifier', 'A1', 'A1'],
    ['string', 'Xin chào', 'Xin chào'],
    ['integer', 42, 42],
    ['integer', '-7', -7],
    ['float', 2.5, 2.5],
    ['boolean', false, false],
    ['point', [3, 4], [3, 4]],
    ['point', '3 4', [3, 4]],
    ['pair', ['A', 'B'], ['A', 'B']],
    ['directedPair', 'A B', ['A', 'B']],
    ['duration', 90, 90],
    ['duration', 'PT1M30S', 90],
    ['uri', 'https://example.org/x', 'https://example.org/x'],
    ['intOrIdentifier', 3, 3],
    ['file', { name: 'a.txt', mimeType: 'text/plain', contentBase64: 'YQ==' }, { name: 'a.txt', mimeType: 'text/plain', contentBase64: 'YQ==' }],
  ];
  it.each(ok)('single %s %j', (bt, input, out) => {
    expect(toJson(checkResponse(decl(bt), input))).toEqual(out);
  });

  it('multiple and ordered are lists; empty list is NULL', () => {
    expect(toJson(checkResponse(decl('identifier', 'multiple'), ['A', 'B']))).toEqual(['A', 'B']);
    expect(toJson(checkResponse(decl('point', 'ordered'), [[1, 2], '3 4']))).toEqual([[1, 2], [3, 4]]);
    expect(checkResponse(decl('identifier', 'multiple'), [])).toBeNull();
    expect(checkResponse(decl('identifier'), null)).toBeNull();
    expect(checkResponse(decl('integer'), '')).toBeNull();
    expect(checkResponse(decl('identifier', 'multiple'), '')).toBeNull();
  });

  it('record is an object of fields', () => {
    expect(toJson(checkResponse(decl(undefined, 'record'), { x: 1.5, n: 2, s: 'a', b: true, z: null }))).toEqual({ x: 1.5, n: 2, s: 'a', b: true, z: null });
  });

  const bad: [BaseType, Cardinality, Json, string][] = [
    ['identifier', 'single', ['A'], 'wrong_cardinality'],
    ['identifier', 'multiple', 'A', 'wrong_cardinality'],
    ['identifier', 'single', 'two words', 'wrong_base_type'],
    ['integer', 'single', 1.5, 'wrong_base_type'],
    ['integer', 'single', 'x', 'wrong_base_type'],
    ['float', 'single', 'NaN', 'wrong_base_type'],
    ['boolean', 'single', 'true', 'wrong_base_type'],
    ['point', 'single', [1], 'wrong_base_type'],
    ['pair', 'multiple', [['A']], 'wrong_base_type'],
    ['file', 'single', 'x.pdf', 'wrong_base_type'],
    ['duration', 'single', -3, 'wrong_base_type'],
    ['integer', 'multiple', [[1, 2]], 'wrong_cardinality'],
  ];
  it.each(bad)('refuses %s/%s %j with %s', (bt, card, input, code) => {
    let err: unknown;
    try {
      checkResponse(decl(bt, card), input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QtiResponseError);
    expect((err as QtiResponseError).code).toBe(code);
    expect((err as QtiResponseError).message).toContain("'R'");
  });

  it('refuses unknown identifiers', () => {
    expect(() => checkResponse(undefined, 'A', 'NOPE')).toThrow(/'NOPE' is not a declared response/);
  });

  it('parses ISO 8601 durations', () => {
    expect(parseDuration('PT1H2M3.5S')).toBe(3723.5);
    expect(parseDuration('P1D')).toBe(86400);
    expect(parseDuration('12.5')).toBe(12.5);
    expect(parseDuration('P')).toBeUndefined();
    expect(parseDuration('1 hour')).toBeUndefined();
  });
});

describe('numeric helpers', () => {
  it('roundTo rounds half away from zero on the decimal value', () => {
    expect(roundDecimal(1.005, 'decimalPlaces', 2)).toBe(1.01);
    expect(roundDecimal(-1.005, 'decimalPlaces', 2)).toBe(-1.01);
    expect(roundDecimal(1234.5, 'significantFigures', 2)).toBe(1200);
    expect(roundDecimal(0.00045, 'significantFigures', 1)).toBe(0.0005);
    expect(roundDecimal(9.96, 'decimalPlaces', 1)).toBe(10);
    expect(roundDecimal(0.04, 'decimalPlaces', 0)).toBe(0);
    expect(roundDecimal(0.5, 'decimalPlaces', 0)).toBe(1);
  });

  it('XML Schema regular expressions are anchored and translated', () => {
    expect(xsdRegexToJs('abc').test('xabcx')).toBe(false);
    expect(xsdRegexToJs('[0-9]{4}').test('2025')).toBe(true);
    expect(xsdRegexToJs('\\p{IsBasicLatin}+').test('abc')).toBe(true);
    expect(xsdRegexToJs('\\p{IsBasicLatin}+').test('ạ')).toBe(false);
    expect(xsdRegexToJs('\\p{L}+').test('Tiếng')).toBe(true);
  });

  it('the seeded RNG is deterministic and shuffles keep fixed items', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 10; i++) expect(a()).toBe(b());
    const items = ['a', 'B', 'c', 'd', 'E', 'f'];
    for (let s = 0; s < 20; s++) {
      const out = shuffleWithFixed(items, (x) => x === x.toUpperCase(), mulberry32(s));
      expect(out[1]).toBe('B');
      expect(out[4]).toBe('E');
      expect([...out].sort()).toEqual([...items].sort());
    }
  });
});
