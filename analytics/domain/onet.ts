import { readTable } from './files.ts';
import { num } from './tsv.ts';

/**
 * Typed loaders for the O*NET 29.3 tables copied under ./data/onet (CC BY 4.0, USDOL/ETA;
 * modified: subset, reshaped and aggregated — see NOTICE.md). Results are cached per process.
 */

/** Holland's six interest types in O*NET's order. */
export const RIASEC = ['R', 'I', 'A', 'S', 'E', 'C'] as const;
export type RiasecLetter = (typeof RIASEC)[number];
/** Six numbers in RIASEC order. */
export type RiasecProfile = [number, number, number, number, number, number];

export const RIASEC_NAMES: Record<RiasecLetter, { en: string; vi: string }> = {
  R: { en: 'Realistic', vi: 'Kỹ thuật (Realistic)' },
  I: { en: 'Investigative', vi: 'Nghiên cứu (Investigative)' },
  A: { en: 'Artistic', vi: 'Nghệ thuật (Artistic)' },
  S: { en: 'Social', vi: 'Xã hội (Social)' },
  E: { en: 'Enterprising', vi: 'Quản lý (Enterprising)' },
  C: { en: 'Conventional', vi: 'Nghiệp vụ (Conventional)' },
};

/** The 33 O*NET knowledge areas, named as in the pivoted table's IM_/LV_ columns. */
export const KNOWLEDGE_AREAS = [
  'Administration_Management', 'Administrative', 'Economics_Accounting', 'Sales_Marketing',
  'Customer_Personal_Service', 'Personnel_Human_Resources', 'Production_Processing', 'Food_Production',
  'Computers_Electronics', 'Engineering_Technology', 'Design', 'Building_Construction', 'Mechanical',
  'Mathematics', 'Physics', 'Chemistry', 'Biology', 'Psychology', 'Sociology_Anthropology', 'Geography',
  'Medicine_Dentistry', 'Therapy_Counseling', 'Education_Training', 'English_Language', 'Foreign_Language',
  'Fine_Arts', 'History_Archeology', 'Philosophy_Theology', 'Public_Safety_Security', 'Law_Government',
  'Telecommunications', 'Communications_Media', 'Transportation',
] as const;
export type KnowledgeArea = (typeof KNOWLEDGE_AREAS)[number];

/** One O*NET-SOC occupation joined across the tables; null where a table has no row for it. */
export interface Occupation {
  code: string;
  title: string;
  description: string;
  /** Occupational-interest (OI) scores 1–7, RIASEC order. */
  riasec: RiasecProfile | null;
  hollandCode: string | null;
  /** Job Zone 1–5 (preparation needed). */
  jobZone: number | null;
  /** Knowledge importance (IM, 1–5) by area. */
  knowledgeImportance: Record<KnowledgeArea, number> | null;
  /** Knowledge level (LV, 0–7) by area. */
  knowledgeLevel: Record<KnowledgeArea, number> | null;
  /** Career clusters (classic 16, Advance CTE) the occupation appears in. */
  clusters: string[];
  pathways: string[];
}

let occupations: Occupation[] | undefined;

/** All 1,016 occupations of O*NET 29.3 with interests, job zone, knowledge and clusters joined. */
export function loadOccupations(): Occupation[] {
  if (occupations) return occupations;
  const interests = new Map(readTable('onet/onet_29_3_interests_riasec.tsv').map((r) => [r.onet_soc_code, r]));
  const zones = new Map(readTable('onet/onet_29_3_job_zones.tsv').map((r) => [r.onet_soc_code, r]));
  const knowledge = new Map(readTable('onet/onet_29_3_knowledge_importance_level.tsv').map((r) => [r.onet_soc_code, r]));
  const clusters = new Map<string, { clusters: Set<string>; pathways: Set<string> }>();
  for (const r of readTable('onet/onet_online_career_clusters_16.csv')) {
    const entry = clusters.get(r.Code) ?? { clusters: new Set(), pathways: new Set() };
    r['Career Cluster'].split(';').map((s) => s.trim()).filter(Boolean).forEach((c) => entry.clusters.add(c));
    r['Career Pathway'].split(';').map((s) => s.trim()).filter(Boolean).forEach((p) => entry.pathways.add(p));
    clusters.set(r.Code, entry);
  }
  occupations = readTable('onet/onet_29_3_occupation_data.tsv').map((r) => {
    const code = r.onet_soc_code;
    const i = interests.get(code);
    const z = zones.get(code);
    const k = knowledge.get(code);
    const where = `onet occupation ${code}`;
    const profile = i ? (RIASEC.map((l) => num(i[l], where) ?? 0) as RiasecProfile) : null;
    const importance = k ? (Object.fromEntries(KNOWLEDGE_AREAS.map((a) => [a, num(k[`IM_${a}`], where) ?? 0])) as Record<KnowledgeArea, number>) : null;
    const level = k ? (Object.fromEntries(KNOWLEDGE_AREAS.map((a) => [a, num(k[`LV_${a}`], where) ?? 0])) as Record<KnowledgeArea, number>) : null;
    const c = clusters.get(code);
    return {
      code,
      title: r.title,
      description: r.description,
      riasec: profile,
      hollandCode: i ? i.holland_code || null : null,
      jobZone: z ? num(z.job_zone, where) : null,
      knowledgeImportance: importance,
      knowledgeLevel: level,
      clusters: c ? [...c.clusters] : [],
      pathways: c ? [...c.pathways] : [],
    };
  });
  return occupations;
}

/** Derived profile of one career cluster (unweighted means over its occupations). */
export interface ClusterProfile {
  name: string;
  nOccupations: number;
  nWithInterestData: number;
  riasec: RiasecProfile;
  meanJobZone: number;
  /** Mean knowledge importance (1–5) for the 20 areas that match school subjects. */
  knowledgeImportance: Partial<Record<KnowledgeArea, number>>;
}

let clusterProfiles: ClusterProfile[] | undefined;

/**
 * The 16 career clusters (classic National Career Clusters® Framework, Advance CTE, via O*NET
 * OnLine) with derived profiles. **verify**: the 2024 modernised framework has different
 * clusters; which one counsellors want is not settled (see SOURCES.md).
 */
export function loadClusterProfiles(): ClusterProfile[] {
  if (clusterProfiles) return clusterProfiles;
  clusterProfiles = readTable('onet/onet_career_cluster_profiles_derived.tsv').map((r) => {
    const where = `cluster profile ${r.career_cluster}`;
    const knowledgeImportance: Partial<Record<KnowledgeArea, number>> = {};
    for (const [col, v] of Object.entries(r)) {
      if (col.startsWith('mean_IM_')) knowledgeImportance[col.slice(8) as KnowledgeArea] = num(v, where) ?? 0;
    }
    return {
      name: r.career_cluster,
      nOccupations: num(r.n_occupations, where) ?? 0,
      nWithInterestData: num(r.n_with_interest_data, where) ?? 0,
      riasec: RIASEC.map((l) => num(r[`mean_OI_${l}`], where) ?? 0) as RiasecProfile,
      meanJobZone: num(r.mean_job_zone, where) ?? 0,
      knowledgeImportance,
    };
  });
  return clusterProfiles;
}

/** Names of the 16 clusters, in the fixed order the model's cluster head uses. */
export function careerClusterNames(): string[] {
  return loadClusterProfiles().map((c) => c.name);
}

/** Whether the career-cluster framework is confirmed for use (it is not: SOURCES.md **verify**). */
export const CLUSTER_FRAMEWORK_VERIFIED = false;

/** One item of the O*NET Interest Profiler Short Form (60 items). */
export interface InterestProfilerItem {
  index: number;
  riasec: RiasecLetter;
  text: string;
  /** Newer O*NET wording for items 23 and 43. */
  laterWording: string | null;
}

/** The 60 Interest Profiler items in official order (item text © USDOL/ETA; career exploration only, never selection). */
let ipItems: InterestProfilerItem[] | undefined;
export function loadInterestProfilerItems(): InterestProfilerItem[] {
  return (ipItems ??= readTable('onet/onet_interest_profiler_short_form_60_items.tsv').map((r) => ({
    index: Number(r.item_index),
    riasec: r.riasec as RiasecLetter,
    text: r.text,
    laterWording: r.later_wording_variant || null,
  })));
}

/** Job Zone definitions 1–5. */
export function loadJobZones(): { zone: number; name: string; education: string; experience: string }[] {
  return readTable('onet/onet_29_3_job_zone_reference.tsv').map((r) => ({
    zone: Number(r['Job Zone']), name: r.Name, education: r.Education, experience: r.Experience,
  }));
}
