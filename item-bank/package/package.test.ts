import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { readPackage, readZip, checkEntryPath, resolveHref, checkMedia, withLimits, normaliseLevel, normaliseItModule, parseXml, DEFAULT_LIMITS } from './index.ts';
import { folderFiles, zipFixture, zipSlip, zipBomb, zipFiles, PACKAGES_DIR } from '../../fixtures/packages/build.ts';
import { join } from 'node:path';

const codes = (ps: { code: string }[]) => ps.map((p) => p.code);

describe('entry paths', () => {
  it('normalises safe paths', () => {
    expect(checkEntryPath('items/./q1.xml')).toEqual({ ok: true, path: 'items/q1.xml' });
  });
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a/\u0000b', 'a/..'])('refuses %j', (p) => {
    expect(checkEntryPath(p).ok).toBe(false);
  });
  it('resolves hrefs relative to the referring file and refuses escapes', () => {
    expect(resolveHref('items/', '../media/a%20b.png#x')).toEqual({ ok: true, path: 'media/a b.png' });
    expect(resolveHref('items/', '../../x.png').ok).toBe(false);
    expect(resolveHref('', 'http://example.org/x.png').ok).toBe(false);
  });
});

describe('media types', () => {
  it('accepts a real PNG and refuses a renamed executable and unknown types', () => {
    const png = folderFiles(join(PACKAGES_DIR, 'good-qti3')).get('media/map.png')!;
    expect(checkMedia('a.png', png)).toEqual({ ok: true, mediaType: 'image/png' });
    expect(checkMedia('a.png', new Uint8Array([0x4d, 0x5a, 0x90, 0]))).toMatchObject({ ok: false });
    expect(checkMedia('run.exe', new Uint8Array([1]))).toMatchObject({ ok: false });
    expect(checkMedia('x.js', new TextEncoder().encode('alert(1)'))).toMatchObject({ ok: false });
  });
});

describe('metadata vocabularies', () => {
  it('maps the 6-level framework to CEFR and normalises IT modules', () => {
    expect(normaliseLevel('3')).toBe('B1');
    expect(normaliseLevel('bậc 6')).toBe('C2');
    expect(normaliseLevel('b2')).toBe('B2');
    expect(normaliseLevel('7')).toBeUndefined();
    expect(normaliseItModule('iu3')).toBe('IU03');
    expect(normaliseItModule('IU16')).toBeUndefined();
  });
});

describe('safe XML', () => {
  it('refuses DOCTYPE (XXE, entity bombs) with a position', () => {
    const r = parseXml('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>', DEFAULT_LIMITS);
    expect(r).toMatchObject({ ok: false, code: 'xml.dtdRefused', line: 2, column: 1 });
  });
  it('reports broken XML with line and column', () => {
    const r = parseXml('<a>\n  <b>\n</a>', DEFAULT_LIMITS);
    expect(r).toMatchObject({ ok: false, code: 'xml.malformed', line: 3 });
  });
});

describe('readPackage', () => {
  it('reads the good package: resources, files, dependencies, metadata', () => {
    const r = readPackage({ zip: zipFixture('good-qti3') });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const m = r.package!.manifest;
    expect(m.identifier).toBe('assay-fixture-good-qti3');
    expect(m.resources.map((x) => x.kind)).toEqual(['item', 'item', 'item', 'item', 'test', 'media']);
    const choice = m.resources[0];
    expect(choice).toMatchObject({ qtiVersion: '3.0', href: 'items/capital.xml', dependencies: ['RES-MEDIA'] });
    expect(choice.metadata).toMatchObject({
      title: 'Capital of Viet Nam', language: 'en', keywords: ['geography', 'capitals'], difficulty: 'easy',
      subject: 'geography', skill: 'GEO.10.1.2', grade: '10', irt: { model: '3pl', a: 1.2, b: -0.8, c: 0.2 },
      interactionTypes: ['choiceInteraction'],
    });
    expect(m.resources[1].metadata).toMatchObject({ level: 'B1', irt: { model: '2pl' } });
    expect(m.resources[2].metadata.irt).toEqual({ model: 'grm', a: 1.1, thresholds: [-1.5, -0.5, 0.4, 1.3] });
    expect(m.resources[3].metadata.itModule).toBe('IU01');
    expect(r.package!.files.get('media/dialogue.mp3')?.mediaType).toBe('audio/mpeg');
  });

  it('reads a QTI 2.1 package with IMS MD 1.2 metadata (langstring, taxonpath)', () => {
    const r = readPackage({ zip: zipFixture('good-qti21') });
    expect(r.problems).toEqual([]);
    const [hotspot] = r.package!.manifest.resources;
    expect(hotspot).toMatchObject({ kind: 'item', qtiVersion: '2.1', files: ['items/hotspot.xml', 'images/map.png'] });
    expect(hotspot.metadata).toEqual({
      title: 'Chọn thủ đô trên bản đồ', language: 'vi', keywords: ['địa lý'], subject: 'geography',
      toolName: 'Assay fixture writer', toolVersion: '1.0', interactionTypes: ['hotspotInteraction'],
    });
  });

  it('reads the same package from a folder source', () => {
    const files = folderFiles(join(PACKAGES_DIR, 'good-qti3'));
    const r = readPackage({ folder: { list: () => [...files].map(([path, b]) => ({ path, size: b.length })), read: (p) => files.get(p)! } });
    expect(r.package?.manifest.resources).toHaveLength(6);
  });

  it('refuses a zip-slip entry before decompressing anything', () => {
    const r = readZip(zipSlip());
    expect(r.files.size).toBe(0);
    expect(codes(r.problems)).toContain('zip.path-unsafe');
    expect(r.problems[0].message).toMatch(/climbs out/);
    const abs = readZip(zipSlip('/tmp/evil.sh'));
    expect(codes(abs.problems)).toContain('zip.path-unsafe');
  });

  it('refuses a zip bomb by ratio, and over-size / over-count packages', () => {
    const bomb = readPackage({ zip: zipBomb(2) });
    expect(bomb.package).toBeUndefined();
    expect(codes(bomb.problems)).toContain('zip.bomb-ratio');
    const small = readZip(zipFixture('good-qti3'), withLimits({ maxFiles: 3 }));
    expect(codes(small.problems)).toEqual(['zip.too-many-files']);
    const total = readZip(zipFixture('good-qti3'), withLimits({ maxTotalUncompressedBytes: 1000 }));
    expect(codes(total.problems)).toContain('zip.total-too-large');
    const big = readZip(zipFixture('good-qti3'), withLimits({ maxPackageBytes: 100 }));
    expect(codes(big.problems)).toEqual(['zip.too-large']);
  });

  it('reports garbage, a zip without manifest, a nested manifest and a missing file', () => {
    expect(codes(readPackage({ zip: new Uint8Array([1, 2, 3]) }).problems)).toEqual(['zip.not-zip']);
    expect(codes(readPackage({ zip: new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]) }).problems)).toEqual(['zip.unreadable']);
    const nested = readPackage({ zip: zipSync({ 'pkg/imsmanifest.xml': new TextEncoder().encode('<manifest/>') }) });
    expect(nested.problems[0].message).toMatch(/found "pkg\/imsmanifest.xml"/);
    const files = folderFiles(join(PACKAGES_DIR, 'good-qti3'));
    files.delete('media/map.png');
    const r = readPackage({ zip: zipFiles(files) });
    const missing = r.problems.find((p) => p.code === 'package.missing-file')!;
    expect(missing).toMatchObject({ file: 'imsmanifest.xml', severity: 'error' });
    expect(missing.message).toContain('media/map.png');
    expect(missing.line).toBeGreaterThan(1);
  });

  it('drops files of types that are not allowed, with a warning', () => {
    const files = folderFiles(join(PACKAGES_DIR, 'good-qti3'));
    files.set('media/tool.exe', new Uint8Array([0x4d, 0x5a]));
    const r = readPackage({ files });
    expect(r.package!.files.has('media/tool.exe')).toBe(false);
    expect(r.problems.find((p) => p.file === 'media/tool.exe')?.code).toBe('media.not-allowed');
  });
});
