/**
 * Exam event settings (the exam_events.settings JSON), validated with zod so an author's
 * mistake is a 400 naming the field.
 */
import { z } from '@hono/zod-openapi';

export const CatDesignSchema = z
  .object({
    /** Item ids of the bank pool (default: every calibrated item of the test). */
    pool: z.array(z.string()).optional(),
    minItems: z.number().int().min(1).optional(),
    maxItems: z.number().int().min(1).optional(),
    seTarget: z.number().positive().optional(),
    /** Passed to analytics/cat's design as is (selection, exposure, blueprint, ...). */
    design: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('CatDesign');

export const EventSettingsSchema = z
  .object({
    /** Candidates wait in `scheduled` until a proctor admits them. */
    requireAdmission: z.boolean().optional(),
    /** What a candidate may see of their own result. */
    showResults: z.enum(['none', 'score', 'full']).optional(),
    language: z.enum(['vi', 'en']).optional(),
    /** Which reporting scale: 6-level/CEFR, IT module pass/fail, 0–10 subject score. */
    examType: z.enum(['language', 'it', 'subject', 'other']).optional(),
    /** IT-skills module (IU01–IU15) for examType 'it'. */
    itModule: z.string().regex(/^IU(0[1-9]|1[0-5])$/).optional(),
    /** Network grace after the deadline, seconds (default 10). */
    graceSeconds: z.number().min(0).max(300).optional(),
    /** Test time limit in minutes when the assessmentTest has no timeLimits. */
    timeLimitMinutes: z.number().positive().max(24 * 60).optional(),
    /** Pass mark on the test's SCORE/MAXSCORE ratio (0–1) for pass/fail reporting. */
    passRatio: z.number().min(0).max(1).optional(),
    /** Five θ cut scores between Bậc 1|2 … 5|6 (language exams, from standard setting). */
    levelCuts: z.array(z.number()).length(5).optional(),
    /** θ cut for pass/fail (IT modules). */
    thetaCut: z.number().optional(),
    /** Linear θ -> reported scale (slope, intercept, min, max, step). */
    scale: z.object({ slope: z.number(), intercept: z.number(), min: z.number().optional(), max: z.number().optional(), step: z.number().positive().optional() }).optional(),
    /** Ability distribution of the calibration (EAP prior), default N(0, 1). */
    population: z.object({ mean: z.number(), sd: z.number().positive() }).optional(),
    cat: CatDesignSchema.optional(),
    /** Item versions fixed at publication: itemRef identifier -> item_versions.id. Set by publish. */
    pinnedItems: z.record(z.string(), z.string()).optional(),
  })
  .openapi('EventSettings');

export type EventSettings = z.infer<typeof EventSettingsSchema>;

/** Settings of an event row (tolerant: unknown keys are kept, wrong ones ignored). */
export function settingsOf(event: { settings: unknown }): EventSettings {
  const raw = (event.settings ?? {}) as Record<string, unknown>;
  const r = EventSettingsSchema.safeParse(raw);
  const s = r.success ? r.data : (raw as EventSettings);
  // Aliases written by the demo seed: durationSeconds, showResult (boolean).
  if (s.timeLimitMinutes == null && typeof raw.durationSeconds === 'number' && raw.durationSeconds > 0) s.timeLimitMinutes = raw.durationSeconds / 60;
  if (s.showResults == null && typeof raw.showResult === 'boolean') s.showResults = raw.showResult ? 'score' : 'none';
  return s;
}
