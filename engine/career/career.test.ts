import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { writeSyntheticHistories } from './demo-data.ts';
import { loadHistories } from './pipeline.ts';
import { extractFeatures } from '../../analytics/career/index.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let h: TestApp;
let ids: string[];
let otherSchoolStudent: string;
let written: Awaited<ReturnType<typeof writeSyntheticHistories>>;

beforeAll(async () => {
  const dir = tempDir('assay-career-');
  h = await makeTestApp(`sqlite:${join(dir, 'a.db')}`);
  ids = (await h.store.candidates.list()).map((c) => c.id);
  // Everyone but the second student consents to the AI part.
  written = await writeSyntheticHistories(h.store, ids, 77, { consent: (i) => i !== 1 });
  const other = await h.store.schools.create({ code: 'OTHER', name: 'Other school' });
  otherSchoolStudent = (await h.store.candidates.create({ schoolId: other.id, grade: 12 }, { fullName: 'Outside Student' })).id;
  await writeSyntheticHistories(h.store, [otherSchoolStudent], 78);
});
afterAll(async () => { await h?.close(); });

describe('career pipeline from stored results', () => {
  it('rebuilds the history the synthetic generator wrote, through exam events and results', async () => {
    const [hist] = await loadHistories(h.store, [ids[0]]);
    const f = extractFeatures(hist);
    expect(hist.assessments.length).toBeGreaterThan(10);
    expect(Object.values(f.subjects).filter((s) => s.count > 0).length).toBeGreaterThanOrEqual(6);
    expect(hist.electives!.length).toBeGreaterThan(0);
  });
  it('reads Interest Profiler answers from the survey session\'s responses (identifiers L1–L5)', async () => {
    const w = written.find((x) => x.interestProfilerAnswers)!;
    const [hist] = await loadHistories(h.store, [w.studentId]);
    expect(hist.interestProfilerAnswers).toEqual(w.interestProfilerAnswers);
    expect(extractFeatures(hist).riasec!.hollandCode).toMatch(/^[RIASEC]{3}$/);
  });
});

describe('career routes', () => {
  it('gives a counsellor the report of a student of their school, with the AI part when consent is recorded, and audits it', async () => {
    const token = await h.bearer('counsellor');
    const r = await h.call('GET', `/api/career/students/${ids[0]}/report?lang=en`, { token });
    expect(r.status).toBe(200);
    expect(r.json.guidance.model.fields).toHaveLength(3);
    expect(r.json.guidance.model.fields[0].reasons.length).toBeGreaterThan(0);
    expect(r.json.synthetic).toBe(true);
    expect(r.json.modelVersion).toMatch(/career/);
    const audit = await h.store.audit.list({ action: 'career.report.viewed', target: `candidate:${ids[0]}` });
    expect(audit.length).toBe(1);
  });
  it('hides the AI part without consent but keeps the rest of the report', async () => {
    const token = await h.bearer('counsellor');
    const r = await h.call('GET', `/api/career/students/${ids[1]}/report`, { token });
    expect(r.status).toBe(200);
    expect(r.json.guidance.model).toBeNull();
    expect(r.json.consent).toBe(false);
    expect(r.json.guidance.occupations.length).toBeGreaterThan(0);
    const html = await h.call('GET', `/api/career/students/${ids[1]}/report.html`, { token });
    expect(html.json).toContain('data-ai-hidden');
    expect(html.json).not.toContain('data-ai>');
  });
  it('refuses students of other schools, other roles and anonymous callers', async () => {
    const token = await h.bearer('counsellor');
    const r = await h.call('GET', `/api/career/students/${otherSchoolStudent}/report`, { token });
    expect(r.status).toBe(403);
    expect((await h.call('GET', `/api/career/students/nope/report`, { token })).status).toBe(404);
    expect((await h.call('GET', `/api/career/students/${ids[0]}/report`, { token: await h.bearer('author') })).status).toBe(403);
    expect((await h.call('GET', `/api/career/students/${ids[0]}/report`)).status).toBe(401);
    const admin = await h.call('GET', `/api/career/students/${otherSchoolStudent}/report`, { token: await h.bearer('admin') });
    expect(admin.status).toBe(200);
    const list = await h.call('GET', '/api/career/students', { token });
    expect(list.json.students.map((s: { candidateId: string }) => s.candidateId)).not.toContain(otherSchoolStudent);
  });
  it('renders the HTML report with disclaimer, attribution, charts, and the class view with warnings', async () => {
    const token = await h.bearer('counsellor');
    const html = (await h.call('GET', `/api/career/students/${ids[0]}/report.html?lang=vi`, { token })).json as string;
    expect(html).toContain('data-disclaimer');
    expect(html).toContain('tuyển chọn');
    expect(html).toContain('O*NET 29.3 Database');
    expect(html).toContain('<svg');
    expect(html).toContain('TỔNG HỢP');
    const klass = (await h.store.candidates.get(ids[0]))!.classId!;
    const cv = await h.call('GET', `/api/career/classes/${klass}`, { token });
    expect(cv.status).toBe(200);
    expect(cv.json.students.length).toBe(ids.length);
    expect(cv.json.students.find((s: { candidateId: string }) => s.candidateId === ids[1]).topField).toBeNull();
    expect((await h.store.audit.list({ action: 'career.class.viewed' })).length).toBe(1);
  });
});
