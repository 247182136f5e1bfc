/**
 * Item sessions: template processing (seeded) and response processing, compiled once per item.
 */
import type { AssessmentItem, QtiValue, VariableDeclarationBase } from '../model/types.ts';
import { checkResponse, toJson, QtiResponseError, type Json } from '../values.ts';
import { compileRules, coerceToDecl, TemplateConstraintViolation, type CompiledRule } from './rules.ts';
import { standardTemplateRules } from './templates.ts';
import { mulberry32, type Rng } from './rng.ts';
import { QtiProcessingError, type CompileScope, type Env } from './env.ts';

/** The result of template processing: values and any correct responses/defaults it changed. */
export interface TemplateState {
  values: Record<string, QtiValue>;
  correct: Record<string, QtiValue>;
  defaults: Record<string, QtiValue>;
}

/** JSON form of a template state, as `assay score --template` takes it. */
export interface TemplateJson {
  values?: Record<string, Json>;
  correctResponses?: Record<string, Json>;
  defaults?: Record<string, Json>;
}

export interface ScoreOptions {
  /** Seed for template processing and random operators. */
  seed?: number | string;
  /** Forces the result of template processing (overrides seed). */
  template?: TemplateJson | TemplateState;
  /** Response-processing RNG; defaults to one derived from the seed. */
  rng?: Rng;
  /** Template variable defaults from the test's assessmentItemRef templateDefault (JSON form). */
  templateDefaults?: Record<string, Json>;
}

export interface ScoreResult {
  outcomes: Record<string, Json>;
  templateValues: Record<string, Json>;
  /** The responses as processed (after checking), JSON form. */
  responses: Record<string, Json>;
}

const NUM_ATTEMPTS_1: QtiValue = { cardinality: 'single', baseType: 'integer', value: 1 };
const DURATION_0: QtiValue = { cardinality: 'single', baseType: 'duration', value: 0 };

/** An RNG created on first use: most response processing never draws a random number. */
function lazyRng(seed: number | string): Rng {
  let r: Rng | undefined;
  return () => (r ??= mulberry32(`${seed}:rp`))();
}

/** Templates give up after this many attempts and fall back to defaults (QTI: "a reasonable number"). */
const MAX_TEMPLATE_ATTEMPTS = 100;

function isNumericSingle(d: VariableDeclarationBase): boolean {
  return d.cardinality === 'single' && (d.baseType === 'integer' || d.baseType === 'float');
}

/** A compiled, reusable scorer for one item. Build it once; call score() many times. */
export class ItemScorer {
  readonly item: AssessmentItem;
  private readonly responseRules?: CompiledRule;
  private readonly templateRules?: CompiledRule;
  private readonly responseDecls = new Map<string, VariableDeclarationBase>();
  private readonly responseIds: string[] = [];
  private readonly initialOutcomes: [string, QtiValue][] = [];
  private readonly baseDefaults: Record<string, QtiValue> = {};
  private readonly baseCorrect: Record<string, QtiValue> = {};

  constructor(item: AssessmentItem) {
    this.item = item;
    const scope: CompileScope = { level: 'item', decls: new Map(), item };
    for (const d of item.responseDeclarations) {
      scope.decls.set(d.identifier, d);
      this.responseDecls.set(d.identifier, d);
      this.responseIds.push(d.identifier);
      this.baseCorrect[d.identifier] = d.correctResponse ?? null;
      this.baseDefaults[d.identifier] = d.defaultValue ?? null;
    }
    for (const d of item.outcomeDeclarations) {
      scope.decls.set(d.identifier, d);
      this.baseDefaults[d.identifier] = d.defaultValue ?? null;
      // no default: numeric single outcomes start at 0, others at NULL
      const init = d.defaultValue ?? (isNumericSingle(d) ? { cardinality: 'single' as const, baseType: d.baseType!, value: 0 } : null);
      this.initialOutcomes.push([d.identifier, init]);
    }
    for (const d of item.templateDeclarations) {
      scope.decls.set(d.identifier, d);
      this.baseDefaults[d.identifier] = d.defaultValue ?? null;
    }
    const rp = item.responseProcessing;
    if (rp) {
      const rules = rp.rules.length ? rp.rules : rp.standardTemplate ? standardTemplateRules(rp.standardTemplate) : [];
      if (!rp.rules.length && !rp.standardTemplate && (rp.template || rp.templateLocation)) {
        throw new QtiProcessingError('rp.template', `unsupported response-processing template '${rp.template ?? rp.templateLocation}'`);
      }
      if (rp.standardTemplate && !rp.rules.length) {
        for (const id of ['RESPONSE', 'SCORE']) {
          if (!scope.decls.has(id)) throw new QtiProcessingError('rp.template', `template ${rp.standardTemplate} needs a variable '${id}', which the item does not declare`);
        }
      }
      this.responseRules = compileRules(rules, scope);
    }
    if (item.templateProcessing) this.templateRules = compileRules(item.templateProcessing.rules, scope);
  }

  /** Runs template processing with a seeded RNG; the same seed always gives the same values. */
  runTemplate(seed: number | string = 0, templateDefaults?: Record<string, Json>): TemplateState {
    // templateDefault (test level) replaces a template variable's declared default
    const overrides: Record<string, QtiValue> = {};
    const tdecls = new Map(this.item.templateDeclarations.map((d) => [d.identifier, d]));
    for (const [k, v] of Object.entries(templateDefaults ?? {})) overrides[k] = checkResponse(tdecls.get(k), v, k);
    const state = (): TemplateState => {
      const values: Record<string, QtiValue> = {};
      for (const d of this.item.templateDeclarations) values[d.identifier] = d.identifier in overrides ? overrides[d.identifier] : (d.defaultValue ?? null);
      return { values, correct: { ...this.baseCorrect }, defaults: { ...this.baseDefaults } };
    };
    if (!this.templateRules) return state();
    const rng = mulberry32(seed);
    for (let attempt = 0; attempt < MAX_TEMPLATE_ATTEMPTS; attempt++) {
      const s = state();
      const env: Env = { vals: s.values, correct: s.correct, defaults: s.defaults, rng };
      try {
        this.templateRules(env);
      } catch (e) {
        if (e instanceof TemplateConstraintViolation) continue;
        throw e;
      }
      for (const d of this.item.templateDeclarations) s.values[d.identifier] = env.vals[d.identifier] ?? null;
      return s;
    }
    // constraint never met: spec says use the default values
    return state();
  }

  /** Converts a JSON template state (from `--template`) to values, checking each against its declaration. */
  templateFromJson(t: TemplateJson): TemplateState {
    const s = this.runTemplateDefaults();
    const tdecls = new Map(this.item.templateDeclarations.map((d) => [d.identifier, d]));
    for (const [k, v] of Object.entries(t.values ?? {})) s.values[k] = checkResponse(tdecls.get(k), v, k);
    for (const [k, v] of Object.entries(t.correctResponses ?? {})) s.correct[k] = checkResponse(this.responseDecls.get(k), v, k);
    for (const [k, v] of Object.entries(t.defaults ?? {})) {
      const d = this.responseDecls.get(k) ?? tdecls.get(k) ?? this.item.outcomeDeclarations.find((o) => o.identifier === k);
      s.defaults[k] = checkResponse(d, v, k);
    }
    return s;
  }

  private runTemplateDefaults(): TemplateState {
    const values: Record<string, QtiValue> = {};
    for (const d of this.item.templateDeclarations) values[d.identifier] = d.defaultValue ?? null;
    return { values, correct: { ...this.baseCorrect }, defaults: { ...this.baseDefaults } };
  }

  /** Checks and converts JSON responses; throws QtiResponseError for any that does not fit. */
  checkResponses(responses: Record<string, Json>): Record<string, QtiValue> {
    const out: Record<string, QtiValue> = {};
    if (responses === null || typeof responses !== 'object' || Array.isArray(responses)) {
      throw new QtiResponseError('bad_value', '', 'responses must be a JSON object of response identifier -> value');
    }
    for (const k of Object.keys(responses)) {
      const d = this.responseDecls.get(k);
      let v = checkResponse(d, responses[k], k);
      // an empty string answer is no answer (NULL)
      if (v && v.cardinality === 'single' && v.value === '') v = null;
      out[k] = v;
    }
    return out;
  }

  /**
   * Scores one attempt: responses (JSON form) -> every outcome variable (JSON form).
   * Throws QtiResponseError when a response does not fit its declaration.
   */
  score(responses: Record<string, Json>, opts: ScoreOptions = {}): ScoreResult {
    const checked = this.checkResponses(responses);
    const t = opts.template
      ? 'correct' in opts.template && 'defaults' in opts.template && !('correctResponses' in opts.template)
        ? (opts.template as TemplateState)
        : this.templateFromJson(opts.template as TemplateJson)
      : this.templateRules
        ? this.runTemplate(opts.seed ?? 0, opts.templateDefaults)
        : null;
    const vals: Record<string, QtiValue> = t ? { ...t.values } : {};
    const defaults = t ? t.defaults : this.baseDefaults;
    for (const id of this.responseIds) {
      const v = checked[id];
      vals[id] = v !== undefined ? v : (defaults[id] ?? null);
    }
    if (vals.numAttempts === undefined) vals.numAttempts = NUM_ATTEMPTS_1;
    if (vals.duration === undefined) vals.duration = DURATION_0;
    for (const [id, init] of this.initialOutcomes) vals[id] = t && t.defaults[id] !== undefined && t.defaults[id] !== this.baseDefaults[id] ? t.defaults[id] : init;
    if (this.responseRules) {
      const env: Env = {
        vals,
        correct: t ? t.correct : this.baseCorrect,
        defaults,
        rng: opts.rng ?? lazyRng(opts.seed ?? 0),
      };
      this.responseRules(env);
    }
    const outcomes: Record<string, Json> = {};
    for (const [id] of this.initialOutcomes) outcomes[id] = toJson(vals[id] ?? null);
    const templateValues: Record<string, Json> = {};
    if (t) for (const k in t.values) templateValues[k] = toJson(t.values[k]);
    const ids = this.responseIds;
    let resp: Record<string, Json> | undefined;
    // the processed responses are rarely read: built on first access
    return {
      outcomes,
      templateValues,
      get responses() {
        if (!resp) {
          resp = {};
          for (const id of ids) resp[id] = toJson(vals[id] ?? null);
        }
        return resp;
      },
    };
  }
}

/** Compiles an item for repeated scoring. Throws QtiProcessingError if the item uses something unsupported. */
export function createItemScorer(item: AssessmentItem): ItemScorer {
  return new ItemScorer(item);
}

/** Template processing alone: the values a candidate with this seed gets. */
export function runTemplateProcessing(item: AssessmentItem, seed: number | string = 0, templateDefaults?: Record<string, Json>): TemplateState {
  return new ItemScorer(item).runTemplate(seed, templateDefaults);
}

/** Scores one attempt at an item (compiles it each call: use createItemScorer for many). */
export function scoreItem(item: AssessmentItem, responses: Record<string, Json>, opts: ScoreOptions = {}): ScoreResult {
  return new ItemScorer(item).score(responses, opts);
}

export { coerceToDecl };
