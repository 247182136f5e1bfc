import { loadCombinationsByField } from './vn.ts';

/**
 * Fields of study: the 3-digit "lĩnh vực" groups of the MOET major codes (TT24/2017), which the
 * career model's field head predicts. Codes and Vietnamese names come from the derived
 * combinations-by-field table (names **verify**); the English names and the cluster affinities
 * below are Assay's own adaptation — an assumption written down for the synthetic generator and
 * the similarity baseline, to be reviewed by counsellors, not O*NET or MOET data.
 */
export interface FieldOfStudy {
  code: string;
  vi: string;
  en: string;
  /** Programme-years in the 2017–2019 admission tables (size prior). */
  nProgramYears: number;
  /** Combination code → share of the field's programmes that list it (≥ 0.05). */
  combinationShares: Record<string, number>;
  /** Career cluster → affinity weight (sums to 1); Assay assumption. */
  clusterAffinity: Record<string, number>;
  verified: false;
}

const AG = 'Agriculture, Food & Natural Resources';
const AC = 'Architecture & Construction';
const ARTS = 'Arts, Audio/Video Technology & Communications';
const BUS = 'Business Management & Administration';
const EDU = 'Education & Training';
const FIN = 'Finance';
const GOV = 'Government & Public Administration';
const HEALTH = 'Health Science';
const HOSP = 'Hospitality & Tourism';
const HUM = 'Human Services';
const IT = 'Information Technology';
const LAW = 'Law, Public Safety, Corrections & Security';
const MFG = 'Manufacturing';
const MKT = 'Marketing';
const STEM = 'Science, Technology, Engineering & Mathematics';
const TDL = 'Transportation, Distribution & Logistics';

/** English names and cluster affinities (weights before normalisation). */
const ADAPTATION: Record<string, { en: string; clusters: Record<string, number> }> = {
  '714': { en: 'Education and teacher training', clusters: { [EDU]: 1 } },
  '721': { en: 'Arts', clusters: { [ARTS]: 1 } },
  '722': { en: 'Humanities', clusters: { [ARTS]: 0.4, [EDU]: 0.3, [GOV]: 0.15, [HOSP]: 0.15 } },
  '731': { en: 'Social and behavioural sciences (incl. economics)', clusters: { [FIN]: 0.3, [GOV]: 0.3, [HUM]: 0.2, [BUS]: 0.2 } },
  '732': { en: 'Journalism and information', clusters: { [ARTS]: 0.7, [MKT]: 0.3 } },
  '734': { en: 'Business and management', clusters: { [BUS]: 0.45, [FIN]: 0.25, [MKT]: 0.3 } },
  '738': { en: 'Law', clusters: { [LAW]: 0.6, [GOV]: 0.4 } },
  '742': { en: 'Life sciences', clusters: { [STEM]: 0.5, [HEALTH]: 0.25, [AG]: 0.25 } },
  '744': { en: 'Natural sciences', clusters: { [STEM]: 1 } },
  '746': { en: 'Mathematics and statistics', clusters: { [STEM]: 0.7, [FIN]: 0.3 } },
  '748': { en: 'Computing and information technology', clusters: { [IT]: 1 } },
  '751': { en: 'Engineering technology', clusters: { [MFG]: 0.45, [AC]: 0.2, [TDL]: 0.15, [IT]: 0.2 } },
  '752': { en: 'Engineering', clusters: { [STEM]: 0.5, [MFG]: 0.3, [AC]: 0.2 } },
  '754': { en: 'Production and processing', clusters: { [MFG]: 0.6, [AG]: 0.4 } },
  '758': { en: 'Architecture and construction', clusters: { [AC]: 1 } },
  '762': { en: 'Agriculture, forestry and fisheries', clusters: { [AG]: 1 } },
  '764': { en: 'Veterinary medicine', clusters: { [AG]: 0.6, [HEALTH]: 0.4 } },
  '772': { en: 'Health', clusters: { [HEALTH]: 1 } },
  '776': { en: 'Social services', clusters: { [HUM]: 1 } },
  '781': { en: 'Tourism, hotels, sports and personal services', clusters: { [HOSP]: 0.7, [HUM]: 0.3 } },
  '784': { en: 'Transport services', clusters: { [TDL]: 1 } },
  '785': { en: 'Environment and environmental protection', clusters: { [AG]: 0.6, [STEM]: 0.4 } },
  '786': { en: 'Security and defence', clusters: { [LAW]: 1 } },
};

let fields: FieldOfStudy[] | undefined;

/** The 23 field groups, in the fixed order the model's field head uses (ascending code). */
export function loadFieldsOfStudy(): FieldOfStudy[] {
  if (fields) return fields;
  const byCode = new Map<string, FieldOfStudy>();
  for (const r of loadCombinationsByField()) {
    let f = byCode.get(r.fieldCode);
    if (!f) {
      const a = ADAPTATION[r.fieldCode];
      if (!a) throw new Error(`field ${r.fieldCode} (${r.fieldNameVi}) has no cluster affinity in analytics/domain/fields.ts`);
      const total = Object.values(a.clusters).reduce((s, v) => s + v, 0);
      f = {
        code: r.fieldCode, vi: r.fieldNameVi, en: a.en, nProgramYears: r.nProgramYears, combinationShares: {},
        clusterAffinity: Object.fromEntries(Object.entries(a.clusters).map(([k, v]) => [k, v / total])), verified: false,
      };
      byCode.set(r.fieldCode, f);
    }
    f.combinationShares[r.combination] = r.share;
  }
  fields = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  return fields;
}
