/** Comparisons and helpers on QtiValues used by the operators. */
import type { BaseType, FileValue, Primitive, QtiValue, SingleValue } from '../model/types.ts';

/** NULL per spec: null, an empty container, or an empty string. */
export function isNullValue(v: QtiValue): boolean {
  if (v === null) return true;
  if (v.cardinality === 'single') return v.value === '' && (v.baseType === 'string' || v.baseType === 'identifier');
  if (v.cardinality === 'record') return Object.keys(v.fields).length === 0;
  return v.values.length === 0;
}

export const NUMERIC_TYPES = new Set<BaseType>(['integer', 'float']);

/** Text compared after Unicode NFC normalisation (Vietnamese precomposed vs combining marks). */
export function nfc(s: string): string {
  return s.normalize('NFC');
}

/** Equality of two single values of the given base type. */
export function primitiveEquals(bt: BaseType, a: Primitive, b: Primitive, caseSensitive = true): boolean {
  switch (bt) {
    case 'pair': {
      const x = a as [string, string];
      const y = b as [string, string];
      return (x[0] === y[0] && x[1] === y[1]) || (x[0] === y[1] && x[1] === y[0]);
    }
    case 'point':
    case 'directedPair': {
      const x = a as [unknown, unknown];
      const y = b as [unknown, unknown];
      return x[0] === y[0] && x[1] === y[1];
    }
    case 'file': {
      const x = a as FileValue;
      const y = b as FileValue;
      return x.contentBase64 === y.contentBase64 && x.mimeType === y.mimeType;
    }
    case 'string': {
      if (a === b) return true;
      const x = nfc(a as string);
      const y = nfc(b as string);
      return caseSensitive ? x === y : x.toLowerCase() === y.toLowerCase();
    }
    default:
      return a === b;
  }
}

/** Value equality as the `match` operator defines it (multiset for multiple, sequence for ordered). */
export function valuesMatch(a: QtiValue, b: QtiValue): boolean {
  if (a === null || b === null) return false;
  if (a.cardinality === 'record' || b.cardinality === 'record') {
    if (a.cardinality !== 'record' || b.cardinality !== 'record') return false;
    const ka = Object.keys(a.fields);
    if (ka.length !== Object.keys(b.fields).length) return false;
    for (const k of ka) {
      if (!(k in b.fields)) return false;
      const x = a.fields[k];
      const y = b.fields[k];
      if (x === null || y === null) {
        if (x !== y) return false;
      } else if (!valuesMatch(x, y)) return false;
    }
    return true;
  }
  if (a.cardinality === 'single' && b.cardinality === 'single') return singleEquals(a, b);
  if (a.cardinality === 'single' || b.cardinality === 'single') return false;
  const bt = a.baseType;
  if (a.values.length !== b.values.length) return false;
  if (a.cardinality === 'ordered' || b.cardinality === 'ordered') {
    if (a.cardinality !== b.cardinality) return false;
    for (let i = 0; i < a.values.length; i++) if (!primitiveEquals(bt, a.values[i], b.values[i])) return false;
    return true;
  }
  const used = new Array<boolean>(b.values.length).fill(false);
  outer: for (const x of a.values) {
    for (let j = 0; j < b.values.length; j++) {
      if (!used[j] && primitiveEquals(bt, x, b.values[j])) {
        used[j] = true;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

function singleEquals(a: SingleValue, b: SingleValue): boolean {
  const numA = NUMERIC_TYPES.has(a.baseType);
  const numB = NUMERIC_TYPES.has(b.baseType);
  if (numA || numB) return numA && numB && a.value === b.value;
  const bt = a.baseType === 'intOrIdentifier' ? b.baseType : a.baseType;
  return primitiveEquals(bt, a.value, b.value);
}

/** Point-in-area test for `inside` and areaMapping. Coordinates follow HTML image maps. */
export function pointInShape(shape: string, coords: number[], x: number, y: number): boolean {
  switch (shape) {
    case 'default':
      return true;
    case 'rect': {
      const [l, t, r, b] = coords;
      return x >= Math.min(l, r) && x <= Math.max(l, r) && y >= Math.min(t, b) && y <= Math.max(t, b);
    }
    case 'circle': {
      const [cx, cy, rad] = coords;
      return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad;
    }
    case 'ellipse': {
      const [cx, cy, hr, vr] = coords;
      if (!hr || !vr) return false;
      return ((x - cx) / hr) ** 2 + ((y - cy) / vr) ** 2 <= 1;
    }
    case 'poly': {
      const n = Math.floor(coords.length / 2);
      let inside = false;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const xi = coords[2 * i];
        const yi = coords[2 * i + 1];
        const xj = coords[2 * j];
        const yj = coords[2 * j + 1];
        // On an edge counts as inside.
        const cross = (x - xi) * (yj - yi) - (y - yi) * (xj - xi);
        if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return true;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }
    default:
      return false;
  }
}

/**
 * Converts an XML Schema regular expression (used by patternMatch) to a JavaScript RegExp,
 * anchored at both ends as XSD patterns are. Handles \i \c \I \C, literal ^ and $, and
 * character-class subtraction ([a-z-[aeiou]]).
 */
export function xsdRegexToJs(pattern: string): RegExp {
  let out = '';
  let depth = 0;
  let subtraction = false;
  let classStart = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      const n = pattern[i + 1];
      i++;
      if (n === 'i') out += depth ? '\\p{L}_:' : '[\\p{L}_:]';
      else if (n === 'I') out += '[^\\p{L}_:]';
      else if (n === 'c') out += depth ? '\\p{L}\\p{N}._:\\-\\u00B7' : '[\\p{L}\\p{N}._:\\-\\u00B7]';
      else if (n === 'C') out += '[^\\p{L}\\p{N}._:\\-\\u00B7]';
      else if (n === '-' && !depth) out += '-';
      else if (n === 'p' || n === 'P') {
        const m = /^\{Is([A-Za-z0-9-]+)\}/.exec(pattern.slice(i + 1));
        if (m) {
          const block = UNICODE_BLOCKS[m[1]];
          if (!block) throw new Error(`unsupported Unicode block \\p{Is${m[1]}} in pattern`);
          out += n === 'p' ? (depth ? block : `[${block}]`) : `[^${block}]`;
          i += m[0].length;
        } else out += '\\' + n;
      } else out += '\\' + n;
      continue;
    }
    if (ch === '[') {
      if (depth === 1 && pattern[i - 1] === '-') {
        // class subtraction: "[a-z-[aeiou]]" -> "[[a-z]--[aeiou]]" (needs the v flag)
        subtraction = true;
        out = out.slice(0, classStart) + '[[' + out.slice(classStart + 1, -1) + ']--[';
        depth++;
        continue;
      }
      if (depth === 0) classStart = out.length;
      depth++;
      out += '[';
      continue;
    }
    if (ch === ']' && depth > 0) {
      depth--;
      out += ']';
      continue;
    }
    if (!depth && (ch === '^' || ch === '$')) {
      out += '\\' + ch;
      continue;
    }
    out += ch;
  }
  if (subtraction) {
    return new RegExp(`^(?:${out})$`, 'v');
  }
  return new RegExp(`^(?:${out})$`, 'u');
}

const UNICODE_BLOCKS: Record<string, string> = {
  BasicLatin: '\\u0000-\\u007F',
  'Latin-1Supplement': '\\u0080-\\u00FF',
  'LatinExtended-A': '\\u0100-\\u017F',
  'LatinExtended-B': '\\u0180-\\u024F',
  LatinExtendedAdditional: '\\u1E00-\\u1EFF',
  Greek: '\\u0370-\\u03FF',
  Cyrillic: '\\u0400-\\u04FF',
  CJKUnifiedIdeographs: '\\u4E00-\\u9FFF',
};
