/** Candidates (pseudonymous) and their personal data (separate table, never joined by analytics). */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Candidate, CandidatesRepo, NewCandidate, NewPersonalData } from '../types.ts';
import { defined, first, newId, runPrepared } from './util.ts';

export function candidatesRepo(c: Ctx): CandidatesRepo {
  const { candidates, personalData } = c.t;
  const candidateRow = (k: NewCandidate, at: number) => ({
    id: k.id ?? newId(), schoolId: k.schoolId ?? null, classId: k.classId ?? null, grade: k.grade ?? null,
    consentCareer: k.consentCareer ?? false, createdAt: k.createdAt ?? at,
  });
  const personalRow = (candidateId: string, p: NewPersonalData, at: number) => ({
    candidateId, fullName: p.fullName, dateOfBirth: p.dateOfBirth ?? null, gender: p.gender ?? null,
    studentCode: p.studentCode ?? null, email: p.email ?? null, guardianContact: p.guardianContact ?? null,
    extra: p.extra ?? null, updatedAt: p.updatedAt ?? at,
  });
  const createMany = (list: Array<{ candidate: NewCandidate; personal?: NewPersonalData }>) => c.tx(async ({ db, now }) => {
    const at = now();
    const out: Candidate[] = [];
    // Chunks keep each statement under the bind-parameter limits of both dialects.
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const rows = chunk.map((x) => candidateRow(x.candidate, at));
      out.push(...(await db.insert(candidates).values(rows).returning()));
      const pd = chunk.flatMap((x, j) => (x.personal ? [personalRow(rows[j].id, x.personal, at)] : []));
      if (pd.length) await db.insert(personalData).values(pd);
    }
    return out;
  });
  return {
    create: async (k, personal) => (await createMany([{ candidate: k, personal }]))[0],
    createMany: async (list) => (list.length ? createMany(list) : []),
    get: (id) => c.read(async (x) => first(await runPrepared<Candidate[]>(x, 'candidates.get', () => x.db.select().from(candidates).where(eq(candidates.id, sql.placeholder('id'))), { id }))),
    list: (f = {}) => c.read(async ({ db }) => db.select().from(candidates)
      .where(and(f.schoolId !== undefined ? eq(candidates.schoolId, f.schoolId) : undefined, f.classId !== undefined ? eq(candidates.classId, f.classId) : undefined))
      .orderBy(asc(candidates.id))),
    update: (id, patch) => c.run(async ({ db }) => {
      const set = defined(patch);
      if (Object.keys(set).length === 0) return first(await db.select().from(candidates).where(eq(candidates.id, id)));
      return first(await db.update(candidates).set(set).where(eq(candidates.id, id)).returning());
    }),
    setPersonalData: (candidateId, p) => c.run(async ({ db, now }) => {
      const row = personalRow(candidateId, p, now());
      const { candidateId: _k, ...set } = row;
      return (await db.insert(personalData).values(row).onConflictDoUpdate({ target: personalData.candidateId, set }).returning())[0];
    }),
    getPersonalData: (candidateId) => c.read(async ({ db }) => first(await db.select().from(personalData).where(eq(personalData.candidateId, candidateId)))),
    deletePersonalData: (candidateId) => c.run(async ({ db }) =>
      (await db.delete(personalData).where(eq(personalData.candidateId, candidateId)).returning({ id: personalData.candidateId })).length > 0),
  };
}
