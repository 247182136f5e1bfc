/**
 * The engine side of QTI packages on both dialects: import as versions (new / unchanged /
 * new version), all-or-nothing on errors, export back to an equivalent package, and the
 * author HTTP routes (upload, list, preview without keys, media, export, roles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { importValidated, exportBank } from './service.ts';
import { validatePackage } from '../../item-bank/validate/index.ts';
import { normalForm } from '../../item-bank/export/roundtrip.ts';
import { folderFiles, zipFiles, zipFixture, zipSlip, PACKAGES_DIR } from '../../fixtures/packages/build.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-itembank-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_itembank'), drop: dropTestDatabase },
];

describe.each(dialects)('item bank import/export on $name', ({ url: makeUrl, drop }) => {
  let h: TestApp;
  let url: string;
  let author: string;

  beforeAll(async () => {
    url = await makeUrl();
    h = await makeTestApp(url);
    author = await h.bearer('author');
  });
  afterAll(async () => {
    await h?.close();
    await drop(url);
  });

  it('stores items as versions: new, then unchanged, then a new version when an item changes', async () => {
    const first = await importValidated(h.store, validatePackage({ zip: zipFixture('good-qti3') }), { bank: 'svc-bank' });
    expect(first).toMatchObject({ stored: true, errors: 0, items: { new: 4, unchanged: 0, newVersion: 0 }, tests: { new: 1 }, media: { new: 3 } });
    const again = await importValidated(h.store, validatePackage({ zip: zipFixture('good-qti3') }), { bank: 'svc-bank' });
    expect(again).toMatchObject({ stored: true, items: { new: 0, unchanged: 4, newVersion: 0 }, tests: { unchanged: 1 }, media: { unchanged: 3 } });

    const files = folderFiles(join(PACKAGES_DIR, 'good-qti3'));
    const xml = new TextDecoder().decode(files.get('items/capital.xml')!).replace('Ha Noi</qti-simple-choice>', 'Hà Nội</qti-simple-choice>');
    files.set('items/capital.xml', new TextEncoder().encode(xml));
    const changed = await importValidated(h.store, validatePackage({ zip: zipFiles(files) }), { bank: 'svc-bank' });
    expect(changed.items).toMatchObject({ new: 0, unchanged: 3, newVersion: 1 });
    expect(changed.items.list.find((i) => i.identifier === 'geo-capital')).toEqual({ identifier: 'geo-capital', status: 'new-version', version: 2 });

    const bank = (await h.store.itemBanks.getBankByCode('svc-bank'))!;
    const item = (await h.store.itemBanks.getItem(bank.id, 'geo-capital'))!;
    const versions = await h.store.itemBanks.listVersions(item.id);
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    const params = await h.store.itemBanks.latestParameters(versions.find((v) => v.version === 1)!.id);
    expect(params).toMatchObject({ model: '3pl', params: { a: 1.2, b: -0.8, c: 0.2 } });
  });

  it('stores nothing from a package with errors', async () => {
    const r = await importValidated(h.store, validatePackage({ zip: zipFixture('bad-semantics') }), { bank: 'never-created' });
    expect(r.stored).toBe(false);
    expect(r.errors).toBeGreaterThan(5);
    expect(await h.store.itemBanks.getBankByCode('never-created')).toBeUndefined();
  });

  it('exports a bank that re-imports to the same models', async () => {
    const bank = (await h.store.itemBanks.getBankByCode('svc-bank'))!;
    const out = await exportBank(h.store, bank);
    expect(out.problems).toEqual([]);
    const back = validatePackage({ zip: out.zip! });
    expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const original = validatePackage({ zip: zipFixture('good-qti3') });
    const byId = new Map(back.items.map((i) => [i.item.identifier, i.item]));
    for (const { item } of original.items) {
      if (item.identifier === 'geo-capital') continue; // changed to version 2 above
      expect(normalForm(byId.get(item.identifier)!)).toEqual(normalForm(item));
      expect(byId.get(item.identifier)!.metadata).toEqual(item.metadata);
    }
    expect(back.tests.map((t) => t.test.identifier)).toEqual(['mixed-test']);
    const stored = (await h.store.tests.list({ bankId: bank.id }))[0];
    expect((stored.model as { itemIdentifiers: Record<string, string> }).itemIdentifiers).toMatchObject({ 'geo-capital': 'geo-capital', 'phy-tf-cluster': 'phy-tf-cluster' });
  });

  it('HTTP: upload, list, versions, preview without keys, media, export; candidates refused', async () => {
    const up = await h.call('POST', '/api/itembank/banks/http-bank/packages?name=HTTP%20bank', { token: author, raw: zipFixture('good-qti3'), headers: { 'content-type': 'application/zip' } });
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({ stored: true, bank: { code: 'http-bank', name: 'HTTP bank' }, items: { new: 4 } });

    const bad = await h.call('POST', '/api/itembank/banks/http-bank/packages', { token: author, raw: zipSlip(), headers: { 'content-type': 'application/zip' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('package_invalid');
    expect(bad.json.error.details.summary.problems[0]).toMatchObject({ code: 'zip.path-unsafe', severity: 'error' });

    const dry = await h.call('POST', '/api/itembank/banks/dry-bank/packages?dryRun=true', { token: author, raw: zipFixture('bad-missing-media'), headers: { 'content-type': 'application/zip' } });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ stored: false, errors: 2 });
    expect(dry.json.problems.map((p: { code: string }) => p.code)).toEqual(['package.missing-file', 'media.missing']);
    expect((await h.call('GET', '/api/itembank/banks/dry-bank/items', { token: author })).status).toBe(404);

    const notZip = await h.call('POST', '/api/itembank/banks/http-bank/packages', { token: author, body: { hello: 1 } });
    expect(notZip.status).toBe(415);

    const candidate = await h.bearer('candidate');
    const refused = await h.call('POST', '/api/itembank/banks/http-bank/packages', { token: candidate, raw: zipFixture('good-qti3'), headers: { 'content-type': 'application/zip' } });
    expect(refused.status).toBe(403);
    expect((await h.call('GET', '/api/itembank/banks', { token: candidate })).status).toBe(403);

    const list = await h.call('GET', '/api/itembank/banks', { token: author });
    expect(list.json.banks.find((b: { code: string }) => b.code === 'http-bank')).toMatchObject({ items: 4 });
    const items = await h.call('GET', '/api/itembank/banks/http-bank/items', { token: author });
    const tf = items.json.items.find((i: { identifier: string }) => i.identifier === 'phy-tf-cluster');
    expect(tf).toMatchObject({ version: 1, title: 'Đúng hay sai: chuyển động', metadata: { subject: 'physics', grade: '12' } });

    const versions = await h.call('GET', `/api/itembank/items/${tf.id}/versions`, { token: author });
    expect(versions.json.versions).toHaveLength(1);

    const preview = await h.call('GET', `/api/itembank/items/${tf.id}/preview?seed=abc`, { token: author });
    expect(preview.status).toBe(200);
    const text = JSON.stringify(preview.json);
    expect(text).toContain('Vận tốc là đại lượng vectơ.');
    for (const secret of ['correctResponse', 'mapping', 'responseProcessing', 'S1 T', 'matchTable']) expect(text).not.toContain(secret);

    const patched = await h.call('PATCH', `/api/itembank/items/${tf.id}/metadata`, { token: author, body: { level: 'bậc 4', itModule: 'iu7', grade: 11, skill: null, irt: { model: '2pl', a: 1.3, b: 0.2 } } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ version: 2, status: 'created', metadata: { level: 'B2', itModule: 'IU07', grade: '11', subject: 'physics', irt: { model: '2pl', a: 1.3 } } });
    const same = await h.call('PATCH', `/api/itembank/items/${tf.id}/metadata`, { token: author, body: { level: 'B2' } });
    expect(same.json).toMatchObject({ version: 2, status: 'unchanged' });
    const invalid = await h.call('PATCH', `/api/itembank/items/${tf.id}/metadata`, { token: author, body: { level: 'Z9', irt: { model: '2pl', c: 3 } } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.json.error.details)).toContain('body.level');
    expect((await h.call('PATCH', `/api/itembank/items/${tf.id}/metadata`, { token: candidate, body: { level: 'B2' } })).status).toBe(403);
    const v2 = (await h.store.itemBanks.listVersions(tf.id)).find((v) => v.version === 2)!;
    expect(v2.qtiXml).toBe((await h.store.itemBanks.listVersions(tf.id)).find((v) => v.version === 1)!.qtiXml);
    expect(await h.store.itemBanks.latestParameters(v2.id)).toMatchObject({ model: '2pl', source: 'author' });

    const png = await h.call('GET', '/api/itembank/banks/http-bank/media?path=media/map.png', { token: author });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect((await h.call('GET', '/api/itembank/banks/http-bank/media?path=media/none.png', { token: author })).status).toBe(404);

    const res = await h.app.request('http://localhost/api/itembank/banks/http-bank/export', { headers: { authorization: `Bearer ${author}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['imsmanifest.xml', 'items/capital.xml', 'items/listening.xml', 'items/short-answer.xml', 'items/true-false-cluster.xml', 'media/dialogue.mp3', 'media/map.png', 'media/style.css', 'tests/mixed-test.xml']);
    expect((await h.call('GET', '/api/itembank/banks/nope/export', { token: author })).status).toBe(404);
  });
});
