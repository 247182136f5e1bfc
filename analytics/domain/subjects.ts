import type { KnowledgeArea } from './onet.ts';

/**
 * Assay's catalogue of upper-secondary subjects (Chương trình GDPT 2018, TT32/2018 amended by
 * TT13/2022) with stable ids, plus the O*NET knowledge areas each subject prepares for. The
 * subject ↔ knowledge mapping is Assay's own Vietnamese adaptation (an assumption, not O*NET's),
 * e.g. O*NET "English Language" means the native language and so maps to Ngữ văn.
 */
export const SUBJECT_IDS = [
  'math', 'literature', 'english', 'history',
  'geography', 'econlaw', 'physics', 'chemistry', 'biology', 'technology', 'informatics', 'music', 'art',
] as const;
export type SubjectId = (typeof SUBJECT_IDS)[number];

export interface Subject {
  id: SubjectId;
  vi: string;
  en: string;
  compulsory: boolean;
  /** Scored 0–10 (true) or comment-only Đạt/Chưa đạt (false), TT22/2021. */
  scored: boolean;
  /** O*NET knowledge areas this subject prepares for (adaptation). */
  knowledge: KnowledgeArea[];
  /** Names used in the admission-combination table for this subject. */
  combinationNames: string[];
}

export const SUBJECTS: Record<SubjectId, Subject> = {
  math: { id: 'math', vi: 'Toán', en: 'Mathematics', compulsory: true, scored: true, knowledge: ['Mathematics'], combinationNames: ['Toán'] },
  literature: { id: 'literature', vi: 'Ngữ văn', en: 'Literature', compulsory: true, scored: true, knowledge: ['English_Language', 'Communications_Media'], combinationNames: ['Ngữ văn'] },
  english: { id: 'english', vi: 'Tiếng Anh', en: 'English', compulsory: true, scored: true, knowledge: ['Foreign_Language'], combinationNames: ['Tiếng Anh'] },
  history: { id: 'history', vi: 'Lịch sử', en: 'History', compulsory: true, scored: true, knowledge: ['History_Archeology', 'Philosophy_Theology'], combinationNames: ['Lịch sử'] },
  geography: { id: 'geography', vi: 'Địa lí', en: 'Geography', compulsory: false, scored: true, knowledge: ['Geography'], combinationNames: ['Địa lí'] },
  econlaw: { id: 'econlaw', vi: 'Giáo dục kinh tế và pháp luật', en: 'Economic & legal education', compulsory: false, scored: true, knowledge: ['Economics_Accounting', 'Law_Government'], combinationNames: ['Giáo dục kinh tế và pháp luật', 'Giáo dục công dân'] },
  physics: { id: 'physics', vi: 'Vật lí', en: 'Physics', compulsory: false, scored: true, knowledge: ['Physics'], combinationNames: ['Vật lí'] },
  chemistry: { id: 'chemistry', vi: 'Hóa học', en: 'Chemistry', compulsory: false, scored: true, knowledge: ['Chemistry'], combinationNames: ['Hóa học'] },
  biology: { id: 'biology', vi: 'Sinh học', en: 'Biology', compulsory: false, scored: true, knowledge: ['Biology', 'Medicine_Dentistry'], combinationNames: ['Sinh học'] },
  technology: { id: 'technology', vi: 'Công nghệ', en: 'Technology', compulsory: false, scored: true, knowledge: ['Engineering_Technology', 'Mechanical', 'Food_Production'], combinationNames: ['Công nghệ công nghiệp', 'Công nghệ nông nghiệp'] },
  informatics: { id: 'informatics', vi: 'Tin học', en: 'Informatics', compulsory: false, scored: true, knowledge: ['Computers_Electronics'], combinationNames: ['Tin học'] },
  music: { id: 'music', vi: 'Âm nhạc', en: 'Music', compulsory: false, scored: false, knowledge: ['Fine_Arts'], combinationNames: [] },
  art: { id: 'art', vi: 'Mĩ thuật', en: 'Fine arts', compulsory: false, scored: false, knowledge: ['Fine_Arts', 'Design'], combinationNames: [] },
};

/** Subjects scored 0–10 (the ones with results, trends and IRT abilities). */
export const SCORED_SUBJECTS: SubjectId[] = SUBJECT_IDS.filter((s) => SUBJECTS[s].scored);
/** The nine electives of CT2018, of which a student chooses four. */
export const ELECTIVES: SubjectId[] = SUBJECT_IDS.filter((s) => !SUBJECTS[s].compulsory);

/** Subject id for a name used in the admission tables, or null for subjects Assay does not track (composites, other languages). */
export function subjectFromCombinationName(name: string): SubjectId | null {
  for (const s of SUBJECT_IDS) if (SUBJECTS[s].combinationNames.includes(name)) return s;
  return null;
}
