/**
 * `assay score ITEM.xml --responses JSON [--seed N | --template JSON]` and
 * `assay score --batch CASES.jsonl`: template and response processing of QTI items, printing
 * every outcome variable as JSON (DESIGN.md). Bad input gets one clear line, never a stack trace.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { parseItem, createItemScorer, QtiResponseError, QtiProcessingError, type ItemScorer, type Json, type TemplateJson } from '../../../item-bank/index.ts';

export const summary = 'Score responses to a QTI item (or --batch CASES.jsonl): prints every outcome variable as JSON';

const USAGE = 'usage: assay score ITEM.xml --responses JSON [--seed N | --template JSON]\n       assay score --batch CASES.jsonl';

class CliError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Loads and compiles an item, with a one-line error naming the file and the first problem. */
function loadScorer(path: string): ItemScorer {
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError('item_unreadable', `cannot read item file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { item, problems } = parseItem(xml, { path });
  const err = problems.find((p) => p.severity === 'error');
  if (!item || err) {
    const p = err ?? problems[0];
    const at = p?.line ? `:${p.line}:${p.column ?? 1}` : '';
    throw new CliError('item_invalid', `${path}${at}: ${p?.message ?? 'not a QTI assessmentItem'}`);
  }
  try {
    return createItemScorer(item);
  } catch (e) {
    if (e instanceof QtiProcessingError) throw new CliError('item_unsupported', `${path}: ${e.message}`);
    throw e;
  }
}

function parseJsonArg(what: string, text: string): Json {
  const src = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(src) as Json;
  } catch (e) {
    throw new CliError('bad_json', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function parseSeed(v: Json | undefined): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length > 0) return /^-?\d+$/.test(v) ? Number(v) : v;
  throw new CliError('bad_seed', `seed must be a number or string, got ${JSON.stringify(v)}`);
}

function scoreOne(scorer: ItemScorer, responses: Json, seed?: number | string, template?: Json): Record<string, Json> {
  if (responses === null || typeof responses !== 'object' || Array.isArray(responses)) {
    throw new CliError('bad_responses', 'responses must be a JSON object of response identifier -> value');
  }
  if (template !== undefined && (template === null || typeof template !== 'object' || Array.isArray(template))) {
    throw new CliError('bad_template', 'template must be a JSON object {"values": {...}, "correctResponses": {...}}');
  }
  return scorer.score(responses as Record<string, Json>, { seed, template: template as TemplateJson | undefined }).outcomes;
}

function errorJson(e: unknown): { code: string; message: string } {
  if (e instanceof QtiResponseError) return { code: e.code, message: e.message };
  if (e instanceof CliError) return { code: e.code, message: e.message };
  if (e instanceof QtiProcessingError) return { code: e.code, message: e.message };
  return { code: 'internal', message: (e as Error).message };
}

async function runBatch(file: string): Promise<number> {
  if (!existsSync(file)) {
    console.error(`assay score: cannot read ${file}: no such file`);
    return 1;
  }
  const base = dirname(resolve(file));
  const scorers = new Map<string, ItemScorer | CliError>();
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const out: string[] = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    try {
      const c = parseJsonArg(`line ${lineNo}`, line);
      if (!c || typeof c !== 'object' || Array.isArray(c) || typeof c.item !== 'string') {
        throw new CliError('bad_case', `line ${lineNo}: expected {"item": PATH, "responses": {...}, "seed"?, "template"?}`);
      }
      // item paths are taken relative to the working directory, else to the cases file
      const p = existsSync(c.item) ? resolve(c.item) : resolve(base, c.item);
      let s = scorers.get(p);
      if (!s) {
        try {
          s = loadScorer(p);
        } catch (e) {
          s = e instanceof CliError ? e : new CliError('item_invalid', (e as Error).message);
        }
        scorers.set(p, s);
      }
      if (s instanceof CliError) throw s;
      const outcomes = scoreOne(s, c.responses ?? {}, parseSeed(c.seed), c.template ?? undefined);
      out.push(JSON.stringify({ outcomes }));
    } catch (e) {
      out.push(JSON.stringify({ error: errorJson(e) }));
    }
    if (out.length >= 256) flush();
  }
  flush();
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let itemPath: string | undefined;
  let responses: string | undefined;
  let seed: string | undefined;
  let template: string | undefined;
  let batch: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => {
      const v = args[++i];
      if (v === undefined) throw new CliError('usage', `${a} needs a value`);
      return v;
    };
    try {
      if (a === '--responses') responses = val();
      else if (a === '--seed') seed = val();
      else if (a === '--template') template = val();
      else if (a === '--batch') batch = val();
      else if (a === '--help' || a === '-h') {
        console.log(USAGE);
        return 0;
      } else if (a.startsWith('--')) throw new CliError('usage', `unknown option ${a}`);
      else if (!itemPath) itemPath = a;
      else throw new CliError('usage', `unexpected argument ${a}`);
    } catch (e) {
      console.error(`assay score: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  if (batch) return runBatch(batch);
  if (!itemPath) {
    console.error(`assay score: missing ITEM.xml\n${USAGE}`);
    return 2;
  }
  if (seed !== undefined && template !== undefined) {
    console.error('assay score: give --seed or --template, not both');
    return 2;
  }
  try {
    const scorer = loadScorer(itemPath);
    const resp = responses === undefined ? {} : parseJsonArg('--responses', responses);
    const tmpl = template === undefined ? undefined : parseJsonArg('--template', template);
    const outcomes = scoreOne(scorer, resp, seed === undefined ? undefined : parseSeed(/^-?\d+$/.test(seed) ? Number(seed) : seed), tmpl);
    console.log(JSON.stringify(outcomes));
    return 0;
  } catch (e) {
    const err = errorJson(e);
    if (err.code === 'internal') throw e;
    console.error(`assay score: ${err.message}`);
    return 1;
  }
}
