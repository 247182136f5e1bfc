/** assessmentTest versions. */
import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { TestsRepo } from '../types.ts';
import { first, lockKey, newId, sha256 } from './util.ts';

export function testsRepo(c: Ctx): TestsRepo {
  const { tests } = c.t;
  return {
    save: (t) => c.tx(async (x) => {
      const { db, now } = x;
      await lockKey(x, `test:${t.identifier}`);
      const hash = t.contentHash ?? sha256(t.qtiXml ?? JSON.stringify(t.model ?? null));
      const latest = first(await db.select().from(tests).where(eq(tests.identifier, t.identifier)).orderBy(desc(tests.version)).limit(1));
      if (latest && latest.contentHash === hash) return { test: latest, status: 'unchanged' as const };
      const test = (await db.insert(tests).values({
        id: newId(), bankId: t.bankId ?? null, identifier: t.identifier, version: (latest?.version ?? 0) + 1, title: t.title ?? null,
        contentHash: hash, qtiXml: t.qtiXml ?? null, model: t.model ?? null, createdAt: now(),
      }).returning())[0];
      return { test, status: 'created' as const };
    }),
    get: (id) => c.read(async ({ db }) => first(await db.select().from(tests).where(eq(tests.id, id)))),
    latest: (identifier) => c.read(async ({ db }) => first(await db.select().from(tests).where(eq(tests.identifier, identifier)).orderBy(desc(tests.version)).limit(1))),
    listVersions: (identifier) => c.read(async ({ db }) => db.select().from(tests).where(eq(tests.identifier, identifier)).orderBy(asc(tests.version))),
    list: (f = {}) => c.read(async ({ db }) => {
      const newest = db.select({ identifier: tests.identifier, v: max(tests.version).as('v') }).from(tests).groupBy(tests.identifier).as('newest');
      const rows = await db.select({ test: tests }).from(tests)
        .innerJoin(newest, and(eq(newest.identifier, tests.identifier), eq(newest.v, tests.version)))
        .where(f.bankId !== undefined ? eq(tests.bankId, f.bankId) : undefined).orderBy(asc(tests.identifier));
      return rows.map((r) => r.test);
    }),
  };
}
