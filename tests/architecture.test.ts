/**
 * Import direction (DESIGN.md): item-bank <- analytics <- engine; proctor-ui talks to engine
 * over HTTP and may only `import type` from it. Scans every source file's import specifiers.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function files(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Static imports, re-exports and dynamic import() with a string literal. */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const lineOf = (i: number) => source.slice(0, i).split('\n').length;
  const stat = /(^|[\n;])\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(stat)) {
    const clause = m[4] ?? '';
    // `import { type A, type B } from` is type-only too.
    const allTypeNamed = /^\{\s*(type\s+\w+(\s+as\s+\w+)?\s*,?\s*)+\}\s+from\s+$/.test(clause.trim() + ' ');
    out.push({ spec: m[5], typeOnly: !!m[3] || allTypeNamed, line: lineOf(m.index!) });
  }
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false, line: lineOf(m.index!) });
  return out;
}

function topModule(absPath: string): string {
  return relative(ROOT, absPath).split(sep)[0];
}

/** module -> modules it must not import (value imports); proctor-ui may import engine types only. */
const FORBIDDEN: Record<string, string[]> = {
  'item-bank': ['analytics', 'engine', 'proctor-ui', 'fixtures'],
  analytics: ['engine', 'proctor-ui', 'fixtures'],
  'proctor-ui': ['engine'],
};
const TYPE_ONLY_ALLOWED: Record<string, string[]> = { 'proctor-ui': ['engine'] };

function violations(): string[] {
  const bad: string[] = [];
  for (const mod of Object.keys(FORBIDDEN)) {
    for (const file of files(join(ROOT, mod))) {
      // Tests are not product code: they may set up data through engine or fixtures.
      if (/\.test\.tsx?$/.test(file)) continue;
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        if (!imp.spec.startsWith('.')) continue;
        const target = topModule(resolve(dirname(file), imp.spec));
        if (target === mod || !FORBIDDEN[mod].includes(target)) continue;
        if (imp.typeOnly && TYPE_ONLY_ALLOWED[mod]?.includes(target)) continue;
        bad.push(`${relative(ROOT, file)}:${imp.line} imports ${imp.spec} (${mod} must not ${imp.typeOnly ? '' : 'value-'}import ${target})`);
      }
    }
  }
  return bad;
}

describe('architecture', () => {
  it('imports point one way: item-bank <- analytics <- engine; proctor-ui only imports engine types', () => {
    expect(violations()).toEqual([]);
  });

  it('detects a forbidden import (self-check of the scanner)', () => {
    const src = "import { x } from '../engine/a.ts';\nimport type { T } from '../engine/b.ts';\nimport { type U } from '../engine/c.ts';\nconst m = await import('../engine/d.ts');";
    const imps = importsOf(src);
    expect(imps.map((i) => [i.spec, i.typeOnly])).toEqual([
      ['../engine/a.ts', false],
      ['../engine/b.ts', true],
      ['../engine/c.ts', true],
      ['../engine/d.ts', false],
    ]);
  });

  it('only engine/config.ts reads process.env in engine/ (outside tests)', () => {
    const readers = files(join(ROOT, 'engine'))
      .filter((f) => !/\.test\.tsx?$/.test(f) && !f.endsWith(`${sep}config.ts`) && !f.includes(`${sep}cli${sep}main.ts`))
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')))
      .map((f) => relative(ROOT, f));
    expect(readers).toEqual([]);
  });

  it('pure modules do not read process.env', () => {
    const readers = ['item-bank', 'analytics']
      .flatMap((m) => files(join(ROOT, m)))
      .filter((f) => !/\.test\.tsx?$/.test(f))
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')))
      .map((f) => relative(ROOT, f));
    expect(readers).toEqual([]);
  });
});
