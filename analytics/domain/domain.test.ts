import { describe, expect, it } from 'vitest';
import {
  loadOccupations, loadClusterProfiles, loadInterestProfilerItems, loadAdmissionCombinations, loadFieldsOfStudy,
  loadForeignLanguageFramework, loadItSkillsModules, loadGradingRules, parseCsv, careerClusterNames, SUBJECTS,
} from './index.ts';

describe('domain loaders', () => {
  it('joins O*NET occupations with interests, job zones, knowledge and clusters', () => {
    const occ = loadOccupations();
    expect(occ.length).toBe(1016);
    const ceo = occ.find((o) => o.code === '11-1011.00')!;
    expect(ceo.riasec![4]).toBeCloseTo(6.88);
    expect(ceo.jobZone).toBe(5);
    expect(ceo.knowledgeImportance!.Administration_Management).toBeCloseTo(4.78);
    expect(ceo.clusters.length).toBeGreaterThan(0);
    expect(occ.filter((o) => o.riasec).length).toBe(923);
  });
  it('has 16 clusters, 60 interest items (10 per type), 23 fields with affinities', () => {
    expect(loadClusterProfiles()).toHaveLength(16);
    const items = loadInterestProfilerItems();
    expect(items).toHaveLength(60);
    for (const l of 'RIASEC') expect(items.filter((i) => i.riasec === l)).toHaveLength(10);
    const fields = loadFieldsOfStudy();
    expect(fields).toHaveLength(23);
    const names = new Set(careerClusterNames());
    for (const f of fields) for (const c of Object.keys(f.clusterAffinity)) expect(names.has(c)).toBe(true);
  });
  it('maps admission combinations to tracked subjects and flags them unverified', () => {
    const a00 = loadAdmissionCombinations().find((c) => c.code === 'A00')!;
    expect(a00.subjectIds).toEqual(['math', 'physics', 'chemistry']);
    expect(a00.verified).toBe(false);
    expect(SUBJECTS.math.vi).toBe('Toán');
  });
  it('reads the frameworks with verify flags', () => {
    expect(loadForeignLanguageFramework().find((l) => l.bac === 3)!.cefr).toBe('B1');
    expect(loadItSkillsModules()).toHaveLength(15);
    expect(loadGradingRules().find((r) => r.id === 'term_average')!.verified).toBe(false);
  });
  it('parses quoted CSV fields', () => {
    expect(parseCsv('a,b\n"x, y","he said ""hi"""\n')).toEqual([{ a: 'x, y', b: 'he said "hi"' }]);
  });
});
