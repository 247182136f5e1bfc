/**
 * `assay items analyse RESPONSES.csv [--key KEY] [--group COLUMN] [--reference G] [--focal G[,G]]
 *  [--omit CODE[,CODE]] [--missing zero|listwise] [--format json|table]`
 * Classical item analysis (analytics/classical) of a responses CSV.
 */
import { readFileSync } from 'node:fs';
import { analyseClassical, type ClassicalReport } from '../../../analytics/classical/analyse.ts';
import { parseAnswerKey, parseResponsesCsv, ResponsesError } from '../../../analytics/classical/responses.ts';

export const summary = 'classical item analysis: p, point-biserial, alpha, distractors, MH DIF (items analyse RESPONSES.csv)';

const USAGE = `Usage: assay items analyse RESPONSES.csv [options]
  --key FILE          answer key (CSV item,key or JSON {"ITEM": "B"}): cells are option codes
  --group COLUMN      grouping column for Mantel–Haenszel DIF
  --reference G       reference group (default: the largest)
  --focal G[,G]       focal group(s) (default: every other group)
  --no-purify         match on the plain total (default: two-stage MH without B/C items)
  --omit CODE[,CODE]  raw codes that mean omitted (empty and NA always do)
  --missing POLICY    zero (default: omitted scores 0) or listwise (drop incomplete persons)
  --format FORMAT     json (default) or table`;

function parseArgs(args: string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--no-purify') opts['no-purify'] = 'true';
    else if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      opts[name] = v;
    } else positional.push(a);
  }
  return { positional, opts };
}

class UsageError extends Error {}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '   —  ' : x.toFixed(3).padStart(6));

/** Plain-text table of the report for people. */
export function formatTable(r: ClassicalReport): string {
  const t = r.test;
  const lines = [
    `persons ${t.nPersons}  items ${t.nItems}  mean ${t.meanTotal.toFixed(2)}  sd ${t.sdTotal.toFixed(2)}  alpha ${f3(t.alpha).trim()}` +
      (t.kr20 !== null ? `  KR-20 ${f3(t.kr20).trim()}` : '') +
      `  SEM ${f3(t.sem).trim()}  (missing: ${t.missing})`,
    '',
    `${'item'.padEnd(14)}     p   r_pb  r_cor      D a-del${r.group ? '  DIF' : ''}  flags`,
  ];
  for (const it of r.items) {
    const dif = r.group ? `  ${(it.dif ?? []).map((d) => d.ets ?? d.polytomous?.ets ?? '-').join('/').padEnd(3)}` : '';
    lines.push(
      `${it.id.padEnd(14)} ${f3(it.p)} ${f3(it.pointBiserial)} ${f3(it.correctedItemTotal)} ${f3(it.discriminationIndex)} ${f3(it.alphaIfDeleted)}${dif}  ${it.flags.map((f) => f.code).join(', ')}`,
    );
    if (it.options) {
      for (const o of it.options) {
        lines.push(`    ${(o.key ? '*' : ' ') + o.option.padEnd(8)} n ${String(o.n).padStart(5)}  prop ${f3(o.proportion)}  mean ${o.meanTotal === null ? '   —  ' : o.meanTotal.toFixed(2).padStart(6)}  r ${f3(o.pointBiserial)}  U−L ${f3(o.discrimination)}`);
      }
    }
  }
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  try {
    const [sub, ...rest] = args;
    if (sub !== 'analyse' && sub !== 'analyze') {
      console.error(sub ? `assay items: unknown subcommand '${sub}'\n${USAGE}` : USAGE);
      return 2;
    }
    const { positional, opts } = parseArgs(rest);
    if (positional.length !== 1) throw new UsageError(`expected one RESPONSES.csv, got ${positional.length}`);
    const known = new Set(['key', 'group', 'reference', 'focal', 'omit', 'missing', 'format', 'no-purify']);
    for (const k of Object.keys(opts)) if (!known.has(k)) throw new UsageError(`unknown option --${k}`);
    const missing = opts.missing ?? 'zero';
    if (missing !== 'zero' && missing !== 'listwise') throw new UsageError(`--missing must be zero or listwise, got '${missing}'`);
    const format = opts.format ?? 'json';
    if (format !== 'json' && format !== 'table') throw new UsageError(`--format must be json or table, got '${format}'`);
    const raw = parseResponsesCsv(readText(positional[0], 'responses'), {
      extraColumns: opts.group ? [opts.group] : [],
      omitCodes: opts.omit ? opts.omit.split(',') : [],
    });
    const key = opts.key ? parseAnswerKey(readText(opts.key, 'answer key')) : undefined;
    if (key) {
      const unknown = Object.keys(key).filter((id) => !raw.itemIds.includes(id));
      if (unknown.length) throw new UsageError(`answer key names items not in the responses: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`);
    }
    const report = analyseClassical(raw, {
      key,
      missing,
      group: opts.group,
      reference: opts.reference,
      focal: opts.focal ? opts.focal.split(',') : undefined,
      purify: opts['no-purify'] !== 'true',
    });
    console.log(format === 'table' ? formatTable(report) : JSON.stringify(report, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ResponsesError || e instanceof RangeError) {
      console.error(`assay items: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
