/** Staff users and their school scope. */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { User, UsersRepo } from '../types.ts';
import { defined, first, newId, runPrepared } from './util.ts';

export function usersRepo(c: Ctx): UsersRepo {
  const { users, userSchools } = c.t;
  return {
    create: (u) => c.run(async ({ db, now }) => {
      const at = now();
      const row = { id: u.id ?? newId(), username: u.username, passwordHash: u.passwordHash, role: u.role, displayName: u.displayName ?? null, active: u.active ?? true, createdAt: u.createdAt ?? at, updatedAt: u.updatedAt ?? at };
      return (await db.insert(users).values(row).returning())[0];
    }),
    get: (id) => c.read(async (x) => first(await runPrepared<User[]>(x, 'users.get', () => x.db.select().from(users).where(eq(users.id, sql.placeholder('id'))), { id }))),
    getByUsername: (username) => c.read(async (x) => first(await runPrepared<User[]>(x, 'users.byName', () => x.db.select().from(users).where(eq(users.username, sql.placeholder('u'))), { u: username }))),
    list: (f = {}) => c.read(async ({ db }) => {
      const conds = [f.role !== undefined ? eq(users.role, f.role) : undefined, f.active !== undefined ? eq(users.active, f.active) : undefined];
      return db.select().from(users).where(and(...conds)).orderBy(asc(users.username));
    }),
    update: (id, patch) => c.run(async ({ db, now }) => {
      const set = { ...defined(patch), updatedAt: now() };
      return first(await db.update(users).set(set).where(eq(users.id, id)).returning());
    }),
    addSchool: (userId, schoolId) => c.run(async ({ db }) => {
      await db.insert(userSchools).values({ userId, schoolId }).onConflictDoNothing();
    }),
    removeSchool: (userId, schoolId) => c.run(async ({ db }) => {
      await db.delete(userSchools).where(and(eq(userSchools.userId, userId), eq(userSchools.schoolId, schoolId)));
    }),
    schoolsOf: (userId) => c.read(async ({ db }) => {
      const rows = await db.select({ schoolId: userSchools.schoolId }).from(userSchools).where(eq(userSchools.userId, userId)).orderBy(asc(userSchools.schoolId));
      return rows.map((r) => r.schoolId);
    }),
    count: () => c.read(async ({ db }) => Number((await db.select({ n: count() }).from(users))[0].n)),
  };
}
