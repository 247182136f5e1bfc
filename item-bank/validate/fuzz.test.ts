import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { validatePackage, validateFile } from './index.ts';
import { readPackage } from '../package/index.ts';
import { folderFiles, zipFixture, PACKAGES_DIR } from '../../fixtures/packages/build.ts';
import { join } from 'node:path';

const good = zipFixture('good-qti3');
const goodFiles = folderFiles(join(PACKAGES_DIR, 'good-qti3'));
const itemXml = new TextDecoder().decode(goodFiles.get('items/true-false-cluster.xml')!);

/** Problems are data, never exceptions: every result has the documented shape. */
function wellFormedResult(r: { problems: { file: string; line: number; column: number; message: string }[] }) {
  for (const p of r.problems) {
    expect(typeof p.file).toBe('string');
    expect(Number.isInteger(p.line) && Number.isInteger(p.column)).toBe(true);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.message).not.toMatch(/\n\s+at /); // no stack traces
  }
}

describe('package reader and validator never throw', () => {
  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      wellFormedResult(validatePackage({ zip: bytes }));
      wellFormedResult(validateFile('x.xml', bytes));
    }), { numRuns: 300 });
  });

  it('on byte-mutated copies of a good zip', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }), (muts) => {
      const z = good.slice();
      for (const [i, b] of muts) z[i] = b;
      wellFormedResult(validatePackage({ zip: z }));
    }), { numRuns: 300 });
  });

  it('on truncated zips', () => {
    fc.assert(fc.property(fc.nat(good.length), (n) => {
      wellFormedResult(readPackage({ zip: good.subarray(0, n) }));
    }), { numRuns: 200 });
  });

  it('on mutated item XML inside an otherwise good package', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(itemXml.length), len: fc.nat(40) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(itemXml.length), text: fc.oneof(fc.string(), fc.constantFrom('<', '>', '&', '"', '<!DOCTYPE x>', '<qti-variable identifier="X"/>', '</qti-item-body>', '<![CDATA[', '&#0;', '&#x110000;')) }),
    );
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (muts) => {
      let s = itemXml;
      for (const m of muts) s = m.kind === 'delete' ? s.slice(0, m.at) + s.slice(m.at + m.len) : s.slice(0, m.at) + m.text + s.slice(m.at);
      const files = new Map(goodFiles);
      files.set('items/true-false-cluster.xml', new TextEncoder().encode(s));
      wellFormedResult(validatePackage({ files }));
      wellFormedResult(validateFile('items/true-false-cluster.xml', new TextEncoder().encode(s)));
    }), { numRuns: 300 });
  });

  it('on mutated manifests', () => {
    const manifest = new TextDecoder().decode(goodFiles.get('imsmanifest.xml')!);
    const pieces = ['<', '>', '"', '&', '../', '/etc/passwd', 'C:\\x', '<!DOCTYPE m>', '<resource identifier="RES-CHOICE" type="imsqti_item_xmlv3p0" href="items/capital.xml"/>', '<dependency identifierref="X"/>', '<assay:irt model="3pl" a="-1" c="2"/>', '<assay:level>Z9</assay:level>', '</resources>', '%zz', '\u0000'];
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(manifest.length), fc.nat(30), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...pieces))), { minLength: 1, maxLength: 4 }), (muts) => {
      let m = manifest;
      for (const [at, del, ins] of muts) m = m.slice(0, at) + ins + m.slice(at + del);
      const files = new Map(goodFiles);
      files.set('imsmanifest.xml', new TextEncoder().encode(m));
      wellFormedResult(validatePackage({ files }));
    }), { numRuns: 250 });
  });

  it('on random entry names and manifests', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ maxLength: 200 }), { maxKeys: 6 }), fc.string({ maxLength: 300 }), (entries, manifest) => {
      const z: Record<string, Uint8Array> = { 'imsmanifest.xml': new TextEncoder().encode(manifest) };
      for (const [k, v] of Object.entries(entries)) z[k] = new TextEncoder().encode(v);
      let bytes: Uint8Array;
      try {
        bytes = zipSync(z);
        unzipSync(bytes);
      } catch {
        return; // fflate itself refused to build this zip
      }
      wellFormedResult(validatePackage({ zip: bytes }));
    }), { numRuns: 200 });
  });
});
