/** Schools and classes. */
import { asc, eq } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { SchoolsRepo } from '../types.ts';
import { first, newId } from './util.ts';

export function schoolsRepo(c: Ctx): SchoolsRepo {
  const { schools, classes } = c.t;
  return {
    create: (s) => c.run(async ({ db, now }) =>
      (await db.insert(schools).values({ id: s.id ?? newId(), code: s.code, name: s.name, district: s.district ?? null, createdAt: s.createdAt ?? now() }).returning())[0]),
    get: (id) => c.read(async ({ db }) => first(await db.select().from(schools).where(eq(schools.id, id)))),
    getByCode: (code) => c.read(async ({ db }) => first(await db.select().from(schools).where(eq(schools.code, code)))),
    list: () => c.read(async ({ db }) => db.select().from(schools).orderBy(asc(schools.code))),
    createClass: (k) => c.run(async ({ db, now }) =>
      (await db.insert(classes).values({ id: k.id ?? newId(), schoolId: k.schoolId, name: k.name, grade: k.grade ?? null, schoolYear: k.schoolYear ?? null, createdAt: k.createdAt ?? now() }).returning())[0]),
    getClass: (id) => c.read(async ({ db }) => first(await db.select().from(classes).where(eq(classes.id, id)))),
    listClasses: (schoolId) => c.read(async ({ db }) => db.select().from(classes).where(eq(classes.schoolId, schoolId)).orderBy(asc(classes.name))),
  };
}
