/**
 * The engine side of QTI packages: storing a validated package as item versions (with media,
 * tests and IRT parameters) and reading banks back for export. A package with any error
 * stores nothing; otherwise everything is stored in ONE transaction.
 */
import { createHash } from 'node:crypto';
import type { Store, StoreTx, JsonValue, ItemBank, Item, ItemVersion } from '../store/types.ts';
import { canonicalJson } from '../store/index.ts';
import type { ValidationResult, Problem } from '../../item-bank/validate/index.ts';
import { hasErrors } from '../../item-bank/validate/index.ts';
import { exportPackage, type ExportInput, type ExportResult } from '../../item-bank/export/index.ts';
import type { AssessmentItem, ItemMetadata } from '../../item-bank/index.ts';

export type ItemImportStatus = 'new' | 'unchanged' | 'new-version';

export interface ImportSummary {
  bank: { id: string; code: string; name: string } | null;
  /** False when the package had errors: nothing was stored. */
  stored: boolean;
  items: { new: number; unchanged: number; newVersion: number; list: { identifier: string; status: ItemImportStatus; version: number | null }[] };
  tests: { new: number; unchanged: number; newVersion: number };
  media: { new: number; unchanged: number };
  errors: number;
  warnings: number;
  problems: Problem[];
}

/** What Assay keeps in item_versions.metadata besides the LOM/QTI/Assay fields. */
export interface StoredItemMetadata extends ItemMetadata {
  /** Package path the item was imported at (so its relative media references resolve on export). */
  packagePath?: string;
  /** Package paths of the media it uses. */
  media?: string[];
}

const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/** JSON copy without undefined (JSON columns). */
function json(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

/** The parsed model as stored: everything but the raw source tree (re-parse qti_xml for that). */
export function storedModel(item: AssessmentItem): JsonValue {
  const { source: _source, ...rest } = item;
  return json(rest);
}

/** The content hash of an item version: its XML, its metadata and the bytes (hash) of its media. */
export function itemContentHash(xml: string, metadata: StoredItemMetadata, mediaHash: (path: string) => string | undefined): string {
  return sha256([xml, canonicalJson(json(metadata)), ...(metadata.media ?? []).map((m) => `${m}:${mediaHash(m) ?? ''}`)].join('\n'));
}

/** Metadata fields an author may change (null removes a field). Values already normalised. */
export type MetadataPatch = { [K in 'title' | 'language' | 'description' | 'difficulty' | 'subject' | 'skill' | 'level' | 'itModule' | 'grade']?: string | null } & {
  keywords?: string[] | null;
  irt?: { model?: string; a?: number; b?: number; c?: number; d?: number; thresholds?: number[]; steps?: number[] } | null;
};

/**
 * Changes an item's metadata: a new version with the same XML and the new metadata (and a new
 * IRT parameter set when `irt` changed). Identical metadata changes nothing.
 */
export async function updateItemMetadata(store: Store, bank: ItemBank, item: Item, patch: MetadataPatch): Promise<{ version: ItemVersion; status: 'created' | 'unchanged'; metadata: StoredItemMetadata }> {
  const media = new Map((await store.itemBanks.listMedia(bank.id)).map((m) => [m.path, m.hash]));
  return store.transaction(async (tx) => {
    const latest = await tx.itemBanks.latestVersion(item.id);
    if (!latest) throw new Error(`item '${item.identifier}' has no version`);
    const metadata: StoredItemMetadata = { ...((latest.metadata ?? {}) as StoredItemMetadata) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (v === null) delete metadata[k];
      else metadata[k] = v;
    }
    const saved = await tx.itemBanks.saveItemVersion({
      bankId: bank.id,
      identifier: item.identifier,
      qtiXml: latest.qtiXml,
      model: latest.model,
      metadata: json(metadata),
      irtParams: metadata.irt ? json(metadata.irt) : null,
      contentHash: itemContentHash(latest.qtiXml, metadata, (m) => media.get(m)),
    });
    if (saved.status === 'created' && patch.irt) {
      await tx.itemBanks.addParameters({ itemVersionId: saved.version.id, model: patch.irt.model ?? '2pl', params: json(patch.irt), source: 'author' });
    }
    return { version: saved.version, status: saved.status, metadata };
  });
}

/** Bank codes: letters, digits, dot, dash, underscore (they appear in URLs and CLI flags). */
export function checkBankCode(code: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(code) ? undefined : `bank code "${code}" must be 1-63 letters, digits, '.', '-' or '_' (starting with a letter or digit)`;
}

/**
 * Stores a validated package into bank `bankCode` (created when absent). Items are versioned
 * by a content hash over XML, metadata and the bytes of their media, so re-importing identical
 * content changes nothing and a changed item gets a new version.
 */
export async function importValidated(store: Store, v: ValidationResult, opts: { bank: string; bankName?: string; now?: number }): Promise<ImportSummary> {
  const problems = v.problems;
  const summary: ImportSummary = {
    bank: null,
    stored: false,
    items: { new: 0, unchanged: 0, newVersion: 0, list: [] },
    tests: { new: 0, unchanged: 0, newVersion: 0 },
    media: { new: 0, unchanged: 0 },
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    problems,
  };
  const codeProblem = checkBankCode(opts.bank);
  if (codeProblem) {
    summary.problems = [...problems, { file: opts.bank, line: 0, column: 0, severity: 'error', code: 'import.bank-code', message: codeProblem }];
    summary.errors++;
    return summary;
  }
  if (hasErrors(problems) || (v.items.length === 0 && v.tests.length === 0)) {
    if (!hasErrors(problems)) {
      summary.problems = [...problems, { file: '.', line: 0, column: 0, severity: 'error', code: 'import.empty', message: 'the package contains no items or tests to import' }];
      summary.errors++;
    }
    return summary;
  }
  const mediaHash = new Map<string, string>();
  for (const it of v.items) for (const m of it.media) {
    const f = v.package?.files.get(m);
    if (f && !mediaHash.has(m)) mediaHash.set(m, sha256(f.bytes));
  }
  const identifierByPath = new Map(v.items.map((i) => [i.path, i.item.identifier]));
  await store.transaction(async (tx) => {
    const bank = (await tx.itemBanks.getBankByCode(opts.bank)) ?? (await tx.itemBanks.createBank({ code: opts.bank, name: opts.bankName ?? opts.bank, language: v.package?.manifest.metadata.language ?? null, subject: v.package?.manifest.metadata.subject ?? null }));
    summary.bank = { id: bank.id, code: bank.code, name: bank.name };
    for (const path of mediaHash.keys()) {
      const f = v.package!.files.get(path)!;
      const r = await tx.itemBanks.putMedia({ bankId: bank.id, path, mime: f.mediaType, bytes: Buffer.from(f.bytes) });
      summary.media[r.status === 'created' ? 'new' : 'unchanged']++;
    }
    for (const it of v.items) {
      const metadata: StoredItemMetadata = { ...it.item.metadata, packagePath: it.path, media: it.media };
      const contentHash = itemContentHash(it.xml, metadata, (m) => mediaHash.get(m));
      const existed = await tx.itemBanks.getItem(bank.id, it.item.identifier);
      const saved = await tx.itemBanks.saveItemVersion({
        bankId: bank.id,
        identifier: it.item.identifier,
        qtiXml: it.xml,
        model: storedModel(it.item),
        metadata: json(metadata),
        irtParams: it.item.metadata.irt ? json(it.item.metadata.irt) : null,
        contentHash,
      });
      const status: ItemImportStatus = !existed ? 'new' : saved.status === 'unchanged' ? 'unchanged' : 'new-version';
      summary.items[status === 'new' ? 'new' : status === 'unchanged' ? 'unchanged' : 'newVersion']++;
      summary.items.list.push({ identifier: it.item.identifier, status, version: saved.version.version });
      const irt = it.item.metadata.irt;
      if (irt && saved.status === 'created') {
        await tx.itemBanks.addParameters({ itemVersionId: saved.version.id, model: irt.model ?? '2pl', params: json(irt), source: 'import' });
      }
    }
    for (const t of v.tests) {
      // Test identifiers are global in the store: the bank is part of the content, so importing
      // the same test into another bank makes a version owned by that bank.
      const contentHash = sha256([bank.id, t.xml, canonicalJson(json(t.itemPaths))].join('\n'));
      const existed = await tx.tests.latest(t.test.identifier);
      // itemIdentifiers: assessmentItemRef identifier -> item identifier in this bank (refs and
      // hrefs need not match the items' own identifiers).
      const itemIdentifiers = Object.fromEntries(Object.entries(t.itemPaths).map(([ref, path]) => [ref, identifierByPath.get(path) ?? ref]));
      const r = await tx.tests.save({ bankId: bank.id, identifier: t.test.identifier, title: t.test.title || null, qtiXml: t.xml, model: json({ path: t.path, itemPaths: t.itemPaths, itemIdentifiers, metadata: t.test.metadata }), contentHash });
      summary.tests[!existed ? 'new' : r.status === 'unchanged' ? 'unchanged' : 'newVersion']++;
    }
  });
  summary.stored = true;
  return summary;
}

/** The bank by code, or undefined. */
export async function findBank(store: Store | StoreTx, code: string): Promise<ItemBank | undefined> {
  return store.itemBanks.getBankByCode(code);
}

/** Finds an item by its row id, or by identifier (optionally within one bank). */
export async function findItem(store: Store, idOrIdentifier: string, bankCode?: string): Promise<{ bank: ItemBank; item: Item } | undefined> {
  const banks = bankCode ? [await store.itemBanks.getBankByCode(bankCode)].filter((b): b is ItemBank => !!b) : await store.itemBanks.listBanks();
  for (const bank of banks) {
    const byIdent = await store.itemBanks.getItem(bank.id, idOrIdentifier);
    if (byIdent) return { bank, item: byIdent };
    const all = await store.itemBanks.listItems(bank.id);
    const byId = all.find((i) => i.id === idOrIdentifier);
    if (byId) return { bank, item: byId };
  }
  return undefined;
}

function exportItemOf(version: ItemVersion, identifier: string) {
  const md = (version.metadata ?? {}) as StoredItemMetadata;
  const { packagePath, media, ...metadata } = md;
  return { identifier, xml: version.qtiXml, path: packagePath, metadata: metadata as ItemMetadata, media: media ?? [] };
}

async function withMedia(store: Store, bankId: string, input: ExportInput): Promise<ExportInput> {
  const media = new Map<string, Uint8Array>();
  for (const it of input.items) for (const m of it.media ?? []) {
    if (media.has(m)) continue;
    const row = await store.itemBanks.getMedia(bankId, m);
    if (row) media.set(m, new Uint8Array(row.bytes as Uint8Array));
  }
  return { ...input, media };
}

/** Exports the latest version of every item and test of a bank as a QTI 3.0 package. */
export async function exportBank(store: Store, bank: ItemBank): Promise<ExportResult & { items: number; tests: number }> {
  const latest = await store.itemBanks.latestVersions(bank.id);
  const tests = await store.tests.list({ bankId: bank.id });
  const input = await withMedia(store, bank.id, {
    identifier: `assay-bank-${bank.code}`,
    title: bank.name,
    items: latest.map(({ item, version }) => exportItemOf(version, item.identifier)),
    tests: tests.filter((t) => t.qtiXml).map((t) => ({ identifier: t.identifier, xml: t.qtiXml!, path: ((t.model ?? {}) as { path?: string }).path, metadata: ((t.model ?? {}) as { metadata?: ItemMetadata }).metadata })),
  });
  return { ...exportPackage(input), items: input.items.length, tests: input.tests?.length ?? 0 };
}

/** Exports one item version (latest by default) as a QTI 3.0 package. */
export async function exportItem(store: Store, bank: ItemBank, item: Item, versionNumber?: number): Promise<ExportResult | undefined> {
  const versions = await store.itemBanks.listVersions(item.id);
  const version = versionNumber === undefined ? versions.reduce<ItemVersion | undefined>((a, b) => (!a || b.version > a.version ? b : a), undefined) : versions.find((x) => x.version === versionNumber);
  if (!version) return undefined;
  const input = await withMedia(store, bank.id, { identifier: `assay-item-${item.identifier}`, items: [exportItemOf(version, item.identifier)] });
  return exportPackage(input);
}
