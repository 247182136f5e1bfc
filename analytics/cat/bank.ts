/**
 * Per-bank precomputation for CAT, done once when a bank is loaded (`prepareBank`): Fisher
 * information of every item on a fine θ grid (selection then costs one interpolated lookup per
 * item instead of an exp), log category probabilities at the EAP quadrature nodes (the posterior
 * after n answers is n vector adds), content-area and enemy indexes. Design-dependent data
 * (strata, Sympson–Hetter parameters, enemy groups) is derived once per design object and cached.
 */
import { categoryCount, fillCategoryProbabilities, itemInformation } from '../irt/model.ts';
import { normalQuadrature } from '../irt/quadrature.ts';
import type { CatDesign, CatItem } from './types.ts';

export interface PrepareOptions {
  /** Information grid (default −5..5 by 0.05: interpolation error well under 0.1% of I(θ)). */
  gridMin?: number;
  gridMax?: number;
  gridStep?: number;
  /** EAP quadrature nodes on [−6, 6] (default 61, as IRT's normalQuadrature). */
  quadraturePoints?: number;
}

export interface PreparedDesign {
  /** Number of a-strata (stratum of item j = ⌊aRank_j · strata / n⌋). */
  strata: number;
  /** Sympson–Hetter K_i for items with K_i < 1 (others are 1). */
  shK: Map<number, number>;
  /** Enemy indices per item (the item's own enemies plus the design's groups). */
  enemies: (Int32Array | undefined)[];
  /** Blueprint targets by area index (NaN where the area is not in the blueprint). */
  blueprintTarget: Float64Array | null;
  /** Log prior weights on the quadrature for EAP. */
  logPrior: Float64Array;
}

export interface PreparedBank {
  items: CatItem[];
  ids: string[];
  index: Map<string, number>;
  n: number;
  gridMin: number;
  gridStep: number;
  gridPoints: number;
  /** info[g * n + j] = I_j(gridMin + g·gridStep). */
  info: Float64Array;
  /** EAP quadrature nodes. */
  nodes: Float64Array;
  /** logP[logOffset[j] + k·Q + q] = log P(X_j = k | node q). */
  logP: Float64Array;
  /** Running sums of logP over the nodes (same layout), for KL over a window in O(categories). */
  cumLogP: Float64Array;
  logOffset: Int32Array;
  categories: Int32Array;
  /** a per item (slope) and location (b, or the mean threshold/step for polytomous items). */
  a: Float64Array;
  location: Float64Array;
  /** Content area index per item, −1 when none; `areas` names them. */
  area: Int32Array;
  areas: string[];
  /** Items by descending information per grid point, built on first use of the grid point. */
  orderByInfo: (Int32Array | undefined)[];
  /** Rank of each item by ascending a (ties by index), for a-stratification. */
  aRank: Int32Array;
  /** Enemy indices per item from the items' own `enemies` (symmetric). */
  itemEnemies: (Int32Array | undefined)[];
  /** Scratch mask (1 = not eligible) reused by every step; JS runs one step at a time. */
  mask: Uint8Array;
  /** Log prior on the quadrature by "mean|sd" (bounded). */
  logPriors: Map<string, Float64Array>;
  /** Derived design tables of the most recently used design objects (small, bounded). */
  designs: Map<CatDesign, PreparedDesign>;
}

/** Thrown when a bank or a design is unusable, naming the item or field. */
export class CatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatError';
  }
}

/** Precomputes the tables CAT needs for a bank. Cost is O(items × grid points), once per bank. */
export function prepareBank(items: readonly CatItem[], opts: PrepareOptions = {}): PreparedBank {
  if (items.length === 0) throw new CatError('CAT bank is empty');
  const n = items.length;
  const gridMin = opts.gridMin ?? -5;
  const gridMax = opts.gridMax ?? 5;
  const gridStep = opts.gridStep ?? 0.05;
  const gridPoints = Math.round((gridMax - gridMin) / gridStep) + 1;
  const index = new Map<string, number>();
  items.forEach((it, j) => {
    if (index.has(it.id)) throw new CatError(`CAT bank: duplicate item id '${it.id}'`);
    index.set(it.id, j);
  });
  const info = new Float64Array(gridPoints * n);
  for (let j = 0; j < n; j++) {
    const it = items[j];
    for (let g = 0; g < gridPoints; g++) info[g * n + j] = itemInformation(it, gridMin + g * gridStep);
  }
  const quad = normalQuadrature(opts.quadraturePoints ?? 61, -6, 6);
  const Q = quad.nodes.length;
  const categories = new Int32Array(n);
  const logOffset = new Int32Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    categories[j] = categoryCount(items[j]);
    logOffset[j] = total;
    total += categories[j] * Q;
  }
  const logP = new Float64Array(total);
  const buf = new Float64Array(64);
  for (let j = 0; j < n; j++) {
    for (let q = 0; q < Q; q++) {
      const m = fillCategoryProbabilities(items[j], quad.nodes[q], buf);
      for (let k = 0; k < m; k++) logP[logOffset[j] + k * Q + q] = Math.log(Math.max(buf[k], 1e-300));
    }
  }
  const cumLogP = new Float64Array(total);
  for (let base = 0; base < total; base += Q) {
    let acc = 0;
    for (let q = 0; q < Q; q++) cumLogP[base + q] = acc += logP[base + q];
  }
  const a = new Float64Array(n);
  const location = new Float64Array(n);
  const area = new Int32Array(n).fill(-1);
  const areas: string[] = [];
  const areaIndex = new Map<string, number>();
  items.forEach((it, j) => {
    a[j] = it.a;
    const t = it.thresholds ?? it.steps;
    location[j] = t && t.length ? t.reduce((s, x) => s + x, 0) / t.length : (it.b ?? 0);
    if (it.content !== undefined) {
      let k = areaIndex.get(it.content);
      if (k === undefined) {
        k = areas.length;
        areas.push(it.content);
        areaIndex.set(it.content, k);
      }
      area[j] = k;
    }
  });
  const aRank = new Int32Array(n);
  Array.from({ length: n }, (_, j) => j)
    .sort((x, y) => a[x] - a[y] || x - y)
    .forEach((j, r) => (aRank[j] = r));
  const enemySets = new Map<number, Set<number>>();
  const link = (i: number, j: number) => {
    let s = enemySets.get(i);
    if (!s) enemySets.set(i, (s = new Set()));
    s.add(j);
  };
  items.forEach((it, i) =>
    it.enemies?.forEach((e) => {
      const j = index.get(e);
      // An enemy outside this bank can never be administered here, so it constrains nothing.
      if (j === undefined || j === i) return;
      link(i, j);
      link(j, i);
    }),
  );
  const itemEnemies: (Int32Array | undefined)[] = new Array(n).fill(undefined);
  for (const [i, set] of enemySets) itemEnemies[i] = Int32Array.from(set);
  return {
    aRank,
    itemEnemies,
    items: items.slice(),
    ids: items.map((x) => x.id),
    index,
    n,
    gridMin,
    gridStep,
    gridPoints,
    info,
    nodes: quad.nodes,
    logP,
    cumLogP,
    logOffset,
    categories,
    a,
    location,
    area,
    areas,
    orderByInfo: new Array(gridPoints).fill(undefined),
    mask: new Uint8Array(n),
    logPriors: new Map(),
    designs: new Map(),
  };
}

/**
 * Design-dependent tables for a bank, cached per design object. Cheap when the engine builds a
 * fresh design object per request: O(number of S-H parameters + enemy pairs + blueprint areas);
 * per-item tables are shared with the bank.
 */
export function prepareDesign(bank: PreparedBank, design: CatDesign): PreparedDesign {
  const cached = bank.designs.get(design);
  if (cached) return cached;
  const n = bank.n;
  const strata = Math.max(1, Math.floor(design.selection?.strata ?? 4));
  // Sparse: only items with K < 1 are listed, so a design costs nothing per bank item.
  const shK = new Map<number, number>();
  const params = design.exposure?.parameters;
  if (params) {
    for (const id in params) {
      const k = params[id];
      const j = bank.index.get(id);
      if (j === undefined) throw new CatError(`design.exposure.parameters: item '${id}' is not in the bank`);
      if (!(k > 0 && k <= 1)) throw new CatError(`design.exposure.parameters['${id}'] must be in (0, 1], got ${k}`);
      if (k < 1) shK.set(j, k);
    }
  }
  let enemies = bank.itemEnemies;
  if (design.enemies?.length) {
    const extra = new Map<number, Set<number>>();
    for (const group of design.enemies) {
      const idx = group.map((id) => {
        const j = bank.index.get(id);
        if (j === undefined) throw new CatError(`design.enemies: item '${id}' is not in the bank`);
        return j;
      });
      for (const x of idx) {
        let set = extra.get(x);
        if (!set) extra.set(x, (set = new Set(bank.itemEnemies[x] ?? [])));
        for (const y of idx) if (y !== x) set.add(y);
      }
    }
    enemies = bank.itemEnemies.slice();
    for (const [x, set] of extra) enemies[x] = Int32Array.from(set);
  }
  let blueprintTarget: Float64Array | null = null;
  if (design.content) {
    blueprintTarget = new Float64Array(bank.areas.length).fill(NaN);
    for (const [areaName, p] of Object.entries(design.content.blueprint)) {
      const k = bank.areas.indexOf(areaName);
      if (k < 0) throw new CatError(`design.content.blueprint: no bank item has content area '${areaName}' (areas: ${bank.areas.join(', ') || 'none'})`);
      if (!(p >= 0)) throw new CatError(`design.content.blueprint['${areaName}'] must be a proportion ≥ 0, got ${p}`);
      blueprintTarget[k] = p;
    }
  }
  const prior = design.estimator?.prior ?? { mean: 0, sd: 1 };
  const priorKey = `${prior.mean}|${prior.sd}`;
  let logPrior = bank.logPriors.get(priorKey);
  if (!logPrior) {
    const Q = bank.nodes.length;
    logPrior = new Float64Array(Q);
    for (let q = 0; q < Q; q++) {
      const z = (bank.nodes[q] - prior.mean) / prior.sd;
      logPrior[q] = -0.5 * z * z;
    }
    if (bank.logPriors.size >= 64) bank.logPriors.clear();
    bank.logPriors.set(priorKey, logPrior);
  }
  const pd: PreparedDesign = { strata, shK, enemies, blueprintTarget, logPrior };
  // Bounded: an engine that rebuilds the design per request must not grow this without limit
  // (a WeakMap would, until the next full GC, and its ephemerons slow every scavenge).
  if (bank.designs.size >= 16) bank.designs.delete(bank.designs.keys().next().value as CatDesign);
  bank.designs.set(design, pd);
  return pd;
}

/** Interpolated item information at θ from the grid (clamped to the grid's range). */
export function gridInformation(bank: PreparedBank, j: number, theta: number): number {
  const { g, w } = gridPosition(bank, theta);
  const n = bank.n;
  return bank.info[g * n + j] * (1 - w) + bank.info[(g + 1) * n + j] * w;
}

/** Lower grid index and interpolation weight for θ. */
export function gridPosition(bank: PreparedBank, theta: number): { g: number; w: number } {
  let x = (theta - bank.gridMin) / bank.gridStep;
  if (!(x > 0)) x = 0;
  if (x > bank.gridPoints - 1) x = bank.gridPoints - 1;
  let g = Math.floor(x);
  if (g >= bank.gridPoints - 1) g = bank.gridPoints - 2;
  return { g, w: x - g };
}

/** Item indices sorted by descending information at grid point g (cached). */
export function orderAtGrid(bank: PreparedBank, g: number): Int32Array {
  let o = bank.orderByInfo[g];
  if (!o) {
    const n = bank.n;
    const row = bank.info.subarray(g * n, (g + 1) * n);
    o = Int32Array.from({ length: n }, (_, j) => j).sort((x, y) => row[y] - row[x] || x - y);
    bank.orderByInfo[g] = o;
  }
  return o;
}
