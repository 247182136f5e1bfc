/**
 * `assay cat simulate --params PARAMS.json [--simulees N | --grid LO:HI:STEP [--replications R]]
 *   [--design DESIGN.json] [--seed N] [--item-rates] [--records]`
 * `assay cat sympson-hetter --params PARAMS.json --rmax R [--design DESIGN.json] [--simulees N]
 *   [--iterations K] [--seed N]`
 * `assay cat next --params PARAMS.json [--design DESIGN.json] [--responses JSON] [--seed N] [--prior-theta T]`
 * Monte-Carlo CAT studies and single steps with the production step function (analytics/cat), JSON on stdout.
 */
import { readFileSync } from 'node:fs';
import { ParametersError } from '../../../analytics/irt/model.ts';
import { CatError, prepareBank } from '../../../analytics/cat/bank.ts';
import { parseCatDesign } from '../../../analytics/cat/design.ts';
import { catItemsFromCsv, catItemsFromParameters } from '../../../analytics/cat/params.ts';
import { gridThetas, normalThetas, simulateCat, sympsonHetterParameters } from '../../../analytics/cat/simulate.ts';
import { mulberry32 } from '../../../analytics/cat/rng.ts';
import { catStep } from '../../../analytics/cat/step.ts';
import type { CatDesign, CatResponse } from '../../../analytics/cat/types.ts';

export const summary = 'adaptive testing: cat next (one step), cat simulate (Monte-Carlo study), cat sympson-hetter';

const USAGE = `Usage:
  assay cat next --params PARAMS.json [--design DESIGN.json] [--responses JSON] [--seed N]
                     (one catStep: responses as [{"itemId": "I1", "category": 1}, ...] or {"I1": 1, ...})
  assay cat simulate --params PARAMS.json [--simulees N | --grid LO:HI:STEP [--replications R]]
                     [--design DESIGN.json] [--seed N] [--item-rates] [--records]
  assay cat sympson-hetter --params PARAMS.json --rmax R [--design DESIGN.json]
                     [--simulees N] [--iterations K] [--seed N]
PARAMS.json is the IRT parameters JSON (items may carry "content" and "enemies"); a bank CSV
with columns item,a,b,c,d[,Group] is read too. Simulees default to 1000 draws from the bank's
population (N(0, 1) unless the parameters say otherwise).`;

class UsageError extends Error {}

const FLAGS = new Set(['item-rates', 'records']);

function parseArgs(args: string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (FLAGS.has(name)) {
      opts[name] = 'true';
      continue;
    }
    const v = inline ?? args[++i];
    if (v === undefined) throw new UsageError(`option --${name} needs a value`);
    opts[name] = v;
  }
  return { positional, opts };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function intOpt(opts: Record<string, string>, name: string, dflt: number, min = 1): number {
  const v = opts[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

function loadBank(path: string): { items: ReturnType<typeof catItemsFromParameters>; population: { mean: number; sd: number } } {
  const text = readText(path, 'parameters');
  if (/\.csv$/i.test(path)) return { items: catItemsFromCsv(text), population: { mean: 0, sd: 1 } };
  const items = catItemsFromParameters(text);
  const pop = (JSON.parse(text) as { population?: { mean: number; sd: number } }).population;
  return { items, population: pop && Number.isFinite(pop.mean) && pop.sd > 0 ? pop : { mean: 0, sd: 1 } };
}

/** `[{"itemId", "category"}]` or `{"ITEM": category}` (insertion order = answer order). */
function parseResponsesArg(text: string): CatResponse[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--responses: not valid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(doc)) {
    return doc.map((r, i) => {
      const o = r as Record<string, unknown>;
      if (typeof o?.itemId !== 'string' || typeof o.category !== 'number') throw new UsageError(`--responses[${i}]: expected {"itemId": string, "category": number}`);
      return { itemId: o.itemId, category: o.category };
    });
  }
  if (doc && typeof doc === 'object') {
    return Object.entries(doc as Record<string, unknown>).map(([itemId, c]) => {
      if (typeof c !== 'number') throw new UsageError(`--responses: item '${itemId}' must map to a category number`);
      return { itemId, category: c };
    });
  }
  throw new UsageError('--responses must be a JSON array or object');
}

function parseGrid(spec: string): [number, number, number] {
  const parts = spec.split(':').map(Number);
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x)) || !(parts[2] > 0) || parts[0] > parts[1]) {
    throw new UsageError(`--grid must be LO:HI:STEP with LO ≤ HI and STEP > 0, got '${spec}'`);
  }
  return parts as [number, number, number];
}

export async function run(args: string[]): Promise<number> {
  try {
    const [sub, ...rest] = args;
    if (sub !== 'simulate' && sub !== 'sympson-hetter' && sub !== 'next') {
      console.error(sub && sub !== '--help' ? `assay cat: unknown subcommand '${sub}'\n${USAGE}` : USAGE);
      return 2;
    }
    const { positional, opts } = parseArgs(rest);
    if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const known =
      sub === 'simulate'
        ? ['params', 'simulees', 'grid', 'replications', 'design', 'seed', 'item-rates', 'records']
        : sub === 'next'
          ? ['params', 'design', 'responses', 'seed', 'prior-theta']
          : ['params', 'rmax', 'design', 'simulees', 'iterations', 'seed'];
    for (const k of Object.keys(opts)) if (!known.includes(k)) throw new UsageError(`unknown option --${k} for 'cat ${sub}'`);
    if (!opts.params) throw new UsageError('--params PARAMS.json is required');
    const { items, population } = loadBank(opts.params);
    const design: CatDesign = opts.design ? parseCatDesign(readText(opts.design, 'design')) : {};
    const seed = intOpt(opts, 'seed', 1, 0);
    const bank = prepareBank(items);
    if (sub === 'next') {
      const responses = parseResponsesArg(opts.responses ?? '[]');
      const priorTheta = opts['prior-theta'] !== undefined ? Number(opts['prior-theta']) : undefined;
      if (priorTheta !== undefined && !Number.isFinite(priorTheta)) throw new UsageError(`--prior-theta must be a number, got '${opts['prior-theta']}'`);
      const r = catStep(bank, design, { responses, ...(priorTheta !== undefined ? { priorTheta } : {}) }, mulberry32(seed));
      console.log(JSON.stringify(r));
      return 0;
    }
    if (sub === 'sympson-hetter') {
      const rmax = Number(opts.rmax);
      if (!(rmax > 0 && rmax <= 1)) throw new UsageError(`--rmax must be a rate in (0, 1], got '${opts.rmax ?? ''}'`);
      const simulees = intOpt(opts, 'simulees', 1000);
      const res = sympsonHetterParameters(bank, design, {
        rmax,
        simulees,
        iterations: intOpt(opts, 'iterations', 8),
        seed,
        thetas: normalThetas(simulees, seed, population.mean, population.sd),
      });
      const out = { design: { ...design, exposure: { method: 'sympson-hetter', parameters: res.parameters } }, history: res.history };
      console.log(JSON.stringify(out, null, 2));
      return 0;
    }
    if (opts.grid && opts.simulees) throw new UsageError('give either --simulees or --grid, not both');
    let thetas: number[];
    if (opts.grid) {
      const [lo, hi, step] = parseGrid(opts.grid);
      thetas = gridThetas(lo, hi, step, intOpt(opts, 'replications', 100));
    } else thetas = normalThetas(intOpt(opts, 'simulees', 1000), seed, population.mean, population.sd);
    const started = performance.now();
    const res = simulateCat(bank, design, { thetas, seed, keepRecords: opts.records === 'true' });
    const seconds = (performance.now() - started) / 1000;
    const { exposureRates, ...rest2 } = res;
    const out = { bank: { items: bank.n, areas: bank.areas }, design, ...rest2, ...(opts['item-rates'] ? { exposureRates } : {}), seconds: Math.round(seconds * 1000) / 1000 };
    console.log(JSON.stringify(out, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof CatError || e instanceof ParametersError || e instanceof RangeError) {
      console.error(`assay cat: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
