/**
 * Test and item content for delivery: loads an exam event's assessmentTest and its items
 * from the store, parses them with item-bank once, and caches them (item and test versions
 * are immutable, so the cache needs no invalidation; an event pins its item versions when it
 * is published).
 */
import { checkResponse, parseItem, parseTest, QtiResponseError, type AssessmentItem, type AssessmentTest, type Json, type ResponseDeclaration } from '../../item-bank/index.ts';
import type { ExamEvent, Result, Store } from '../store/types.ts';
import { Unprocessable } from '../http/errors.ts';
import { toDeliveryTest } from './test-model.ts';
import type { DeliveryTest } from './walker.ts';
import type { EventSettings } from './settings.ts';

/** One item version ready for delivery and scoring. */
export interface LoadedItem {
  /** itemRef identifier in the test. */
  ref: string;
  /** Item identifier in the bank. */
  identifier: string;
  itemId: string;
  versionId: string;
  version: number;
  item: AssessmentItem;
  declarations: Map<string, ResponseDeclaration>;
  /** IRT parameters on the bank's scale (DESIGN.md parameters JSON item), when calibrated. */
  irt: { parameterVersionId: string | null; params: Record<string, unknown> } | null;
}

export interface LoadedTest {
  testVersionId: string;
  model: AssessmentTest;
  delivery: DeliveryTest;
  /** By itemRef identifier. */
  items: Map<string, LoadedItem>;
}

/** A 422 naming what is wrong with a content reference or a response. */
export class ContentError extends Unprocessable {}

const hrefStem = (href: string) => href.replace(/^.*\//, '').replace(/\.xml$/i, '');

/** Loads and caches test content. */
export class ContentCache {
  private readonly tests = new Map<string, Promise<LoadedTest>>();
  private readonly itemsByVersion = new Map<string, LoadedItem>();

  constructor(private readonly store: Store) {}

  /** The content an event delivers (pinned item versions when published). */
  forEvent(event: ExamEvent): Promise<LoadedTest> {
    if (!event.testId) return Promise.reject(new ContentError(`exam event '${event.code}' has no test`, undefined, 'event_without_test'));
    const pinned = ((event.settings ?? {}) as EventSettings).pinnedItems ?? null;
    const key = `${event.testId}|${pinned ? event.id : 'latest'}`;
    let p = this.tests.get(key);
    if (!p) {
      p = this.load(event.testId, pinned);
      this.tests.set(key, p);
      p.catch(() => this.tests.delete(key));
    }
    return p;
  }

  /** Drop cached content of an event (after publish pins versions, or a rescore loads new ones). */
  forget(): void {
    this.tests.clear();
  }

  /** Loads a test version with either the pinned item versions or the latest of each item. */
  async load(testId: string, pinned: Record<string, string> | null, opts: { latest?: boolean } = {}): Promise<LoadedTest> {
    const { bankId, model } = await this.testModel(testId);
    const delivery = toDeliveryTest(model);
    const items = new Map<string, LoadedItem>();
    const refs: { identifier: string; href: string }[] = [];
    const walk = (children: DeliveryTest['testParts'][number]['sections'][number]['children']) => {
      for (const c of children) c.kind === 'itemRef' ? refs.push(c) : walk(c.children);
    };
    for (const p of delivery.testParts) for (const s of p.sections) walk(s.children);
    for (const ref of refs) {
      if (items.has(ref.identifier)) continue;
      items.set(ref.identifier, await this.resolveItem(bankId, ref, opts.latest ? null : pinned));
    }
    return { testVersionId: testId, model, delivery, items };
  }

  /** A test version's model (stored, else parsed from its QTI XML) and its bank. */
  async testModel(testId: string): Promise<{ bankId: string | null; model: AssessmentTest }> {
    const row = await this.store.tests.get(testId);
    if (!row) throw new ContentError(`test version '${testId}' not found`, undefined, 'test_not_found');
    let model = row.model as unknown as AssessmentTest | null;
    if (!model || (model as { kind?: string }).kind !== 'assessmentTest') {
      if (!row.qtiXml) throw new ContentError(`test '${row.identifier}' has neither a model nor QTI XML`, undefined, 'test_unreadable');
      const r = parseTest(row.qtiXml);
      if (!r.test) throw new ContentError(`test '${row.identifier}' does not parse: ${r.problems.map((p) => p.message).join('; ')}`, r.problems, 'test_unreadable');
      model = r.test;
    }
    return { bankId: row.bankId, model };
  }

  private async resolveItem(bankId: string | null, ref: { identifier: string; href: string }, pinned: Record<string, string> | null): Promise<LoadedItem> {
    let versionId = pinned?.[ref.identifier];
    if (!versionId) {
      if (!bankId) throw new ContentError(`test has no item bank to resolve item '${ref.identifier}'`, undefined, 'item_unresolved');
      const item = (await this.store.itemBanks.getItem(bankId, ref.identifier)) ?? (await this.store.itemBanks.getItem(bankId, hrefStem(ref.href)));
      if (!item) throw new ContentError(`item '${ref.identifier}' (href '${ref.href}') is not in the test's bank`, undefined, 'item_unresolved');
      const v = await this.store.itemBanks.latestVersion(item.id);
      if (!v) throw new ContentError(`item '${ref.identifier}' has no version`, undefined, 'item_unresolved');
      versionId = v.id;
    }
    return this.itemVersion(versionId, ref.identifier);
  }

  /**
   * The item versions a result was scored with, by item key: those its itemVersions names (the
   * pinned one for a first scoring, the latest at the time for a rescore). The XML export reads
   * their declarations, the candidate's own result their outcomes' `view`.
   */
  async scoredItems(result: Result): Promise<Map<string, LoadedItem>> {
    const out = new Map<string, LoadedItem>();
    for (const [key, versionId] of Object.entries((result.itemVersions ?? {}) as Record<string, string>)) out.set(key, await this.itemVersion(versionId, key));
    return out;
  }

  /**
   * One item version by id (cached: versions are immutable), as test item `ref`. Results name
   * the versions they were scored with, so an export reads its declarations from here.
   */
  async itemVersion(versionId: string, ref: string): Promise<LoadedItem> {
    const cached = this.itemsByVersion.get(versionId);
    if (cached) return { ...cached, ref };
    const v = await this.store.itemBanks.getVersion(versionId);
    if (!v) throw new ContentError(`item version '${versionId}' not found`, undefined, 'item_unresolved');
    const parsed = parseItem(v.qtiXml);
    if (!parsed.item) throw new ContentError(`item '${ref}' does not parse: ${parsed.problems.map((p) => p.message).join('; ')}`, parsed.problems, 'item_unreadable');
    const params = await this.store.itemBanks.latestParameters(v.id);
    const irtJson = (params?.params ?? v.irtParams) as Record<string, unknown> | null;
    const loaded: LoadedItem = {
      ref,
      identifier: parsed.item.identifier,
      itemId: v.itemId,
      versionId: v.id,
      version: v.version,
      item: parsed.item,
      declarations: new Map(parsed.item.responseDeclarations.map((d) => [d.identifier, d])),
      irt: irtJson && typeof irtJson === 'object' ? { parameterVersionId: params?.id ?? null, params: { id: ref, ...(params ? { model: params.model } : {}), ...irtJson } } : null,
    };
    this.itemsByVersion.set(versionId, loaded);
    return loaded;
  }
}

/**
 * Checks an answer against the item's response declarations. `responseId` null means
 * `value` is an object holding several responses of the item. Returns the responses as
 * {responseId: value}; throws a 422 naming the item, the response and what is wrong.
 */
/** Checks one response value against its declaration: 422 naming the item and response (module level: under tsx a closure per answer also defines its name). */
function checkOne(item: LoadedItem, rid: string, v: unknown): void {
  try {
    checkResponse(item.declarations.get(rid), v as Json, rid);
  } catch (e) {
    if (e instanceof QtiResponseError) {
      throw new Unprocessable(`item '${item.ref}': ${e.message}`, { itemId: item.ref, responseId: rid, reason: (e as QtiResponseError & { code?: string }).code }, 'invalid_response');
    }
    throw e;
  }
}

export function checkAnswer(item: LoadedItem, responseId: string | null | undefined, value: unknown): Record<string, Json> {
  if (responseId) {
    checkOne(item, responseId, value);
    return { [responseId]: value as Json };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    // A lone value is for the item's only response (the common single-interaction item).
    if (item.declarations.size === 1) {
      const rid = [...item.declarations.keys()][0]!;
      checkOne(item, rid, value);
      return { [rid]: value as Json };
    }
    throw new Unprocessable(`item '${item.ref}' has ${item.declarations.size} responses: give responseId, or value as an object of responseId -> value`, { itemId: item.ref }, 'invalid_response');
  }
  // An object: either the whole item's responses, or a record value of a single record response.
  if (item.declarations.size === 1) {
    const [rid, decl] = [...item.declarations.entries()][0]!;
    if (decl.cardinality === 'record' && !(rid in (value as object))) {
      checkOne(item, rid, value);
      return { [rid]: value as Json };
    }
  }
  const out: Record<string, Json> = {};
  for (const [rid, v] of Object.entries(value as Record<string, unknown>)) {
    checkOne(item, rid, v);
    out[rid] = v as Json;
  }
  return out;
}
