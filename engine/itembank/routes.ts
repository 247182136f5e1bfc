/**
 * /api/itembank: the author's item-bank API — upload a QTI package (validated, then stored as
 * item versions), list banks, items and versions, preview an item as a candidate sees it, fetch
 * media for previews, export a bank as a QTI 3.0 zip.
 */
import { z } from '@hono/zod-openapi';
import type { RouteModule } from '../http/deps.ts';
import { defineRoute } from '../http/route.ts';
import { AppError, BadRequest, NotFound } from '../http/errors.ts';
import { staffOf } from '../auth/guard.ts';
import { validatePackage } from '../../item-bank/validate/index.ts';
import { candidateView, parseItem } from '../../item-bank/index.ts';
import { checkBankCode, exportBank, exportItem, importValidated, updateItemMetadata, type ImportSummary, type MetadataPatch } from './service.ts';
import { IRT_MODELS, normaliseItModule, normaliseLevel } from '../../item-bank/package/metadata.ts';

const AUTHORS = ['author', 'admin'] as const;
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const zip = { 'application/zip': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } };

const ProblemSchema = z
  .object({ file: z.string(), line: z.number().int(), column: z.number().int(), severity: z.enum(['error', 'warning']), code: z.string(), message: z.string() })
  .openapi('PackageProblem');
const Counts = z.object({ new: z.number().int(), unchanged: z.number().int(), newVersion: z.number().int() });
const SummarySchema = z
  .object({
    bank: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
    stored: z.boolean(),
    items: Counts.extend({ list: z.array(z.object({ identifier: z.string(), status: z.enum(['new', 'unchanged', 'new-version']), version: z.number().int().nullable() })) }),
    tests: Counts,
    media: z.object({ new: z.number().int(), unchanged: z.number().int() }),
    errors: z.number().int(),
    warnings: z.number().int(),
    problems: z.array(ProblemSchema),
  })
  .openapi('ImportSummary');
const BankParam = z.object({ code: z.string().min(1).max(63).openapi({ example: 'math-10' }) });

const upload = defineRoute([...AUTHORS], {
  method: 'post',
  path: '/api/itembank/banks/{code}/packages',
  tags: ['itembank'],
  summary: 'Upload a QTI content package (zip body, application/zip). Validated first; stored as item versions only when it has no errors (422 with every problem otherwise). ?dryRun=true only validates.',
  request: { params: BankParam, query: z.object({ name: z.string().max(200).optional(), dryRun: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: { description: 'Stored (or, for a dry run, validated) — summary with counts and warnings', content: json(SummarySchema) },
    415: { description: 'Body is not a zip' },
    422: { description: 'The package has errors; nothing stored. details.summary lists every problem with file, line and column' },
  },
});

const banks = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/banks',
  tags: ['itembank'],
  summary: 'Item banks with their item counts',
  responses: { 200: { description: 'Banks', content: json(z.object({ banks: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), subject: z.string().nullable(), language: z.string().nullable(), items: z.number().int() })) })) } },
});

const ItemSchema = z.object({ id: z.string(), identifier: z.string(), version: z.number().int(), versionId: z.string(), title: z.string().nullable(), metadata: z.unknown() });
const items = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/banks/{code}/items',
  tags: ['itembank'],
  summary: 'Items of a bank with their latest version and metadata',
  request: { params: BankParam },
  responses: { 200: { description: 'Items', content: json(z.object({ items: z.array(ItemSchema) })) }, 404: { description: 'No such bank' } },
});

const versions = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/items/{id}/versions',
  tags: ['itembank'],
  summary: 'Versions of an item (newest last)',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: {
    200: { description: 'Versions', content: json(z.object({ versions: z.array(z.object({ id: z.string(), version: z.number().int(), contentHash: z.string(), createdAt: z.number(), metadata: z.unknown() })) })) },
    404: { description: 'No such item' },
  },
});

const preview = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/items/{id}/preview',
  tags: ['itembank'],
  summary: 'The item exactly as a candidate would receive it (no keys, no scoring rules); ?version=N, ?seed=S for cloned/shuffled items',
  request: { params: z.object({ id: z.string().min(1) }), query: z.object({ version: z.coerce.number().int().positive().optional(), seed: z.string().max(100).optional() }) },
  responses: { 200: { description: 'Candidate view', content: json(z.object({ itemId: z.string(), version: z.number().int(), view: z.unknown() })) }, 404: { description: 'No such item or version' } },
});

const media = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/banks/{code}/media',
  tags: ['itembank'],
  summary: 'A media file of a bank (for previews): ?path=media/x.png',
  request: { params: BankParam, query: z.object({ path: z.string().min(1).max(512) }) },
  responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } }, 404: { description: 'No such bank or file' } },
});

const exportRoute = defineRoute([...AUTHORS], {
  method: 'get',
  path: '/api/itembank/banks/{code}/export',
  tags: ['itembank'],
  summary: 'The bank (latest version of every item and test) as a QTI 3.0 content package; ?item=ID for one item',
  request: { params: BankParam, query: z.object({ item: z.string().optional() }) },
  responses: { 200: { description: 'QTI 3.0 zip', content: zip }, 404: { description: 'No such bank or item' } },
});

const text = (max: number) => z.string().trim().min(1).max(max).nullable().optional();
const metadataPatch = defineRoute([...AUTHORS], {
  method: 'patch',
  path: '/api/itembank/items/{id}/metadata',
  tags: ['itembank'],
  summary: 'Change an item\'s metadata (null removes a field): makes a new item version with the same QTI and the new metadata; identical metadata changes nothing',
  request: {
    params: z.object({ id: z.string().min(1) }),
    body: {
      required: true,
      content: json(
        z
          .object({
            title: text(500), language: text(35), description: text(4000), difficulty: text(50), subject: text(100), skill: text(100),
            level: z.string().refine((v) => normaliseLevel(v) !== undefined, 'a CEFR band A1..C2 or a 6-level framework band 1..6').nullable().optional(),
            itModule: z.string().refine((v) => normaliseItModule(v) !== undefined, 'one of IU01..IU15').nullable().optional(),
            grade: z.number().int().min(1).max(12).nullable().optional(),
            keywords: z.array(z.string().trim().min(1).max(100)).max(50).nullable().optional(),
            irt: z
              .object({
                model: z.enum(IRT_MODELS), a: z.number().positive().optional(), b: z.number().optional(), c: z.number().min(0).lt(1).optional(), d: z.number().gt(0).max(1).optional(),
                thresholds: z.array(z.number()).optional(), steps: z.array(z.number()).optional(),
              })
              .strict()
              .nullable()
              .optional(),
          })
          .strict()
          .openapi('ItemMetadataPatch'),
      ),
    },
  },
  responses: {
    200: { description: 'The item\'s latest version after the change', content: json(z.object({ itemId: z.string(), version: z.number().int(), status: z.enum(['created', 'unchanged']), metadata: z.unknown() })) },
    404: { description: 'No such item' },
  },
});

const ZIP_TYPES = /^application\/(zip|x-zip-compressed|octet-stream)\b/i;

export const itembankRoutes: RouteModule = (app, deps) => {
  const { store } = deps;
  const bankOr404 = async (code: string) => {
    const bank = await store.itemBanks.getBankByCode(code);
    if (!bank) throw new NotFound('item bank', code);
    return bank;
  };
  const itemOr404 = async (id: string) => {
    for (const bank of await store.itemBanks.listBanks()) {
      const found = (await store.itemBanks.listItems(bank.id)).find((i) => i.id === id || i.identifier === id);
      if (found) return { bank, item: found };
    }
    throw new NotFound('item', id);
  };

  app.openapi(upload, async (c) => {
    const me = staffOf(c);
    const { code } = c.req.valid('param');
    const { name, dryRun } = c.req.valid('query');
    const bad = checkBankCode(code);
    if (bad) throw new BadRequest(bad);
    const type = c.req.header('content-type') ?? '';
    if (!ZIP_TYPES.test(type)) throw new AppError(415, 'unsupported_media_type', `send the package as the request body with Content-Type: application/zip (got '${type || 'none'}')`);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0) throw new BadRequest('the request body is empty: send the zip package as the body');
    const validated = validatePackage({ zip: bytes }, { name: 'package.zip' });
    let summary: ImportSummary;
    if (dryRun === 'true') {
      const errors = validated.problems.filter((p) => p.severity === 'error').length;
      summary = { bank: null, stored: false, items: { new: 0, unchanged: 0, newVersion: 0, list: [] }, tests: { new: 0, unchanged: 0, newVersion: 0 }, media: { new: 0, unchanged: 0 }, errors, warnings: validated.problems.length - errors, problems: validated.problems };
      return c.json(summary, 200);
    }
    summary = await importValidated(store, validated, { bank: code, bankName: name });
    if (!summary.stored) {
      throw new AppError(422, 'package_invalid', `the package has ${summary.errors} error(s); nothing was stored. First: ${summary.problems.find((p) => p.severity === 'error')?.message ?? '?'}`, { summary });
    }
    await deps.audit.record({ action: 'itembank.imported', actor: `user:${me.userId}`, target: `bank:${summary.bank!.id}`, details: { items: { new: summary.items.new, unchanged: summary.items.unchanged, newVersion: summary.items.newVersion }, tests: summary.tests, media: summary.media, warnings: summary.warnings } });
    return c.json(summary, 200);
  });

  app.openapi(banks, async (c) => {
    const out = [];
    for (const b of await store.itemBanks.listBanks()) {
      out.push({ id: b.id, code: b.code, name: b.name, subject: b.subject ?? null, language: b.language ?? null, items: (await store.itemBanks.listItems(b.id)).length });
    }
    return c.json({ banks: out }, 200);
  });

  app.openapi(items, async (c) => {
    const bank = await bankOr404(c.req.valid('param').code);
    const latest = await store.itemBanks.latestVersions(bank.id);
    return c.json({
      items: latest.map(({ item, version }) => {
        const md = (version.metadata ?? {}) as { title?: string };
        return { id: item.id, identifier: item.identifier, version: version.version, versionId: version.id, title: md.title ?? null, metadata: version.metadata ?? null };
      }),
    }, 200);
  });

  app.openapi(versions, async (c) => {
    const { item } = await itemOr404(c.req.valid('param').id);
    const list = await store.itemBanks.listVersions(item.id);
    return c.json({ versions: list.sort((a, b) => a.version - b.version).map((v) => ({ id: v.id, version: v.version, contentHash: v.contentHash, createdAt: v.createdAt, metadata: v.metadata ?? null })) }, 200);
  });

  app.openapi(preview, async (c) => {
    const { item } = await itemOr404(c.req.valid('param').id);
    const { version: wanted, seed } = c.req.valid('query');
    const list = await store.itemBanks.listVersions(item.id);
    const version = wanted === undefined ? list.reduce((a, b) => (b.version > a.version ? b : a), list[0]) : list.find((v) => v.version === wanted);
    if (!version) throw new NotFound(`version ${wanted ?? ''} of item`, item.identifier);
    const parsed = parseItem(version.qtiXml, { path: item.identifier });
    if (!parsed.item) throw new AppError(500, 'item_unreadable', `stored item '${item.identifier}' version ${version.version} cannot be read`);
    return c.json({ itemId: item.id, version: version.version, view: candidateView(parsed.item, { seed: seed ?? 0 }) as unknown }, 200);
  });

  app.openapi(metadataPatch, async (c) => {
    const me = staffOf(c);
    const { bank, item } = await itemOr404(c.req.valid('param').id);
    const body = c.req.valid('json');
    const patch: MetadataPatch = { ...body, grade: body.grade === undefined ? undefined : body.grade === null ? null : String(body.grade) };
    if (typeof body.level === 'string') patch.level = normaliseLevel(body.level);
    if (typeof body.itModule === 'string') patch.itModule = normaliseItModule(body.itModule);
    const r = await updateItemMetadata(store, bank, item, patch);
    if (r.status === 'created') {
      await deps.audit.record({ action: 'itembank.metadata_changed', actor: `user:${me.userId}`, target: `item:${item.id}`, details: { version: r.version.version, fields: Object.keys(body) } });
    }
    return c.json({ itemId: item.id, version: r.version.version, status: r.status, metadata: r.metadata as unknown }, 200);
  });

  app.openapi(media, async (c) => {
    const bank = await bankOr404(c.req.valid('param').code);
    const m = await store.itemBanks.getMedia(bank.id, c.req.valid('query').path);
    if (!m) throw new NotFound('media file', c.req.valid('query').path);
    return c.body(new Uint8Array(m.bytes as Uint8Array) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': m.mime, 'Cache-Control': 'private, max-age=300' }) as never;
  });

  app.openapi(exportRoute, async (c) => {
    const bank = await bankOr404(c.req.valid('param').code);
    const itemId = c.req.valid('query').item;
    let result;
    if (itemId) {
      const item = (await store.itemBanks.getItem(bank.id, itemId)) ?? (await store.itemBanks.listItems(bank.id)).find((i) => i.id === itemId);
      if (!item) throw new NotFound('item', itemId);
      result = await exportItem(store, bank, item);
    } else result = await exportBank(store, bank);
    if (!result?.zip) throw new AppError(500, 'export_failed', `the package could not be built: ${result?.problems.map((p) => p.message).join('; ')}`);
    const fileName = `${bank.code}${itemId ? '-' + itemId.replace(/[^A-Za-z0-9._-]/g, '_') : ''}-qti3.zip`;
    return c.body(new Uint8Array(result.zip) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${fileName}"` }) as never;
  });
};
