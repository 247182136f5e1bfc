/**
 * The QTI 2.2 / 3.0 expression language, compiled once into closures (an item is scored many
 * times; tree walking on every evaluation would be several times slower). NULL semantics follow
 * the specification: most operators give NULL when any argument is NULL; `and`/`or`/`anyN`
 * follow three-valued logic; empty containers and empty strings count as NULL.
 */
import type { BaseType, Expr, Primitive, QtiValue, SingleValue } from '../model/types.ts';
import { parsePrimitive } from '../values.ts';
import { randomInt } from './rng.ts';
import { isNullValue, nfc, pointInShape, primitiveEquals, valuesMatch, xsdRegexToJs } from './value-ops.ts';
import { BUILTIN_TYPES, QtiProcessingError, type CompileScope, type Env, type Evaluator, type TestItemState } from './env.ts';
import { parseCoords } from '../model/read-common.ts';

const S = (baseType: BaseType, value: Primitive): SingleValue => ({ cardinality: 'single', baseType, value });
const TRUE = S('boolean', true);
const FALSE = S('boolean', false);
const boolV = (b: boolean) => (b ? TRUE : FALSE);
const NULL: Evaluator = () => null;

function where(e: Expr): string {
  return e.line ? ` (line ${e.line}, column ${e.column})` : '';
}

function fail(e: Expr, msg: string): never {
  throw new QtiProcessingError('expression', `<${e.op}>${where(e)}: ${msg}`);
}

function arity(e: Expr, min: number, max = Infinity): void {
  if (e.args.length < min || e.args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(e, `takes ${want} sub-expression(s), has ${e.args.length}`);
  }
}

/** Single numeric value or null. */
function num(v: QtiValue): number | null {
  return v !== null && v.cardinality === 'single' && typeof v.value === 'number' ? v.value : null;
}

function isInt(v: QtiValue): boolean {
  return v !== null && v.cardinality === 'single' && v.baseType === 'integer';
}

function boolOf(v: QtiValue): boolean | null {
  return v !== null && v.cardinality === 'single' && typeof v.value === 'boolean' ? v.value : null;
}

function strOf(v: QtiValue): string | null {
  return v !== null && v.cardinality === 'single' && typeof v.value === 'string' ? v.value : null;
}

function numResult(integer: boolean, x: number): QtiValue {
  if (Number.isNaN(x)) return null;
  if (integer) return Number.isFinite(x) ? S('integer', x) : null;
  return S('float', x);
}

/** Flattens numeric args (single or containers) for sum/product/min/max/gcd/lcm; null when any NULL. */
function numbersOf(vals: QtiValue[]): { xs: number[]; allInt: boolean } | null {
  const xs: number[] = [];
  let allInt = true;
  for (const v of vals) {
    if (isNullValue(v)) return null;
    if (v!.cardinality === 'single') {
      if (typeof v!.value !== 'number') return null;
      if (v!.baseType !== 'integer') allInt = false;
      xs.push(v!.value);
    } else if (v!.cardinality === 'record') return null;
    else {
      if (v!.baseType !== 'integer') allInt = false;
      for (const x of v!.values) {
        if (typeof x !== 'number') return null;
        xs.push(x);
      }
    }
  }
  return { xs, allInt };
}

/**
 * An attribute that may be a number or a reference to a template variable (`{N}` or `N`),
 * as QTI's integerOrVariableRef / floatOrVariableRef.
 */
function numOrRef(e: Expr, name: string, dflt?: number): (env: Env) => number | null {
  const raw = e.attrs[name];
  if (raw === undefined || raw.trim() === '') {
    if (dflt === undefined) fail(e, `needs attribute ${name}`);
    return () => dflt!;
  }
  const t = raw.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const n = Number(t);
    return () => n;
  }
  const id = t.replace(/^\{(.*)\}$/, '$1');
  return (env) => num(env.vals[id] ?? null);
}

/** A string attribute that may reference a variable (patternMatch pattern). */
function strOrRef(e: Expr, name: string): (env: Env) => string | null {
  const raw = e.attrs[name];
  if (raw === undefined) fail(e, `needs attribute ${name}`);
  const m = /^\{(.+)\}$/.exec(raw);
  if (m) return (env) => strOf(env.vals[m[1]] ?? null);
  return () => raw;
}

/** Round half away from zero on the shortest decimal form of x (as BigDecimal HALF_UP would). */
export function roundDecimal(x: number, mode: 'significantFigures' | 'decimalPlaces', figures: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const neg = x < 0;
  const [mant, expStr] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  const keep = mode === 'significantFigures' ? figures : exp + 1 + figures;
  if (keep < 0) return 0;
  let kept = keep === 0 ? 0n : BigInt(digits.slice(0, keep).padEnd(keep, '0'));
  if ((digits[keep] ?? '0') >= '5') kept += 1n;
  const r = Number(`${kept}e${exp + 1 - keep}`);
  return neg ? -r : r;
}

function flattenPrims(vals: QtiValue[]): { bt: BaseType; prims: Primitive[] } | 'mismatch' {
  let bt: BaseType | undefined;
  const prims: Primitive[] = [];
  for (const v of vals) {
    if (v === null) continue;
    if (v.cardinality === 'record') return 'mismatch';
    const vbt = v.baseType;
    if (bt === undefined) bt = vbt;
    else if (bt !== vbt) {
      if ((bt === 'integer' || bt === 'float') && (vbt === 'integer' || vbt === 'float')) bt = 'float';
      else return 'mismatch';
    }
    if (v.cardinality === 'single') prims.push(v.value);
    else for (const p of v.values) prims.push(p);
  }
  return { bt: bt ?? 'identifier', prims };
}

/** Test-level item filters shared by testVariables, outcomeMaximum and numberX. */
function itemFilter(e: Expr): (it: TestItemState) => boolean {
  const section = e.attrs.sectionIdentifier;
  const inc = e.attrs.includeCategory?.split(/\s+/).filter(Boolean);
  const exc = e.attrs.excludeCategory?.split(/\s+/).filter(Boolean);
  return (it) =>
    (!section || it.sections.includes(section)) &&
    (!inc || inc.length === 0 || inc.some((c) => it.categories.includes(c))) &&
    (!exc || !exc.some((c) => it.categories.includes(c)));
}

function needTest(e: Expr, scope: CompileScope): void {
  if (scope.level !== 'test') fail(e, 'is only allowed in outcomeProcessing of an assessmentTest');
}

type Compiler = (e: Expr, scope: CompileScope, args: Evaluator[]) => Evaluator;

const MATH_FNS: Record<string, (x: number, y?: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  atan2: (y, x) => Math.atan2(y, x!),
  asec: (x) => Math.acos(1 / x),
  acsc: (x) => Math.asin(1 / x),
  acot: (x) => Math.atan(1 / x),
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sech: (x) => 1 / Math.cosh(x),
  csch: (x) => 1 / Math.sinh(x),
  coth: (x) => 1 / Math.tanh(x),
  log: Math.log10,
  ln: Math.log,
  exp: Math.exp,
  abs: Math.abs,
  signum: Math.sign,
  floor: Math.floor,
  ceil: Math.ceil,
  toDegrees: (x) => (x * 180) / Math.PI,
  toRadians: (x) => (x * Math.PI) / 180,
};

function gcd2(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

const COMPILERS: Record<string, Compiler> = {
  baseValue(e) {
    const bt = e.attrs.baseType as BaseType;
    const p = parsePrimitive(bt, e.text ?? '');
    if (p === undefined) fail(e, `'${e.text ?? ''}' is not a valid ${bt}`);
    const v = S(bt, p);
    return () => v;
  },
  variable(e, scope) {
    const id = e.attrs.identifier ?? '';
    const wid = e.attrs.weightIdentifier;
    if (scope.level === 'test' && id.includes('.')) {
      const dot = id.indexOf('.');
      const itemId = id.slice(0, dot);
      const varId = id.slice(dot + 1);
      return (env) => {
        const it = env.items?.find((i) => i.identifier === itemId);
        if (!it) return null;
        const v = it.vals[varId] ?? null;
        if (wid && v && v.cardinality === 'single' && typeof v.value === 'number' && wid in it.weights) {
          return S('float', v.value * it.weights[wid]);
        }
        return v;
      };
    }
    if (!scope.decls.has(id) && !(id in BUILTIN_TYPES)) fail(e, `refers to undeclared variable '${id}'`);
    return (env) => env.vals[id] ?? null;
  },
  default(e, scope) {
    const id = e.attrs.identifier ?? '';
    if (!scope.decls.has(id)) fail(e, `refers to undeclared variable '${id}'`);
    return (env) => env.defaults[id] ?? null;
  },
  correct(e, scope) {
    const id = e.attrs.identifier ?? '';
    if (!scope.decls.has(id)) fail(e, `refers to undeclared response '${id}'`);
    return (env) => env.correct[id] ?? null;
  },
  mapResponse(e, scope) {
    const id = e.attrs.identifier ?? '';
    const d = scope.decls.get(id);
    if (!d) fail(e, `refers to undeclared response '${id}'`);
    if (!d.mapping) fail(e, `response '${id}' has no mapping`);
    if (d.cardinality === 'record') fail(e, `response '${id}' has record cardinality`);
    const m = d.mapping;
    const bt = d.baseType!;
    const lookup = (p: Primitive): number => {
      for (const en of m.entries) if (primitiveEquals(bt, p, en.mapKey, en.caseSensitive)) return en.mappedValue;
      return m.defaultValue;
    };
    const bound = (x: number) => {
      if (m.lowerBound !== undefined && x < m.lowerBound) x = m.lowerBound;
      if (m.upperBound !== undefined && x > m.upperBound) x = m.upperBound;
      return S('float', x);
    };
    return (env) => {
      const v = env.vals[id] ?? null;
      if (v === null) return bound(d.cardinality === 'single' ? m.defaultValue : 0);
      if (v.cardinality === 'single') return bound(lookup(v.value));
      if (v.cardinality === 'record') return null;
      // each distinct value counts once
      let sum = 0;
      const seen: Primitive[] = [];
      for (const p of v.values) {
        if (seen.some((q) => primitiveEquals(bt, p, q))) continue;
        seen.push(p);
        sum += lookup(p);
      }
      return bound(sum);
    };
  },
  mapResponsePoint(e, scope) {
    const id = e.attrs.identifier ?? '';
    const d = scope.decls.get(id);
    if (!d) fail(e, `refers to undeclared response '${id}'`);
    if (!d.areaMapping) fail(e, `response '${id}' has no areaMapping`);
    if (d.baseType !== 'point') fail(e, `response '${id}' is not of baseType point`);
    const m = d.areaMapping;
    const bound = (x: number) => {
      if (m.lowerBound !== undefined && x < m.lowerBound) x = m.lowerBound;
      if (m.upperBound !== undefined && x > m.upperBound) x = m.upperBound;
      return S('float', x);
    };
    return (env) => {
      const v = env.vals[id] ?? null;
      const points: Primitive[] = v === null ? [] : v.cardinality === 'single' ? [v.value] : v.cardinality === 'record' ? [] : v.values;
      if (points.length === 0) return bound(d.cardinality === 'single' ? m.defaultValue : 0);
      // each area counts at most once; a point in no area scores the default value
      const used = new Set<number>();
      let sum = 0;
      for (const p of points) {
        const [x, y] = p as [number, number];
        const k = m.entries.findIndex((a) => pointInShape(a.shape, a.coords, x, y));
        if (k < 0) sum += m.defaultValue;
        else if (!used.has(k)) {
          used.add(k);
          sum += m.entries[k].mappedValue;
        }
      }
      return bound(sum);
    };
  },
  null: () => NULL,
  randomInteger(e) {
    const min = numOrRef(e, 'min', 0);
    const max = numOrRef(e, 'max');
    const step = numOrRef(e, 'step', 1);
    return (env) => {
      const lo = min(env);
      const hi = max(env);
      const st = step(env);
      if (lo === null || hi === null || st === null || st <= 0 || hi < lo) return null;
      const n = Math.floor((hi - lo) / st);
      return S('integer', lo + st * randomInt(env.rng, 0, n));
    };
  },
  randomFloat(e) {
    const min = numOrRef(e, 'min', 0);
    const max = numOrRef(e, 'max');
    return (env) => {
      const lo = min(env);
      const hi = max(env);
      if (lo === null || hi === null || hi < lo) return null;
      return S('float', lo + env.rng() * (hi - lo));
    };
  },
  multiple(e, _s, args) {
    return containerOf(e, 'multiple', args);
  },
  ordered(e, _s, args) {
    return containerOf(e, 'ordered', args);
  },
  containerSize(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const v = a(env);
      if (v === null) return S('integer', 0);
      if (v.cardinality === 'single') return S('integer', 1);
      if (v.cardinality === 'record') return S('integer', Object.keys(v.fields).length);
      return S('integer', v.values.length);
    };
  },
  isNull(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => boolV(isNullValue(a(env)));
  },
  index(e, _s, [a]) {
    arity(e, 1, 1);
    const n = numOrRef(e, 'n');
    return (env) => {
      const v = a(env);
      const i = n(env);
      if (v === null || i === null || v.cardinality !== 'ordered') return null;
      if (i < 1 || i > v.values.length) return null;
      return S(v.baseType, v.values[i - 1]);
    };
  },
  fieldValue(e, _s, [a]) {
    arity(e, 1, 1);
    const f = e.attrs.fieldIdentifier ?? '';
    return (env) => {
      const v = a(env);
      return v && v.cardinality === 'record' ? (v.fields[f] ?? null) : null;
    };
  },
  random(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const v = a(env);
      if (v === null || v.cardinality === 'record') return null;
      if (v.cardinality === 'single') return v;
      return S(v.baseType, v.values[randomInt(env.rng, 0, v.values.length - 1)]);
    };
  },
  member(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const c = b(env);
      if (isNullValue(x) || isNullValue(c) || x!.cardinality !== 'single' || (c!.cardinality !== 'multiple' && c!.cardinality !== 'ordered')) return null;
      const bt = c!.baseType;
      return boolV(c!.values.some((p) => primitiveEquals(bt, p, (x as SingleValue).value)));
    };
  },
  delete(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const c = b(env);
      if (isNullValue(x) || isNullValue(c) || x!.cardinality !== 'single' || (c!.cardinality !== 'multiple' && c!.cardinality !== 'ordered')) return null;
      const bt = c!.baseType;
      const rest = c!.values.filter((p) => !primitiveEquals(bt, p, (x as SingleValue).value));
      return rest.length ? { cardinality: c!.cardinality, baseType: bt, values: rest } : null;
    };
  },
  contains(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (isNullValue(x) || isNullValue(y)) return null;
      if (x!.cardinality === 'record' || y!.cardinality === 'record') return null;
      const xs = x!.cardinality === 'single' ? [x!.value] : x!.values;
      const ys = y!.cardinality === 'single' ? [y!.value] : y!.values;
      const bt = x!.baseType;
      if (x!.cardinality === 'ordered') {
        // strict (contiguous) sub-sequence
        for (let i = 0; i + ys.length <= xs.length; i++) {
          let ok = true;
          for (let j = 0; j < ys.length && ok; j++) ok = primitiveEquals(bt, xs[i + j], ys[j]);
          if (ok) return TRUE;
        }
        return FALSE;
      }
      const used = new Array<boolean>(xs.length).fill(false);
      for (const p of ys) {
        const k = xs.findIndex((q, i) => !used[i] && primitiveEquals(bt, p, q));
        if (k < 0) return FALSE;
        used[k] = true;
      }
      return TRUE;
    };
  },
  substring(e, _s, [a, b]) {
    arity(e, 2, 2);
    const cs = e.attrs.caseSensitive !== 'false';
    return (env) => {
      const x = strOf(a(env));
      const y = strOf(b(env));
      if (x === null || y === null) return null;
      return boolV(cs ? nfc(y).includes(nfc(x)) : nfc(y).toLowerCase().includes(nfc(x).toLowerCase()));
    };
  },
  not(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const b = boolOf(a(env));
      return b === null ? null : boolV(!b);
    };
  },
  and(e, _s, args) {
    arity(e, 1);
    return (env) => {
      let sawNull = false;
      for (const f of args) {
        const b = boolOf(f(env));
        if (b === false) return FALSE;
        if (b === null) sawNull = true;
      }
      return sawNull ? null : TRUE;
    };
  },
  or(e, _s, args) {
    arity(e, 1);
    return (env) => {
      let sawNull = false;
      for (const f of args) {
        const b = boolOf(f(env));
        if (b === true) return TRUE;
        if (b === null) sawNull = true;
      }
      return sawNull ? null : FALSE;
    };
  },
  anyN(e, _s, args) {
    arity(e, 1);
    const min = numOrRef(e, 'min');
    const max = numOrRef(e, 'max');
    return (env) => {
      const lo = min(env);
      const hi = max(env);
      if (lo === null || hi === null) return null;
      let t = 0;
      let n = 0;
      for (const f of args) {
        const b = boolOf(f(env));
        if (b === true) t++;
        else if (b === null) n++;
      }
      if (t > hi || t + n < lo) return FALSE;
      if (t >= lo && t + n <= hi) return TRUE;
      return null;
    };
  },
  match(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (isNullValue(x) || isNullValue(y)) return null;
      return boolV(valuesMatch(x, y));
    };
  },
  stringMatch(e, _s, [a, b]) {
    arity(e, 2, 2);
    const cs = e.attrs.caseSensitive !== 'false';
    const sub = e.attrs.substring === 'true';
    return (env) => {
      const xv = a(env);
      const yv = b(env);
      if (isNullValue(xv) || isNullValue(yv)) return null;
      let x = strOf(xv);
      let y = strOf(yv);
      if (x === null || y === null) return null;
      x = nfc(x);
      y = nfc(y);
      if (!cs) {
        x = x.toLowerCase();
        y = y.toLowerCase();
      }
      return boolV(sub ? x.includes(y) : x === y);
    };
  },
  patternMatch(e, _s, [a]) {
    arity(e, 1, 1);
    const pat = strOrRef(e, 'pattern');
    const cache = new Map<string, RegExp>();
    const compile = (p: string) => {
      let r = cache.get(p);
      if (!r) {
        try {
          r = xsdRegexToJs(p);
        } catch (err) {
          fail(e, `pattern '${p}' is not a supported XML Schema regular expression: ${(err as Error).message}`);
        }
        cache.set(p, r);
      }
      return r;
    };
    if (!/^\{.+\}$/.test(e.attrs.pattern ?? '')) compile(e.attrs.pattern ?? '');
    return (env) => {
      const s = strOf(a(env));
      const p = pat(env);
      if (s === null || p === null) return null;
      return boolV(compile(p).test(nfc(s)));
    };
  },
  equal(e, _s, [a, b]) {
    arity(e, 2, 2);
    const mode = e.attrs.toleranceMode ?? 'exact';
    if (!['exact', 'absolute', 'relative'].includes(mode)) fail(e, `unknown toleranceMode '${mode}'`);
    const tparts = (e.attrs.tolerance ?? '').trim().split(/\s+/).filter(Boolean);
    if (mode !== 'exact' && tparts.length === 0) fail(e, `toleranceMode ${mode} needs a tolerance`);
    const t0 = numOrRef({ ...e, attrs: { t: tparts[0] ?? '0' } }, 't');
    const t1 = numOrRef({ ...e, attrs: { t: tparts[1] ?? tparts[0] ?? '0' } }, 't');
    const incLo = e.attrs.includeLowerBound !== 'false';
    const incHi = e.attrs.includeUpperBound !== 'false';
    return (env) => {
      const x = num(a(env));
      const y = num(b(env));
      if (x === null || y === null) return null;
      if (mode === 'exact') return boolV(x === y);
      const d0 = t0(env);
      const d1 = t1(env);
      if (d0 === null || d1 === null) return null;
      const lo = mode === 'absolute' ? x - d0 : x * (1 - d0 / 100);
      const hi = mode === 'absolute' ? x + d1 : x * (1 + d1 / 100);
      return boolV((incLo ? y >= lo : y > lo) && (incHi ? y <= hi : y < hi));
    };
  },
  equalRounded(e, _s, [a, b]) {
    arity(e, 2, 2);
    const mode = (e.attrs.roundingMode ?? 'significantFigures') as 'significantFigures' | 'decimalPlaces';
    const figs = numOrRef(e, 'figures');
    return (env) => {
      const x = num(a(env));
      const y = num(b(env));
      const f = figs(env);
      if (x === null || y === null || f === null) return null;
      if (mode === 'significantFigures' && f < 1) return null;
      return boolV(roundDecimal(x, mode, f) === roundDecimal(y, mode, f));
    };
  },
  inside(e, _s, [a]) {
    arity(e, 1, 1);
    const shape = e.attrs.shape ?? '';
    if (!['circle', 'rect', 'poly', 'ellipse', 'default'].includes(shape)) fail(e, `unknown shape '${shape}'`);
    const coords = parseCoords(e.attrs.coords);
    return (env) => {
      const v = a(env);
      if (isNullValue(v) || v!.cardinality === 'record') return null;
      const pts = v!.cardinality === 'single' ? [v!.value] : v!.values;
      return boolV(pts.some((p) => Array.isArray(p) && pointInShape(shape, coords, p[0] as number, p[1] as number)));
    };
  },
  lt: cmp((x, y) => x < y),
  gt: cmp((x, y) => x > y),
  lte: cmp((x, y) => x <= y),
  gte: cmp((x, y) => x >= y),
  durationLT: cmp((x, y) => x < y),
  durationGTE: cmp((x, y) => x >= y),
  sum(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n) return null;
      let s = 0;
      for (const x of n.xs) s += x;
      return numResult(n.allInt, s);
    };
  },
  product(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n) return null;
      let s = 1;
      for (const x of n.xs) s *= x;
      return numResult(n.allInt, s);
    };
  },
  subtract(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const y = b(env);
      const nx = num(x);
      const ny = num(y);
      if (nx === null || ny === null) return null;
      return numResult(isInt(x) && isInt(y), nx - ny);
    };
  },
  divide(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = num(a(env));
      const y = num(b(env));
      if (x === null || y === null || y === 0) return null;
      const r = x / y;
      return Number.isFinite(r) ? S('float', r) : null;
    };
  },
  power(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = num(a(env));
      const y = num(b(env));
      if (x === null || y === null) return null;
      const r = Math.pow(x, y);
      return Number.isFinite(r) ? S('float', r) : null;
    };
  },
  integerDivide(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (!isInt(x) || !isInt(y)) return null;
      const nx = num(x)!;
      const ny = num(y)!;
      return ny === 0 ? null : S('integer', Math.floor(nx / ny));
    };
  },
  integerModulus(e, _s, [a, b]) {
    arity(e, 2, 2);
    return (env) => {
      const x = a(env);
      const y = b(env);
      if (!isInt(x) || !isInt(y)) return null;
      const nx = num(x)!;
      const ny = num(y)!;
      return ny === 0 ? null : S('integer', nx - ny * Math.floor(nx / ny));
    };
  },
  truncate(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const x = num(a(env));
      return x === null || !Number.isFinite(x) ? null : S('integer', Math.trunc(x));
    };
  },
  round(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const x = num(a(env));
      // n + 0.5 rounds up: 6.5 -> 7, -6.5 -> -6
      return x === null || !Number.isFinite(x) ? null : S('integer', Math.floor(x + 0.5));
    };
  },
  roundTo(e, _s, [a]) {
    arity(e, 1, 1);
    const mode = (e.attrs.roundingMode ?? 'significantFigures') as 'significantFigures' | 'decimalPlaces';
    if (mode !== 'significantFigures' && mode !== 'decimalPlaces') fail(e, `unknown roundingMode '${mode}'`);
    const figs = numOrRef(e, 'figures');
    return (env) => {
      const x = num(a(env));
      const f = figs(env);
      if (x === null || f === null || (mode === 'significantFigures' && f < 1)) return null;
      if (!Number.isFinite(x)) return S('float', x);
      return S('float', roundDecimal(x, mode, f));
    };
  },
  integerToFloat(e, _s, [a]) {
    arity(e, 1, 1);
    return (env) => {
      const x = a(env);
      return isInt(x) ? S('float', num(x)!) : null;
    };
  },
  customOperator(e) {
    fail(e, `customOperator${e.attrs.class ? ` class '${e.attrs.class}'` : ''}${e.attrs.definition ? ` (${e.attrs.definition})` : ''} is not supported by Assay: its behaviour is defined outside QTI`);
  },
  mathOperator(e, _s, args) {
    const name = e.attrs.name ?? '';
    const fn = MATH_FNS[name];
    if (!fn) fail(e, `unknown mathOperator name '${name}'`);
    arity(e, name === 'atan2' ? 2 : 1, name === 'atan2' ? 2 : 1);
    const intResult = name === 'signum' || name === 'floor' || name === 'ceil';
    return (env) => {
      const v0 = args[0](env);
      const x = num(v0);
      const y = args[1] ? num(args[1](env)) : undefined;
      if (x === null || y === null) return null;
      const r = fn(x, y);
      if (!Number.isFinite(r)) return null;
      if (intResult) return S('integer', r);
      if (name === 'abs' && isInt(v0)) return S('integer', r);
      return S('float', r);
    };
  },
  statsOperator(e, _s, [a]) {
    arity(e, 1, 1);
    const name = e.attrs.name ?? '';
    if (!['mean', 'sampleVariance', 'sampleSD', 'popVariance', 'popSD'].includes(name)) fail(e, `unknown statsOperator name '${name}'`);
    return (env) => {
      const v = a(env);
      if (isNullValue(v) || v!.cardinality === 'single' || v!.cardinality === 'record') return null;
      const xs = v!.values as number[];
      if (xs.some((x) => typeof x !== 'number')) return null;
      const n = xs.length;
      const mean = xs.reduce((s, x) => s + x, 0) / n;
      if (name === 'mean') return S('float', mean);
      const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
      const sample = name.startsWith('sample');
      if (sample && n < 2) return null;
      const variance = ss / (sample ? n - 1 : n);
      return S('float', name.endsWith('SD') ? Math.sqrt(variance) : variance);
    };
  },
  max(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n || n.xs.length === 0) return null;
      return numResult(n.allInt, Math.max(...n.xs));
    };
  },
  min(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n || n.xs.length === 0) return null;
      return numResult(n.allInt, Math.min(...n.xs));
    };
  },
  mathConstant(e) {
    const name = e.attrs.name;
    if (name !== 'pi' && name !== 'e') fail(e, `unknown mathConstant '${name}'`);
    const v = S('float', name === 'pi' ? Math.PI : Math.E);
    return () => v;
  },
  gcd(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n || !n.allInt || n.xs.length === 0) return null;
      return S('integer', n.xs.reduce((g, x) => gcd2(g, x), 0));
    };
  },
  lcm(e, _s, args) {
    arity(e, 1);
    return (env) => {
      const n = numbersOf(args.map((f) => f(env)));
      if (!n || !n.allInt || n.xs.length === 0) return null;
      if (n.xs.some((x) => x === 0)) return S('integer', 0);
      return S('integer', n.xs.reduce((l, x) => Math.abs((l * x) / gcd2(l, x)), 1));
    };
  },
  repeat(e, _s, args) {
    arity(e, 1);
    const times = numOrRef(e, 'numberRepeats');
    return (env) => {
      const k = times(env);
      if (k === null || k < 1) return null;
      const vals: QtiValue[] = [];
      for (let i = 0; i < k; i++) for (const f of args) vals.push(f(env));
      const r = flattenPrims(vals);
      if (r === 'mismatch' || r.prims.length === 0) return null;
      return { cardinality: 'ordered', baseType: r.bt, values: r.prims };
    };
  },
  // ---- test level ----
  testVariables(e, scope) {
    needTest(e, scope);
    const id = e.attrs.variableIdentifier ?? '';
    const wid = e.attrs.weightIdentifier;
    const bt = e.attrs.baseType as BaseType | undefined;
    const keep = itemFilter(e);
    return (env) => {
      const out: number[] | Primitive[] = [];
      let allInt = true;
      let otherBt: BaseType | undefined;
      for (const it of env.items ?? []) {
        if (!it.selected || !keep(it)) continue;
        const v = it.vals[id];
        if (!v || v.cardinality !== 'single') continue;
        if (bt && v.baseType !== bt) continue;
        if (typeof v.value === 'number' && (v.baseType === 'integer' || v.baseType === 'float')) {
          let x = v.value;
          if (wid && wid in it.weights) {
            x *= it.weights[wid];
            allInt = false;
          }
          if (v.baseType !== 'integer') allInt = false;
          (out as Primitive[]).push(x);
        } else {
          otherBt = v.baseType;
          (out as Primitive[]).push(v.value);
        }
      }
      if (out.length === 0) return null;
      const rbt: BaseType = otherBt ?? bt ?? (allInt ? 'integer' : 'float');
      return { cardinality: 'multiple', baseType: rbt === 'integer' && !allInt ? 'float' : rbt, values: out as Primitive[] };
    };
  },
  outcomeMaximum: outcomeBound('normalMaximum'),
  outcomeMinimum: outcomeBound('normalMinimum'),
  numberCorrect: counter((it) => it.correct === true),
  numberIncorrect: counter((it) => it.correct === false && it.responded),
  numberPresented: counter((it) => it.presented),
  numberResponded: counter((it) => it.responded),
  numberSelected: counter((it) => it.selected),
};

function counter(pred: (it: TestItemState) => boolean): Compiler {
  return (e, scope) => {
    needTest(e, scope);
    const keep = itemFilter(e);
    return (env) => {
      let n = 0;
      for (const it of env.items ?? []) if (it.selected && keep(it) && pred(it)) n++;
      return S('integer', n);
    };
  };
}

function outcomeBound(field: 'normalMaximum' | 'normalMinimum'): Compiler {
  return (e, scope) => {
    needTest(e, scope);
    const id = e.attrs.outcomeIdentifier ?? '';
    const wid = e.attrs.weightIdentifier;
    const keep = itemFilter(e);
    return (env) => {
      const out: number[] = [];
      for (const it of env.items ?? []) {
        if (!it.selected || !keep(it)) continue;
        const d = it.decls[id];
        if (!d) continue;
        const b = d[field];
        // an item without the bound makes the whole result NULL (spec)
        if (b === undefined) return null;
        out.push(wid && wid in it.weights ? b * it.weights[wid] : b);
      }
      return out.length ? { cardinality: 'multiple', baseType: 'float', values: out } : null;
    };
  };
}

function cmp(test: (x: number, y: number) => boolean): Compiler {
  return (e, _s, [a, b]) => {
    arity(e, 2, 2);
    return (env) => {
      const x = num(a(env));
      const y = num(b(env));
      if (x === null || y === null) return null;
      return boolV(test(x, y));
    };
  };
}

function containerOf(e: Expr, card: 'multiple' | 'ordered', args: Evaluator[]): Evaluator {
  return (env) => {
    const vals = args.map((f) => f(env));
    for (const v of vals) if (v && v.cardinality !== 'single' && v.cardinality !== card) return null;
    const r = flattenPrims(vals);
    if (r === 'mismatch') return null;
    return r.prims.length ? { cardinality: card, baseType: r.bt, values: r.prims } : null;
  };
}

/** Names of every expression Assay evaluates (customOperator is recognised and refused). */
export const SUPPORTED_EXPRESSIONS = Object.keys(COMPILERS);

/** Compiles an expression tree into a closure. Throws QtiProcessingError for unsupported or malformed expressions. */
export function compileExpr(e: Expr, scope: CompileScope): Evaluator {
  const c = COMPILERS[e.op];
  if (!c) fail(e, `unknown or unsupported expression`);
  const args = e.op === 'customOperator' ? [] : e.args.map((a) => compileExpr(a, scope));
  return c(e, scope, args);
}

export { valuesMatch };
