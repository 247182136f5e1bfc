/**
 * CAT benchmark: next-item selection with exposure control from a 10,000-item 3PL bank (the whole
 * catStep: EAP on the prepared tables, stopping rules, selection), the IRT module's EAP after 30
 * responses, and @bdelab/jscat on the same bank and the same responses in the same process.
 * `npm run bench:cat`; bench/irt.ts imports `catBench` and merges the figures into its JSON line.
 */
import { pathToFileURL } from 'node:url';
import { Cat as JsCat } from '@bdelab/jscat';
import { eap } from '../analytics/irt/ability.ts';
import { standardError } from '../analytics/irt/model.ts';
import { prepareBank } from '../analytics/cat/bank.ts';
import { mulberry32, normal } from '../analytics/cat/rng.ts';
import { sympsonHetterParameters } from '../analytics/cat/simulate.ts';
import { catStep } from '../analytics/cat/step.ts';
import type { CatDesign, CatItem, CatResponse } from '../analytics/cat/types.ts';

function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** A seeded 3PL bank: a ~ U(0.8, 2.2), b ~ N(0, 1.2), c ~ U(0.1, 0.25). */
function bank3pl(n: number, seed: number): CatItem[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, j) => ({ id: `I${j + 1}`, model: '3pl' as const, a: 0.8 + 1.4 * rng(), b: normal(rng, 0, 1.2), c: 0.1 + 0.15 * rng() }));
}

function line(name: string, value: number, goal: string, unit = 'ms') {
  console.log(`${name.padEnd(52)} ${value.toFixed(4).padStart(10)} ${unit.padEnd(3)}  goal ${goal}`);
}

export async function catBench(opts: { candidates?: number; quiet?: boolean } = {}): Promise<Record<string, number>> {
  const log = opts.quiet ? () => {} : line;
  const N_ITEMS = 10_000;
  const LEN = 30;
  const CANDIDATES = opts.candidates ?? 40;
  const items = bank3pl(N_ITEMS, 2026);
  let t0 = performance.now();
  const bank = prepareBank(items);
  const prepareMs = performance.now() - t0;
  const design: CatDesign = { exposure: { method: 'randomesque', randomesque: 5 }, stop: { maxItems: LEN } };

  // Response histories from real CATs on the bank (seeded simulees), kept at every length 0..29.
  const states: CatResponse[][] = [];
  const finals: { responses: CatResponse[]; theta: number }[] = [];
  for (let c = 0; c < CANDIDATES; c++) {
    const theta = normal(mulberry32(1000 + c));
    const answers = mulberry32(5000 + c);
    const responses: CatResponse[] = [];
    for (;;) {
      states.push(responses.slice());
      const r = catStep(bank, design, { responses }, mulberry32(c));
      if (r.kind === 'stop') break;
      const it = items[bank.index.get(r.itemId)!];
      const p = it.c! + (1 - it.c!) / (1 + Math.exp(-it.a * (theta - it.b!)));
      responses.push({ itemId: r.itemId, category: answers() < p ? 1 : 0 });
    }
    states.pop(); // the full-length state stops rather than selects
    finals.push({ responses, theta });
  }

  const timeSteps = (d: CatDesign, reps: number): number[] => {
    const times: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      states.forEach((responses, s) => {
        const t = performance.now();
        const r = catStep(bank, d, { responses }, mulberry32(s));
        times.push(performance.now() - t);
        if (r.kind !== 'item') throw new Error('bench: expected an item');
      });
    }
    return times;
  };
  timeSteps(design, 1); // warm-up (JIT)
  const rq = timeSteps(design, 3);
  // Sympson–Hetter with parameters computed by simulation on a 1,000-item slice's worth of effort.
  const shStart = performance.now();
  const sh = sympsonHetterParameters(bank, { stop: { maxItems: LEN } }, { rmax: 0.2, simulees: 200, iterations: 3, seed: 9 });
  const shParamsSeconds = (performance.now() - shStart) / 1000;
  const shDesign: CatDesign = { exposure: { method: 'sympson-hetter', parameters: sh.parameters }, stop: { maxItems: LEN } };
  timeSteps(shDesign, 1);
  const shTimes = timeSteps(shDesign, 3);
  const mfiTimes = timeSteps({ stop: { maxItems: LEN } }, 2);
  // The engine may rebuild the design from stored settings on every request: a fresh object each call.
  const shJson = JSON.stringify(shDesign);
  const freshTimes: number[] = [];
  // Parsed up front: the engine's JSON.parse (and its garbage) is not catStep's cost.
  const freshDesigns = states.map(() => JSON.parse(shJson) as CatDesign);
  states.forEach((responses, s) => {
    const t = performance.now();
    catStep(bank, freshDesigns[s], { responses }, mulberry32(s));
    freshTimes.push(performance.now() - t);
  });
  const klDesign: CatDesign = { selection: { method: 'kl' }, exposure: { method: 'randomesque', randomesque: 5 }, stop: { maxItems: LEN } };
  const klTimes: number[] = [];
  states.slice(0, 200).forEach((responses, s) => {
    const t = performance.now();
    catStep(bank, klDesign, { responses }, mulberry32(s));
    klTimes.push(performance.now() - t);
  });

  // IRT module's EAP after 30 responses.
  const eapTimes: number[] = [];
  const eapInputs = finals.map((f) => ({ its: f.responses.map((x) => items[bank.index.get(x.itemId)!]), resp: f.responses.map((x) => x.category) }));
  for (let rep = 0; rep < 30; rep++) {
    for (const e of eapInputs) {
      const t = performance.now();
      eap(e.its, e.resp);
      eapTimes.push(performance.now() - t);
    }
  }

  // jsCAT on the same bank and responses: EAP update on the answers so far, then MFI over the rest.
  const stimuli = items.map((it) => ({ id: it.id, a: it.a, b: it.b!, c: it.c!, d: 1 }));
  const jsTimes: number[] = [];
  const assayPaired: number[] = [];
  let maxThetaDiff = 0;
  let maxSeDiff = 0;
  let maxPosteriorSdDiff = 0;
  const sample = states.filter((s) => s.length > 0).filter((_, i) => i % Math.max(1, Math.floor((states.length - CANDIDATES) / 12)) === 0).slice(0, 12);
  for (const responses of sample) {
    const used = new Set(responses.map((x) => x.itemId));
    const remaining = stimuli.filter((s) => !used.has(s.id));
    const zetas = responses.map((x) => stimuli[bank.index.get(x.itemId)!]);
    const answers = responses.map((x) => x.category as 0 | 1);
    const t = performance.now();
    const jc = new JsCat({ method: 'EAP', itemSelect: 'MFI', minTheta: -6, maxTheta: 6, priorDist: 'norm', priorPar: [0, 1] });
    jc.updateAbilityEstimate(zetas, answers);
    jc.findNextItem(remaining, 'MFI');
    jsTimes.push(performance.now() - t);
    const ta = performance.now();
    catStep(bank, design, { responses }, mulberry32(1));
    assayPaired.push(performance.now() - ta);
    const its = responses.map((x) => items[bank.index.get(x.itemId)!]);
    const mine = eap(its, answers);
    maxThetaDiff = Math.max(maxThetaDiff, Math.abs(jc.theta - mine.theta));
    // jsCAT reports SE = 1/√I(θ̂) (not the posterior SD): compare like with like, and show the other too.
    maxSeDiff = Math.max(maxSeDiff, Math.abs(jc.seMeasurement - standardError(its, jc.theta)));
    maxPosteriorSdDiff = Math.max(maxPosteriorSdDiff, Math.abs(jc.seMeasurement - mine.se));
  }

  const figures: Record<string, number> = {
    catPrepareMs10k: prepareMs,
    nextItemP99Ms10k: quantile(rq, 0.99),
    nextItemMeanMs10k: mean(rq),
    nextItemShP99Ms10k: quantile(shTimes, 0.99),
    nextItemMfiP99Ms10k: quantile(mfiTimes, 0.99),
    nextItemShFreshDesignP99Ms10k: quantile(freshTimes, 0.99),
    nextItemKlMeanMs10k: mean(klTimes),
    shParamsSeconds10k: shParamsSeconds,
    eapMs30: mean(eapTimes),
    eapP99Ms30: quantile(eapTimes, 0.99),
    jscatNextItemMs10k: quantile(jsTimes, 0.5),
    jscatRatio: quantile(jsTimes, 0.5) / quantile(assayPaired, 0.5),
    jscatThetaMaxAbsDiff: maxThetaDiff,
    jscatSeMaxAbsDiff: maxSeDiff,
    jscatSeVsPosteriorSdMaxAbsDiff: maxPosteriorSdDiff,
  };
  log('CAT bank preparation, 10,000 3PL items', figures.catPrepareMs10k, 'once per bank (no goal)');
  log('next item, randomesque(5), 10k bank, p99', figures.nextItemP99Ms10k, '< 0.5 ms (catR 3.5 ms, jsCAT ~90 ms)');
  log('next item, randomesque(5), 10k bank, mean', figures.nextItemMeanMs10k, '—');
  log('next item, Sympson–Hetter, 10k bank, p99', figures.nextItemShP99Ms10k, '< 0.5 ms');
  log('next item, MFI without exposure control, p99', figures.nextItemMfiP99Ms10k, '—');
  log('next item, S-H, a new design object per call, p99', figures.nextItemShFreshDesignP99Ms10k, '< 0.5 ms');
  log('next item, KL + randomesque, 10k bank, mean', figures.nextItemKlMeanMs10k, '— (full scan)');
  log('S-H parameters (200 simulees × 3 iterations)', figures.shParamsSeconds10k, '—', 's');
  log('EAP after 30 responses (IRT eap), mean', figures.eapMs30, '< 0.1 ms');
  log('EAP after 30 responses (IRT eap), p99', figures.eapP99Ms30, '< 0.1 ms');
  log('jsCAT EAP update + MFI next item, median', figures.jscatNextItemMs10k, 'peer (same bank and responses)');
  log('jsCAT time / Assay time (median, same states)', figures.jscatRatio, '> 1 (higher is better for Assay)', 'x');
  log('|θ jsCAT − θ Assay| max (EAP, N(0,1))', figures.jscatThetaMaxAbsDiff, 'agreement (jsCAT grid step 0.1)', '');
  log('|SE jsCAT − 1/√I(θ) Assay| max', figures.jscatSeMaxAbsDiff, 'agreement', '');
  log('|SE jsCAT − posterior SD Assay| max', figures.jscatSeVsPosteriorSdMaxAbsDiff, 'different SE definitions', '');
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('CAT benchmark (the machine is shared with other busy processes: figures are pessimistic)');
  const figures = await catBench();
  console.log(JSON.stringify(figures));
}
