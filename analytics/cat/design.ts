/**
 * Reading a CAT design from JSON (the `--design` file of `assay cat simulate`, or a test
 * definition's CAT section): a zod schema, so a bad field is reported with its path.
 */
import { z } from 'zod';
import { CatError } from './bank.ts';
import type { CatDesign } from './types.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const count = z.number().int().min(1);
const proportion = finite.refine((x) => x >= 0 && x <= 1, 'must be within [0, 1]');

const cutsSchema = z.array(finite).min(1).refine((c) => c.every((x, i) => i === 0 || x > c[i - 1]), 'cuts must be strictly increasing');

export const catDesignSchema = z
  .object({
    selection: z.object({ method: z.enum(['mfi', 'kl', 'astrat', 'random']).optional(), strata: count.optional(), klZ: positive.optional() }).strict().optional(),
    exposure: z
      .object({
        method: z.enum(['none', 'randomesque', 'sympson-hetter']).optional(),
        randomesque: z.number().int().min(1).max(16).optional(),
        parameters: z.record(z.string(), proportion.refine((x) => x > 0, 'must be > 0')).optional(),
      })
      .strict()
      .optional(),
    content: z.object({ blueprint: z.record(z.string(), proportion) }).strict().optional(),
    enemies: z.array(z.array(z.string()).min(2)).optional(),
    start: z
      .object({
        method: z.enum(['fixed', 'random', 'prior']).optional(),
        theta: finite.optional(),
        range: z.tuple([finite, finite]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high]').optional(),
      })
      .strict()
      .optional(),
    estimator: z.object({ method: z.enum(['eap', 'map', 'mle', 'wle']).optional(), prior: z.object({ mean: finite, sd: positive }).strict().optional() }).strict().optional(),
    stop: z
      .object({
        seTarget: positive.optional(),
        minItems: count.optional(),
        maxItems: count.optional(),
        sprt: z
          .object({ cuts: cutsSchema, delta: positive.optional(), alpha: proportion.optional(), beta: proportion.optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((s) => s.minItems === undefined || s.maxItems === undefined || s.minItems <= s.maxItems, 'minItems must not exceed maxItems')
      .optional(),
    classification: z
      .object({ cuts: cutsSchema, labels: z.array(z.string()).optional() })
      .strict()
      .refine((c) => !c.labels || c.labels.length === c.cuts.length + 1, 'labels must number one more than cuts')
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    // a-stratified stages are fractions of the test length, so the length must be known.
    if (d.selection?.method === 'astrat' && d.stop?.maxItems === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stop', 'maxItems'], message: 'a-stratified selection needs stop.maxItems (stages are fractions of the test length)' });
    }
  });

/** Validates a design (JSON text or object). Throws CatError listing each bad field by path. */
export function parseCatDesign(input: string | unknown): CatDesign {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new CatError(`design: not valid JSON (${(e as Error).message})`);
    }
  }
  const r = catDesignSchema.safeParse(doc);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `design.${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CatError(problems.join('; '));
  }
  return r.data as CatDesign;
}
