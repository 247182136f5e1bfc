/** Item banks, items, immutable item versions, IRT parameter versions and media. */
import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Item, ItemBanksRepo, ItemVersion } from '../types.ts';
import { first, lockKey, newId, sha256 } from './util.ts';

export function itemBanksRepo(c: Ctx): ItemBanksRepo {
  const { itemBanks, items, itemVersions, itemParameters, media } = c.t;
  return {
    createBank: (b) => c.run(async ({ db, now }) => (await db.insert(itemBanks).values({
      id: b.id ?? newId(), code: b.code, name: b.name, description: b.description ?? null, language: b.language ?? null,
      subject: b.subject ?? null, createdAt: b.createdAt ?? now(),
    }).returning())[0]),
    getBank: (id) => c.read(async ({ db }) => first(await db.select().from(itemBanks).where(eq(itemBanks.id, id)))),
    getBankByCode: (code) => c.read(async ({ db }) => first(await db.select().from(itemBanks).where(eq(itemBanks.code, code)))),
    listBanks: () => c.read(async ({ db }) => db.select().from(itemBanks).orderBy(asc(itemBanks.code))),

    saveItemVersion: (input) => c.tx(async (t) => {
      const { db, now } = t;
      await lockKey(t, `item:${input.bankId}:${input.identifier}`);
      const at = now();
      const hash = input.contentHash ?? sha256(input.qtiXml);
      let item = first(await db.select().from(items).where(and(eq(items.bankId, input.bankId), eq(items.identifier, input.identifier))));
      if (!item) item = (await db.insert(items).values({ id: newId(), bankId: input.bankId, identifier: input.identifier, createdAt: at }).returning())[0];
      const latest = first(await db.select().from(itemVersions).where(eq(itemVersions.itemId, item.id)).orderBy(desc(itemVersions.version)).limit(1));
      if (latest && latest.contentHash === hash) return { item, version: latest, status: 'unchanged' as const };
      const version = (await db.insert(itemVersions).values({
        id: newId(), itemId: item.id, version: (latest?.version ?? 0) + 1, contentHash: hash, qtiXml: input.qtiXml,
        model: input.model ?? null, metadata: input.metadata ?? null, irtParams: input.irtParams ?? null, createdAt: at,
      }).returning())[0];
      return { item, version, status: 'created' as const };
    }),
    getItem: (bankId, identifier) => c.read(async ({ db }) => first(await db.select().from(items).where(and(eq(items.bankId, bankId), eq(items.identifier, identifier))))),
    listItems: (bankId) => c.read(async ({ db }) => db.select().from(items).where(eq(items.bankId, bankId)).orderBy(asc(items.identifier))),
    getVersion: (id) => c.read(async ({ db }) => first(await db.select().from(itemVersions).where(eq(itemVersions.id, id)))),
    latestVersion: (itemId) => c.read(async ({ db }) => first(await db.select().from(itemVersions).where(eq(itemVersions.itemId, itemId)).orderBy(desc(itemVersions.version)).limit(1))),
    listVersions: (itemId) => c.read(async ({ db }) => db.select().from(itemVersions).where(eq(itemVersions.itemId, itemId)).orderBy(asc(itemVersions.version))),
    latestVersions: (bankId) => c.read(async ({ db }) => {
      const newest = db.select({ itemId: itemVersions.itemId, v: max(itemVersions.version).as('v') }).from(itemVersions).groupBy(itemVersions.itemId).as('newest');
      const rows = await db.select({ item: items, version: itemVersions }).from(items)
        .innerJoin(newest, eq(newest.itemId, items.id))
        .innerJoin(itemVersions, and(eq(itemVersions.itemId, items.id), eq(itemVersions.version, newest.v)))
        .where(eq(items.bankId, bankId)).orderBy(asc(items.identifier));
      return rows as Array<{ item: Item; version: ItemVersion }>;
    }),
    addParameters: (p) => c.tx(async (t) => {
      const { db, now } = t;
      await lockKey(t, `params:${p.itemVersionId}`);
      const prev = first(await db.select({ v: max(itemParameters.version) }).from(itemParameters).where(eq(itemParameters.itemVersionId, p.itemVersionId)));
      return (await db.insert(itemParameters).values({
        id: newId(), itemVersionId: p.itemVersionId, version: Number(prev?.v ?? 0) + 1, model: p.model, params: p.params, source: p.source ?? null, createdAt: now(),
      }).returning())[0];
    }),
    latestParameters: (itemVersionId) => c.read(async ({ db }) => first(await db.select().from(itemParameters).where(eq(itemParameters.itemVersionId, itemVersionId)).orderBy(desc(itemParameters.version)).limit(1))),
    listParameters: (itemVersionId) => c.read(async ({ db }) => db.select().from(itemParameters).where(eq(itemParameters.itemVersionId, itemVersionId)).orderBy(asc(itemParameters.version))),

    putMedia: (m) => c.tx(async (t) => {
      const { db, now } = t;
      await lockKey(t, `media:${m.bankId}:${m.path}`);
      const hash = sha256(m.bytes);
      const existing = first(await db.select().from(media).where(and(eq(media.bankId, m.bankId), eq(media.path, m.path), eq(media.hash, hash))));
      if (existing) return { media: existing, status: 'unchanged' as const };
      // Newest-at-path is decided by created_at, so keep it strictly increasing per path.
      const prev = first(await db.select({ at: max(media.createdAt) }).from(media).where(and(eq(media.bankId, m.bankId), eq(media.path, m.path))));
      const createdAt = Math.max(now(), Number(prev?.at ?? 0) + 1);
      const row = (await db.insert(media).values({ id: newId(), bankId: m.bankId, path: m.path, mime: m.mime, size: m.bytes.length, hash, bytes: m.bytes, createdAt }).returning())[0];
      return { media: row, status: 'created' as const };
    }),
    getMedia: (bankId, path) => c.read(async ({ db }) =>
      first(await db.select().from(media).where(and(eq(media.bankId, bankId), eq(media.path, path))).orderBy(desc(media.createdAt)).limit(1))),
    listMedia: (bankId) => c.read(async ({ db }) => {
      const rows = await db.select({ id: media.id, bankId: media.bankId, path: media.path, mime: media.mime, size: media.size, hash: media.hash, createdAt: media.createdAt })
        .from(media).where(eq(media.bankId, bankId)).orderBy(asc(media.path), desc(media.createdAt));
      const seen = new Set<string>();
      return rows.filter((r) => (seen.has(r.path) ? false : (seen.add(r.path), true)));
    }),
  };
}
