/**
 * One call for the whole classical analysis of a responses table: item and test statistics,
 * distractors for keyed items, Mantel–Haenszel DIF for a grouping variable, and flags.
 */
import { analyseDistractors, type DistractorAnalysis } from './distractors.ts';
import { mantelHaenszelDif, type DifItemResult } from './dif.ts';
import { DEFAULT_THRESHOLDS, flagItem, type FlagThresholds, type ItemFlag } from './flags.ts';
import { analyseItems, denseScores, type ItemStatistics, type MissingPolicy, type TestStatistics } from './item-analysis.ts';
import { scoreResponses, type AnswerKey, type RawResponses } from './responses.ts';

export interface ClassicalOptions {
  key?: AnswerKey;
  missing?: MissingPolicy;
  /** Grouping column name (must be among `raw.extra`) for DIF. */
  group?: string;
  reference?: string;
  focal?: string[];
  /** Two-stage MH: re-match without the items flagged B or C in the first stage (default true). */
  purify?: boolean;
  thresholds?: Partial<FlagThresholds>;
}

export interface ClassicalItemReport extends ItemStatistics {
  options?: DistractorAnalysis['options'];
  key?: string[];
  dif?: DifItemResult[];
  flags: ItemFlag[];
}

export interface ClassicalReport {
  test: TestStatistics;
  thresholds: FlagThresholds;
  group?: { column: string; reference: string; focal: string[]; excludedFromMatching: Record<string, string[]> };
  items: ClassicalItemReport[];
}

/** Classical analysis of a raw responses table (option codes scored with `key`, or integer scores). */
export function analyseClassical(raw: RawResponses, opts: ClassicalOptions = {}): ClassicalReport {
  const key = opts.key ?? {};
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const scored = scoreResponses(raw, key);
  const ia = analyseItems(scored, { missing: opts.missing });
  const { columns } = denseScores(scored, ia.test.missing);
  const distractors = Object.keys(key).length ? analyseDistractors(raw, key, ia.personIndex, ia.totals, columns) : [];
  let dif: DifItemResult[] = [];
  let group: ClassicalReport['group'];
  if (opts.group) {
    const col = raw.extra[opts.group];
    if (!col) throw new RangeError(`grouping column '${opts.group}' was not read from the responses`);
    const groups = ia.personIndex.map((p) => col[p]);
    const analysis = mantelHaenszelDif(scored.itemIds, columns, scored.maxScores, ia.totals, groups, { reference: opts.reference, focal: opts.focal, purify: opts.purify });
    dif = analysis.results;
    const reference = dif[0]?.reference ?? opts.reference ?? '';
    group = { column: opts.group, reference, focal: [...new Set(dif.map((d) => d.focal))], excludedFromMatching: analysis.excludedFromMatching };
  }
  const items = ia.items.map((s): ClassicalItemReport => {
    const d = distractors.find((x) => x.id === s.id);
    const di = dif.filter((x) => x.id === s.id);
    const r: ClassicalItemReport = { ...s, flags: flagItem(s, ia.test.alpha, d, di, thresholds) };
    if (d) {
      r.key = d.key;
      r.options = d.options;
    }
    if (opts.group) r.dif = di;
    return r;
  });
  return { test: ia.test, thresholds, ...(group ? { group } : {}), items };
}
