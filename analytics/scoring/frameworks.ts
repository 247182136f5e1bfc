/**
 * National frameworks Assay reports against (facts transcribed in /work/shared/domain/vn/):
 *
 * - The 6-level foreign-language framework (Khung năng lực ngoại ngữ 6 bậc, TT01/2014/TT-BGDĐT):
 *   Bậc 1–6 = CEFR A1–C2. VSTEP.3-5 overall bands (B1 4.0–5.5, B2 6.0–8.0, C1 8.5–10) come from a
 *   public data set's transcript (haina2410/vstep_alpaca), not the decision text: UNVERIFIED.
 * - IT-skills standard modules IU01–IU15 (TT03/2014/TT-BTTTT). IU01–IU06 (basic) are seen in
 *   several public codebases; IU07–IU10 names are corroborated but their code numbers are from
 *   memory; IU11–IU15 are UNVERIFIED (marked "verify against official text" in the source file).
 *
 * Cut scores on θ are exam-specific (set by standard setting on the bank's scale), so they are
 * arguments here, never constants.
 */
import { classify, type Classification, type CutScores } from './classify.ts';

export interface ForeignLanguageLevel {
  bac: number;
  label: string;
  capVi: string;
  capEn: string;
  cefr: 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';
}

export const VN_FOREIGN_LANGUAGE_LEVELS: readonly ForeignLanguageLevel[] = [
  { bac: 1, label: 'Bậc 1', capVi: 'Sơ cấp', capEn: 'Elementary', cefr: 'A1' },
  { bac: 2, label: 'Bậc 2', capVi: 'Sơ cấp', capEn: 'Elementary', cefr: 'A2' },
  { bac: 3, label: 'Bậc 3', capVi: 'Trung cấp', capEn: 'Intermediate', cefr: 'B1' },
  { bac: 4, label: 'Bậc 4', capVi: 'Trung cấp', capEn: 'Intermediate', cefr: 'B2' },
  { bac: 5, label: 'Bậc 5', capVi: 'Cao cấp', capEn: 'Advanced', cefr: 'C1' },
  { bac: 6, label: 'Bậc 6', capVi: 'Cao cấp', capEn: 'Advanced', cefr: 'C2' },
];

/**
 * Classifies θ into Bậc 1–6 given the five θ cut scores between them (Bậc 1|2, 2|3, 3|4, 4|5, 5|6).
 * Includes Rudner's probability that the level is right.
 */
export function classifyForeignLanguageLevel(theta: number, se: number, thetaCuts: readonly number[]): Classification & { level6: ForeignLanguageLevel } {
  if (thetaCuts.length !== 5) throw new RangeError(`the 6-level framework needs 5 cut scores, got ${thetaCuts.length}`);
  const c: CutScores = { cuts: [...thetaCuts], labels: VN_FOREIGN_LANGUAGE_LEVELS.map((l) => `${l.label} (${l.cefr})`) };
  const r = classify(theta, se, c);
  return { ...r, level6: VN_FOREIGN_LANGUAGE_LEVELS[r.level] };
}

/** VSTEP.3-5 level from the 0–10 overall score (UNVERIFIED bands, see the module comment); null below 4.0. */
export function vstepLevel(score10: number): ForeignLanguageLevel | null {
  if (!(score10 >= 0 && score10 <= 10)) throw new RangeError(`VSTEP score must be 0–10, got ${score10}`);
  if (score10 >= 8.5) return VN_FOREIGN_LANGUAGE_LEVELS[4];
  if (score10 >= 6.0) return VN_FOREIGN_LANGUAGE_LEVELS[3];
  if (score10 >= 4.0) return VN_FOREIGN_LANGUAGE_LEVELS[2];
  return null;
}

export interface ItModule {
  code: string;
  nameEn: string;
  tier: 'basic' | 'advanced';
  /** false where the source marks the entry as from memory / to verify. */
  verified: boolean;
}

export const VN_IT_MODULES: readonly ItModule[] = [
  { code: 'IU01', nameEn: 'Basic understanding of IT', tier: 'basic', verified: true },
  { code: 'IU02', nameEn: 'Basic computer use', tier: 'basic', verified: true },
  { code: 'IU03', nameEn: 'Basic word processing', tier: 'basic', verified: true },
  { code: 'IU04', nameEn: 'Basic spreadsheets', tier: 'basic', verified: true },
  { code: 'IU05', nameEn: 'Basic presentations', tier: 'basic', verified: true },
  { code: 'IU06', nameEn: 'Basic Internet use', tier: 'basic', verified: true },
  { code: 'IU07', nameEn: 'Advanced word processing', tier: 'advanced', verified: false },
  { code: 'IU08', nameEn: 'Advanced spreadsheets', tier: 'advanced', verified: false },
  { code: 'IU09', nameEn: 'Advanced presentations', tier: 'advanced', verified: false },
  { code: 'IU10', nameEn: 'Using a database management system', tier: 'advanced', verified: false },
  { code: 'IU11', nameEn: '2-D graphic design', tier: 'advanced', verified: false },
  { code: 'IU12', nameEn: 'Image editing', tier: 'advanced', verified: false },
  { code: 'IU13', nameEn: 'Web page editing', tier: 'advanced', verified: false },
  { code: 'IU14', nameEn: 'Information safety and security', tier: 'advanced', verified: false },
  { code: 'IU15', nameEn: 'Using project-planning software', tier: 'advanced', verified: false },
];

export interface ModuleResult {
  module: string;
  pass: boolean;
  /** Rudner: probability that pass/fail is right. */
  accuracy: number;
  theta: number;
  se: number;
}

/**
 * Pass/fail per IT module: each module has its own θ estimate and cut on its scale.
 * Unknown module codes throw (IU01–IU15 only).
 */
export function itModuleResults(estimates: Record<string, { theta: number; se: number }>, cuts: Record<string, number>): ModuleResult[] {
  const known = new Set(VN_IT_MODULES.map((m) => m.code));
  return Object.entries(estimates).map(([code, e]) => {
    if (!known.has(code)) throw new RangeError(`unknown IT module "${code}" (expected IU01–IU15)`);
    const cut = cuts[code];
    if (cut === undefined) throw new RangeError(`no cut score for module ${code}`);
    const r = classify(e.theta, e.se, { cuts: [cut], labels: ['fail', 'pass'] });
    return { module: code, pass: r.level === 1, accuracy: r.accuracy, theta: e.theta, se: e.se };
  });
}
