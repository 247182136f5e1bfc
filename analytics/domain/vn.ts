import { readTable } from './files.ts';
import { num } from './tsv.ts';
import { subjectFromCombinationName, type SubjectId } from './subjects.ts';

/**
 * Typed loaders for the Vietnamese tables under ./data/vn. Regulations are cited by number
 * (not copyrightable, Luật SHTT 2005 Điều 15); rows SOURCES.md marks **verify** carry
 * `verified: false` so that the report can show them as unconfirmed.
 */

/** A university-admission subject combination (tổ hợp xét tuyển). */
export interface AdmissionCombination {
  code: string;
  subjects: [string, string, string];
  /** The subjects Assay tracks, or null when one of them is not tracked (composite exam, another language). */
  subjectIds: [SubjectId, SubjectId, SubjectId] | null;
  series: string;
  /** valid_2025, legacy_only (KHTN/KHXH composites), or legacy_name (GDCD → GD KT&PL). */
  status2025: string;
  /** SOURCES.md: **verify** against MOET's official 2025 list. */
  verified: false;
}

let combos: AdmissionCombination[] | undefined;

/** All 281 combination codes transcribed from public codebases. */
export function loadAdmissionCombinations(): AdmissionCombination[] {
  if (combos) return combos;
  combos = readTable('vn/vn_admission_subject_combinations.tsv').map((r) => {
    const subjects: [string, string, string] = [r.subject_1, r.subject_2, r.subject_3];
    const ids = subjects.map(subjectFromCombinationName);
    const valid = ids.every((x) => x !== null) && new Set(ids).size === 3;
    return {
      code: r.code,
      subjects,
      subjectIds: valid ? (ids as [SubjectId, SubjectId, SubjectId]) : null,
      series: r.series,
      status2025: r.status_2025_ct2018.split(':')[0],
      verified: false,
    };
  });
  return combos;
}

/** Share of a field's programmes that list a combination (2017–2019 aggregate, derived statistic). */
export interface FieldCombinationShare {
  fieldCode: string;
  fieldNameVi: string;
  nProgramYears: number;
  nUniversities: number;
  combination: string;
  nProgramsListing: number;
  share: number;
}

/** Aggregates derived from vukihai/crawl-diem-chuan-dai-hoc (2017–2019); field names from TT24/2017 are **verify**. */
export function loadCombinationsByField(): FieldCombinationShare[] {
  return readTable('vn/vn_admission_combinations_by_field_2017_2019.tsv').map((r, i) => {
    const where = `combinations by field row ${i + 2}`;
    return {
      fieldCode: r.field_code,
      fieldNameVi: r.field_name_vi,
      nProgramYears: num(r.n_program_years, where) ?? 0,
      nUniversities: num(r.n_universities, where) ?? 0,
      combination: r.combination,
      nProgramsListing: num(r.n_programs_listing, where) ?? 0,
      share: num(r.share, where) ?? 0,
    };
  });
}

/** One level of the 6-level foreign-language framework (TT01/2014/TT-BGDĐT). */
export interface ForeignLanguageLevel {
  bac: number;
  cefr: string;
  capVi: string;
  capEn: string;
  /** CT2018 exit target attached to this level (**verify**). */
  exitTarget: string | null;
  vstepBand: string | null;
  verified: false;
}

export function loadForeignLanguageFramework(): ForeignLanguageLevel[] {
  return readTable('vn/vn_foreign_language_6_level_framework.tsv').map((r) => ({
    bac: Number(r.bac_level), cefr: r.cefr, capVi: r.cap_vi, capEn: r.cap_en,
    exitTarget: r.ct2018_english_exit_target || null, vstepBand: r.vstep_3_5_overall_band || null, verified: false,
  }));
}

/** One IT-skills module of TT03/2014/TT-BTTTT. IU07–IU15 code numbers are unconfirmed (**verify**). */
export interface ItSkillsModule {
  code: string;
  nameVi: string;
  nameEn: string;
  tier: 'basic' | 'advanced';
  verification: string;
  verified: boolean;
}

export function loadItSkillsModules(): ItSkillsModule[] {
  return readTable('vn/vn_it_skills_standard_tt03_2014.tsv').map((r) => ({
    code: r.module_code, nameVi: r.module_name_vi, nameEn: r.module_name_en,
    tier: r.tier.startsWith('basic') ? 'basic' : 'advanced',
    verification: r.verification,
    // Only the basic names are corroborated by several independent sources.
    verified: false,
  }));
}

/** Grading and graduation rules (TT22/2021, TT24/2024, TT58/2011). Formulas of ĐTBmhk/ĐTBmcn and n_regular_scores are **verify**. */
export interface GradingRule { id: string; regulation: string; vi: string; en: string; formula: string; verified: boolean }

const GRADING_VERIFY = new Set(['n_regular_scores', 'term_average', 'year_average']);
export function loadGradingRules(): GradingRule[] {
  return readTable('vn/vn_grading_and_graduation_rules.tsv').map((r) => ({
    id: r.rule_id, regulation: r.regulation, vi: r.rule_vi, en: r.rule_en, formula: r.formula_or_threshold,
    verified: !GRADING_VERIFY.has(r.rule_id),
  }));
}

/** Upper-secondary subjects of CT2018 (period counts are **verify**). */
export interface CurriculumSubject {
  vi: string; en: string; category: string; periodsPerYear: number | null; assessment: string; in2025Exam: string; note: string; verified: false;
}
export function loadUpperSecondarySubjects(): CurriculumSubject[] {
  return readTable('vn/vn_upper_secondary_subjects_ct2018.tsv').map((r, i) => ({
    vi: r.subject_vi, en: r.subject_en, category: r.category, periodsPerYear: num(r.periods_per_year, `subjects row ${i + 2}`),
    assessment: r.assessment, in2025Exam: r.in_2025_grad_exam, note: r.note, verified: false,
  }));
}

/** 2025 graduation-exam format per subject (**verify**). */
export function loadGraduationExamFormat(): { subjectVi: string; subjectEn: string; status: string; durationMin: number | null; maxScore: number | null; verified: false }[] {
  return readTable('vn/vn_thpt_graduation_exam_2025_format.tsv').map((r, i) => ({
    subjectVi: r.subject_vi, subjectEn: r.subject_en, status: r.status_2025,
    durationMin: num(r.duration_min, `exam format row ${i + 2}`), maxScore: num(r.max_score, `exam format row ${i + 2}`), verified: false,
  }));
}

/** Digital-competence framework components (TT02/2025/TT-BGDĐT, **verify**). */
export function loadDigitalCompetenceComponents(): { domainNo: number; domainVi: string; code: string; nameVi: string; verified: false }[] {
  return readTable('vn/vn_digital_competency_tt02_2025_components.tsv').map((r) => ({
    domainNo: Number(r.domain_no), domainVi: r.domain_name_vi, code: r.component_code, nameVi: r.component_name_vi, verified: false,
  }));
}

/** Digital-competence indicators for TC1/TC2/NC1 (TT02/2025, **verify**). */
export function loadDigitalCompetenceIndicators(): { code: string; component: string; level: string; bac: number; gradeBand: string; descriptionVi: string; source: string; verified: false }[] {
  return readTable('vn/vn_digital_competency_tt02_2025_indicators_tc_nc1.tsv').map((r) => ({
    code: r.indicator_code, component: r.component_code, level: r.level_code, bac: Number(r.bac_level), gradeBand: r.grade_band,
    descriptionVi: r.description_vi, source: r.source_key, verified: false,
  }));
}
