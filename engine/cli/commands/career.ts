/**
 * `assay career train|evaluate|predict` — the career-orientation model.
 *
 *   train    [--csv FILE | --db URL] [--students N] [--seed N] [--epochs N] [--out DIR] [--no-register]
 *   evaluate [--csv FILE | --db URL | --students N --seed N] [--model DIR | --version N] [--json]
 *   predict  [--csv FILE | --db URL [--student ID] | --students N --seed N] [--model DIR | --version N] [--top N]
 *   demo-histories [--db URL] [--seed N]   write SYNTHETIC results histories for candidates that have none (demos)
 *
 * Without --csv or --db the data is a SYNTHETIC cohort from fixtures/career (said in every output).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CareerModel, analyseStudents, buildModelCard, evaluateModel, parseHistoryCsv, recordsToData, reliabilityDiagramText,
  trainAndEvaluate, type Evaluation, type HistoryCsvRecord, type LabelledData, type ModelManifest,
} from '../../../analytics/career/index.ts';
import { buildSyntheticDataset } from '../../../fixtures/career/dataset.ts';
import { generateCohort } from '../../../fixtures/career/generator.ts';
import { loadHistories, loadOutcomes } from '../../career/pipeline.ts';
import { writeSyntheticHistories } from '../../career/demo-data.ts';
import { activeModel, defaultModel, registerModel, type ActiveModel } from '../../career/registry.ts';
import type { Store } from '../../store/index.ts';
import { splitConfigArgs, withCliStore } from '../../server.ts';

export const summary = 'career model: train | evaluate | predict (synthetic data unless --csv/--db)';

const USAGE = `usage:
  assay career train    [--csv FILE | --db URL] [--students N] [--seed N] [--epochs N] [--out DIR] [--no-register]
  assay career evaluate [--csv FILE | --db URL | --students N --seed N] [--model DIR | --version N] [--json]
  assay career predict  [--csv FILE | --db URL [--student ID] | --students N --seed N] [--model DIR | --version N] [--top N]
  assay career demo-histories [--db URL] [--seed N]`;

class UsageError extends Error {}
/** Bad data in an input file or the store: one clear line, exit 1. */
class DataError extends Error {}

interface Opts { [k: string]: string | boolean | undefined }

const VALUE_FLAGS = new Set(['--csv', '--students', '--seed', '--epochs', '--out', '--model', '--version', '--top', '--student']);
const BOOL_FLAGS = new Set(['--no-register', '--json']);

function parse(rest: string[]): Opts {
  const o: Opts = {};
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    if (BOOL_FLAGS.has(flag)) { o[flag] = true; continue; }
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option '${rest[i]}'`);
    const v = inline ?? rest[++i];
    if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
    o[flag] = v;
  }
  return o;
}

function int(o: Opts, flag: string, def: number, min = 1): number {
  const v = o[flag];
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

function readCsv(file: string): HistoryCsvRecord[] {
  if (!existsSync(file)) throw new UsageError(`--csv: file '${file}' does not exist`);
  try {
    return parseHistoryCsv(readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new DataError((err as Error).message);
  }
}

/** Histories and outcomes of every candidate in the store, with fairness-only groups. */
async function recordsFromStore(store: Store): Promise<HistoryCsvRecord[]> {
  const candidates = await store.candidates.list();
  const histories = await loadHistories(store, candidates.map((c) => c.id));
  const outcomes = await loadOutcomes(store);
  const schools = new Map((await store.schools.list()).map((s) => [s.id, s]));
  const out: HistoryCsvRecord[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    const o = outcomes.get(c.id) ?? {};
    const gender = (await store.candidates.getPersonalData(c.id))?.gender ?? 'unknown';
    const region = (c.schoolId && schools.get(c.schoolId)?.district) || 'unknown';
    out.push({ history: histories[i], fieldCode: o.fieldCode ?? null, cluster: o.cluster ?? null, groups: { gender, region } });
  }
  return out;
}

function pct(x: number): string { return `${(x * 100).toFixed(1)}%`; }

function printEvaluation(e: Evaluation, synthetic: boolean): void {
  const m = e.metrics;
  console.log(`held-out students: ${m.heldOutStudents}${synthetic ? ' (SYNTHETIC data)' : ''}`);
  console.log(`fields   top-1 ${pct(m.field.top1)}  top-3 ${pct(m.field.top3)}  ECE ${m.field.ece.toFixed(4)}  similarity baseline top-3 ${pct(m.field.baselineTop3)}`);
  console.log(`clusters top-1 ${pct(m.cluster.top1)}  top-3 ${pct(m.cluster.top3)}  ECE ${m.cluster.ece.toFixed(4)}  similarity baseline top-3 ${pct(m.cluster.baselineTop3)}`);
  for (const [g, v] of Object.entries(e.field.groups)) {
    const parts = Object.entries(v.byValue).map(([k, x]) => `${k} ${pct(x.top3)} (n=${x.n})`).join(', ');
    console.log(`group ${g}: field top-3 ${parts}; largest gap ${pct(v.top3Gap)} (cluster gap ${pct(e.cluster.groups[g].top3Gap)})`);
  }
  console.log('\nreliability diagram, fields:\n' + reliabilityDiagramText(e.field.reliability));
  console.log('\nreliability diagram, clusters:\n' + reliabilityDiagramText(e.cluster.reliability));
}

async function writeArtifacts(dir: string, model: CareerModel, e: Evaluation): Promise<void> {
  const { manifest, weights } = await model.toArtifacts();
  const card = buildModelCard(manifest, e.metrics, 'default');
  const full: ModelManifest = { ...manifest, metrics: e.metrics as unknown as Record<string, unknown>, card };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(full, null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), weights);
  writeFileSync(join(dir, 'MODEL_CARD.md'), card + '\n');
  console.log(`wrote ${join(dir, 'model.json')}, weights.bin (${weights.byteLength} bytes), MODEL_CARD.md`);
}

async function loadModelDir(dir: string): Promise<ActiveModel> {
  const mf = join(dir, 'model.json'), wf = join(dir, 'weights.bin');
  if (!existsSync(mf) || !existsSync(wf)) throw new UsageError(`--model: '${dir}' must contain model.json and weights.bin`);
  let manifest: ModelManifest;
  try { manifest = JSON.parse(readFileSync(mf, 'utf8')); } catch (err) { throw new UsageError(`--model: ${mf} is not JSON (${(err as Error).message})`); }
  const model = await CareerModel.fromArtifacts(manifest, new Uint8Array(readFileSync(wf)));
  return { model, version: `career from ${dir}`, synthetic: manifest.training.synthetic, card: manifest.card ?? '' };
}

async function train(o: Opts, configArgs: string[]): Promise<number> {
  const seed = int(o, '--seed', 1, 0);
  const epochs = int(o, '--epochs', 12);
  const run = async (data: LabelledData, description: string, synthetic: boolean, store?: Store) => {
    if (data.n < 50) throw new UsageError(`only ${data.n} students have a recorded outcome; at least 50 are needed to train`);
    console.log(`training on ${description}`);
    const t0 = Date.now();
    const { model, evaluation } = await trainAndEvaluate(data, { seed, epochs, description, synthetic, onEpoch: (e, l) => process.stderr.write(`epoch ${e}/${epochs} loss ${l.toFixed(4)}\n`) });
    console.log(`trained in ${((Date.now() - t0) / 1000).toFixed(1)} s (backend ${model.manifest.training.backend}); temperatures field ${model.manifest.temperature.field}, cluster ${model.manifest.temperature.cluster}`);
    printEvaluation(evaluation, synthetic);
    if (typeof o['--out'] === 'string') await writeArtifacts(o['--out'], model, evaluation);
    if (store) console.log(`registered career model v${await registerModel(store, model, evaluation.metrics)} in ${store.url}`);
    model.dispose();
    return 0;
  };
  const register = !o['--no-register'];
  if (typeof o['--csv'] === 'string') {
    const file = o['--csv'];
    const records = readCsv(file);
    const data = recordsToData(records);
    const description = `CSV ${file}: ${data.n} students with recorded outcomes`;
    return register ? withCliStore('career train', configArgs, (store) => run(data, description, false, store)) : run(data, description, false);
  }
  if (configArgs.includes('--db') || configArgs.some((a) => a.startsWith('--db='))) {
    return withCliStore('career train', configArgs, async (store) => {
      const data = recordsToData(await recordsFromStore(store));
      return run(data, `database ${store.url}: ${data.n} students with recorded outcomes`, false, register ? store : undefined);
    });
  }
  const n = int(o, '--students', 20000, 100);
  const data = buildSyntheticDataset(n, seed);
  const description = `SYNTHETIC cohort of ${n} students (fixtures/career generator, seed ${seed}; O*NET-grounded assumptions, no real students)`;
  return register ? withCliStore('career train', configArgs, (store) => run(data, description, true, store)) : run(data, description, true);
}

async function pickModel(o: Opts, store?: Store): Promise<ActiveModel> {
  if (typeof o['--model'] === 'string') return loadModelDir(o['--model']);
  if (store) return activeModel(store, o['--version'] ? int(o, '--version', 1) : undefined);
  return defaultModel();
}

function usesDb(configArgs: string[]): boolean { return configArgs.some((a) => a === '--db' || a.startsWith('--db=')); }

async function evaluate(o: Opts, configArgs: string[]): Promise<number> {
  const go = async (store?: Store) => {
    const active = await pickModel(o, store);
    let data: LabelledData, synthetic = false;
    if (typeof o['--csv'] === 'string') data = recordsToData(readCsv(o['--csv']));
    else if (store && usesDb(configArgs)) data = recordsToData(await recordsFromStore(store));
    else { data = buildSyntheticDataset(int(o, '--students', 5000, 10), int(o, '--seed', 2026, 0)); synthetic = true; }
    if (data.n === 0) throw new UsageError('no students with a recorded outcome to evaluate on');
    const e = await evaluateModel(active.model, data);
    if (o['--json']) console.log(JSON.stringify({ model: active.version, syntheticData: synthetic, trainedOnSyntheticData: active.synthetic, ...e }));
    else {
      console.log(`model: ${active.version}${active.synthetic ? ' — trained on SYNTHETIC data' : ''}`);
      printEvaluation(e, synthetic);
    }
    return 0;
  };
  return usesDb(configArgs) || o['--version'] ? withCliStore('career evaluate', configArgs, go) : go();
}

async function predict(o: Opts, configArgs: string[]): Promise<number> {
  const top = int(o, '--top', 3);
  const go = async (store?: Store) => {
    const active = await pickModel(o, store);
    let histories;
    if (typeof o['--csv'] === 'string') histories = readCsv(o['--csv']).map((r) => r.history);
    else if (store && usesDb(configArgs)) {
      const ids = typeof o['--student'] === 'string' ? [o['--student']] : (await store.candidates.list()).map((c) => c.id);
      for (const id of ids) if (!(await store.candidates.get(id))) throw new UsageError(`--student: no candidate '${id}'`);
      histories = await loadHistories(store, ids);
    } else histories = [...generateCohort(int(o, '--students', 3, 1), int(o, '--seed', 7, 0))].map((s) => s.history);
    const guidance = await analyseStudents(active.model, histories, { top, modelVersion: active.version });
    for (const g of guidance) console.log(JSON.stringify({ ...g, notice: 'Guidance only — never for selecting or excluding a student.' + (active.synthetic ? ' The model was trained on SYNTHETIC data.' : '') }));
    return 0;
  };
  return usesDb(configArgs) || o['--version'] ? withCliStore('career predict', configArgs, go) : go();
}

/** Synthetic histories for every candidate without a career history, consent set for all but every fifth. */
async function demoHistories(o: Opts, configArgs: string[]): Promise<number> {
  const seed = int(o, '--seed', 2026, 0);
  return withCliStore('career demo-histories', configArgs, async (store) => {
    const all = (await store.candidates.list()).map((c) => c.id);
    const existing = await loadHistories(store, all);
    const empty = all.filter((_, i) => existing[i].assessments.length === 0 && !existing[i].interestProfilerAnswers);
    await writeSyntheticHistories(store, empty, seed, { consent: (i) => i % 5 !== 4 });
    console.log(`wrote SYNTHETIC career histories for ${empty.length} of ${all.length} candidates in ${store.url} (events CAREER-SYN-*)`);
    return 0;
  });
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...restAll] = args;
  const { configArgs, rest } = splitConfigArgs(restAll);
  try {
    const o = parse(rest);
    if (sub === 'train') return await train(o, configArgs);
    if (sub === 'evaluate') return await evaluate(o, configArgs);
    if (sub === 'predict') return await predict(o, configArgs);
    if (sub === 'demo-histories') return await demoHistories(o, configArgs);
    console.error(sub ? `assay career: unknown subcommand '${sub}'\n${USAGE}` : USAGE);
    return 2;
  } catch (err) {
    if (err instanceof UsageError) { console.error(`assay career ${sub}: ${err.message}\n${USAGE}`); return 2; }
    if (err instanceof DataError) { console.error(`assay career ${sub}: ${err.message}`); return 1; }
    // Bad data in a CSV or the store: one clear line, no stack trace.
    if (err instanceof Error && /:\d+: |student |career model|not registered|missing/.test(err.message)) { console.error(`assay career ${sub}: ${err.message}`); return 1; }
    throw err;
  }
}
