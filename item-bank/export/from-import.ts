/** Turns a validated package (or single files) into export input: the round trip's middle step. */
import type { ValidationResult } from '../validate/package.ts';
import type { ExportInput } from './package.ts';

/** Export input holding every item, test and media file of a validated package. */
export function exportInputFrom(v: ValidationResult, identifier?: string): ExportInput {
  const media = new Map<string, Uint8Array>();
  for (const it of v.items) for (const m of it.media) {
    const f = v.package?.files.get(m);
    if (f) media.set(m, f.bytes);
  }
  return {
    identifier: identifier ?? v.package?.manifest.identifier ?? 'assay-export',
    title: v.package?.manifest.metadata.title,
    items: v.items.map((i) => ({ identifier: i.item.identifier, xml: i.xml, path: i.path, metadata: i.item.metadata, media: i.media })),
    tests: v.tests.map((t) => ({ identifier: t.test.identifier, xml: t.xml, path: t.path, metadata: t.test.metadata })),
    media,
  };
}
