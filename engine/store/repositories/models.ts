/** Versions of trained models (career guidance): card, metrics, weights. */
import { and, desc, eq, max } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { ModelsRepo } from '../types.ts';
import { first, lockKey, newId } from './util.ts';

export function modelsRepo(c: Ctx): ModelsRepo {
  const { modelVersions: m } = c.t;
  return {
    save: (x) => c.tx(async (t) => {
      const { db, now } = t;
      await lockKey(t, `model:${x.name}`);
      const prev = first(await db.select({ v: max(m.version) }).from(m).where(eq(m.name, x.name)));
      return (await db.insert(m).values({
        id: newId(), name: x.name, version: Number(prev?.v ?? 0) + 1, card: x.card, metrics: x.metrics ?? null, weights: x.weights ?? null, createdAt: x.createdAt ?? now(),
      }).returning())[0];
    }),
    latest: (name) => c.read(async ({ db }) => first(await db.select().from(m).where(eq(m.name, name)).orderBy(desc(m.version)).limit(1))),
    get: (name, version) => c.read(async ({ db }) => first(await db.select().from(m).where(and(eq(m.name, name), eq(m.version, version))))),
    list: (name) => c.read(async ({ db }) => db.select({ id: m.id, name: m.name, version: m.version, card: m.card, metrics: m.metrics, createdAt: m.createdAt })
      .from(m).where(eq(m.name, name)).orderBy(desc(m.version))),
  };
}
