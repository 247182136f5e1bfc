/** Observed career outcomes of students (labels for the career model). */
import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { CareerOutcomesRepo } from '../types.ts';
import { newId } from './util.ts';

export function careerOutcomesRepo(c: Ctx): CareerOutcomesRepo {
  const { careerOutcomes: o } = c.t;
  return {
    add: (x) => c.run(async ({ db, now }) => (await db.insert(o).values({
      id: x.id ?? newId(), candidateId: x.candidateId, kind: x.kind, value: x.value, source: x.source ?? null, recordedAt: x.recordedAt ?? now(),
    }).returning())[0]),
    listByCandidate: (candidateId) => c.read(async ({ db }) => db.select().from(o).where(eq(o.candidateId, candidateId)).orderBy(asc(o.recordedAt), asc(o.id))),
    listAll: () => c.read(async ({ db }) => db.select().from(o).orderBy(asc(o.candidateId), asc(o.recordedAt))),
  };
}
