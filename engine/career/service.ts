/**
 * Report service: from the store to report views. Checks scope (counsellors see only students
 * of their schools), computes the AI part only where consent is recorded, and writes every
 * view to the audit log.
 */
import { analyseStudents, type StudentGuidance } from '../../analytics/career/index.ts';
import { loadFieldsOfStudy } from '../../analytics/domain/index.ts';
import type { AuditService } from '../audit/service.ts';
import type { StaffPrincipal } from '../auth/principal.ts';
import { Forbidden, NotFound } from '../http/errors.ts';
import type { Candidate, Store } from '../store/index.ts';
import { loadHistories } from './pipeline.ts';
import { activeModel } from './registry.ts';
import type { ClassView, StudentReportView } from './report-html.ts';

export type ReportFormat = 'json' | 'html' | 'pdf';

export class CareerReportService {
  constructor(private readonly store: Store, private readonly audit: AuditService, private readonly clock: () => number = Date.now) {}

  /** The candidate, if the caller may see them; 404 when unknown, 403 when outside their schools. */
  async candidateFor(me: StaffPrincipal, candidateId: string): Promise<Candidate> {
    const c = await this.store.candidates.get(candidateId);
    if (!c) throw new NotFound(`no student '${candidateId}'`);
    if (me.role !== 'admin' && (!c.schoolId || !me.schoolIds.includes(c.schoolId))) {
      throw new Forbidden('this student is not in one of your schools', { candidateId });
    }
    return c;
  }

  /** School ids the caller may see (admin: all). */
  async schoolsOf(me: StaffPrincipal): Promise<string[]> {
    return me.role === 'admin' ? (await this.store.schools.list()).map((s) => s.id) : me.schoolIds;
  }

  /** Students the caller may see, optionally of one class. */
  async listStudents(me: StaffPrincipal, filter: { classId?: string } = {}) {
    const out = [];
    const classes = new Map<string, string>();
    for (const schoolId of await this.schoolsOf(me)) {
      for (const k of await this.store.schools.listClasses(schoolId)) classes.set(k.id, k.name);
      for (const c of await this.store.candidates.list({ schoolId, ...(filter.classId ? { classId: filter.classId } : {}) })) {
        const pd = await this.store.candidates.getPersonalData(c.id);
        out.push({ candidateId: c.id, name: pd?.fullName ?? null, classId: c.classId ?? null, className: c.classId ? classes.get(c.classId) ?? null : null, grade: c.grade ?? null, consent: c.consentCareer });
      }
    }
    return { students: out, classes: [...classes].map(([id, name]) => ({ id, name })) };
  }

  /** One student's report view; audited as `career.report.viewed`. */
  async studentReport(me: StaffPrincipal, candidateId: string, format: ReportFormat, lang: string): Promise<StudentReportView> {
    const c = await this.candidateFor(me, candidateId);
    const active = await activeModel(this.store);
    const [history] = await loadHistories(this.store, [c.id]);
    const [guidance] = await analyseStudents(c.consentCareer ? active.model : null, [history], { modelVersion: active.version });
    const pd = await this.store.candidates.getPersonalData(c.id);
    const klass = c.classId ? await this.store.schools.getClass(c.classId) : undefined;
    const school = c.schoolId ? await this.store.schools.get(c.schoolId) : undefined;
    await this.audit.record({
      action: 'career.report.viewed', actor: `user:${me.userId}`, target: `candidate:${c.id}`,
      details: { format, lang, ai: guidance.model !== null, consent: c.consentCareer, modelVersion: active.version },
    });
    return {
      candidateId: c.id, name: pd?.fullName ?? null, className: klass?.name ?? null, schoolName: school?.name ?? null,
      guidance, consent: c.consentCareer, modelVersion: active.version, synthetic: active.synthetic, generatedAt: this.clock(),
    };
  }

  /** Class view: top suggestions of consenting students and everyone's early warnings; audited. */
  async classView(me: StaffPrincipal, classId: string, format: ReportFormat, lang: string): Promise<ClassView> {
    const klass = await this.store.schools.getClass(classId);
    if (!klass) throw new NotFound(`no class '${classId}'`);
    if (me.role !== 'admin' && !me.schoolIds.includes(klass.schoolId)) throw new Forbidden('this class is not in one of your schools', { classId });
    const active = await activeModel(this.store);
    const candidates = await this.store.candidates.list({ classId });
    const histories = await loadHistories(this.store, candidates.map((c) => c.id));
    const consent = new Set(candidates.filter((c) => c.consentCareer).map((c) => c.id));
    const guidance: StudentGuidance[] = await analyseStudents(active.model, histories, { aiAllowed: (id) => consent.has(id), modelVersion: active.version, stabilityCuts: 0, occupations: 0 });
    const fields = new Map(loadFieldsOfStudy().map((f) => [f.code, f]));
    const school = await this.store.schools.get(klass.schoolId);
    const students = [];
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i], g = guidance[i];
      const pd = await this.store.candidates.getPersonalData(c.id);
      const top = g.model?.fields[0];
      students.push({
        candidateId: c.id, name: pd?.fullName ?? null, consent: c.consentCareer,
        topField: top ? { code: top.code, vi: fields.get(top.code)?.vi ?? top.vi, en: fields.get(top.code)?.en ?? top.en, probability: top.probability } : null,
        topCluster: g.model?.clusters[0]?.code ?? null,
        warnings: g.earlyWarnings.map((w) => ({ subject: w.subject, drop: w.drop })),
      });
    }
    await this.audit.record({ action: 'career.class.viewed', actor: `user:${me.userId}`, target: `class:${classId}`, details: { format, lang, students: candidates.length, modelVersion: active.version } });
    return { classId, className: klass.name, schoolName: school?.name ?? null, modelVersion: active.version, synthetic: active.synthetic, generatedAt: this.clock(), students };
  }
}
