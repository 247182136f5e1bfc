import { SCORED_SUBJECTS, SUBJECTS, loadForeignLanguageFramework } from '../domain/index.ts';
import type { StudentFeatures } from './features.ts';

/**
 * Strengths and gaps against stated targets: English at bậc 3 (B1) by the end of grade 12
 * (CT2018 exit target, **verify**), every scored subject at least Đạt (5.0, TT22/2021), the six
 * basic IT modules IU01–IU06 (TT03/2014), and digital competence NC1 (bậc 5) for grades 10–12
 * (TT02/2025, **verify**). A missing input is reported as missing, not as a gap.
 */
export interface TargetCheck {
  target: string;
  vi: string;
  en: string;
  status: 'met' | 'gap' | 'missing' | 'strength';
  value: string | null;
  verified: boolean;
}

export function checkTargets(f: StudentFeatures): TargetCheck[] {
  const out: TargetCheck[] = [];
  const b1 = loadForeignLanguageFramework().find((l) => l.bac === 3);
  const fl = f.foreignLanguageBac;
  out.push({
    target: 'english.b1', vi: `Tiếng Anh bậc 3 (${b1?.cefr ?? 'B1'}) cuối lớp 12`, en: `English level 3 (${b1?.cefr ?? 'B1'}) by the end of grade 12`,
    status: fl === null ? 'missing' : fl >= 4 ? 'strength' : fl >= 3 ? 'met' : 'gap', value: fl === null ? null : `bậc ${fl}`, verified: false,
  });
  for (const s of SCORED_SUBJECTS) {
    const sum = f.subjects[s];
    if (!sum || sum.latest === null) continue;
    const status = sum.latest >= 8 ? 'strength' : sum.latest >= 5 ? 'met' : 'gap';
    out.push({ target: `subject.${s}.dat`, vi: `${SUBJECTS[s].vi}: tối thiểu mức Đạt (5,0)`, en: `${SUBJECTS[s].en}: at least Đạt (5.0)`, status, value: sum.latest.toFixed(1), verified: true });
  }
  const it = f.itModulesPassed;
  const basic = it ? it.filter((m) => /^IU0[1-6]$/.test(m)).length : null;
  out.push({
    target: 'it.basic', vi: 'Chuẩn kỹ năng CNTT cơ bản (IU01–IU06)', en: 'Basic IT skills standard (IU01–IU06)',
    status: basic === null ? 'missing' : basic >= 6 ? 'met' : 'gap', value: basic === null ? null : `${basic}/6`, verified: true,
  });
  const dc = f.digitalCompetenceBac;
  out.push({
    target: 'digital.nc1', vi: 'Năng lực số NC1 (bậc 5) cho lớp 10–12', en: 'Digital competence NC1 (level 5) for grades 10–12',
    status: dc === null ? 'missing' : dc >= 6 ? 'strength' : dc >= 5 ? 'met' : 'gap', value: dc === null ? null : `bậc ${dc}`, verified: false,
  });
  return out;
}
