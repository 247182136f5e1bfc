/**
 * Builds the browser apps with esbuild into proctor-ui/dist/.
 *
 * Each folder of proctor-ui/ with a `main.tsx` is one app: `staff` is served at `/`, every
 * other app (candidate, counsellor, ...) at `/<folder>/`. Output: `dist/assets/<app>.js|.css`
 * and an index.html per app. The build is skipped when dist is newer than every source, and
 * written through a temporary folder + renames so that parallel server starts never see a
 * half-written file. `npx tsx proctor-ui/build.ts [--force]` (npm run build:ui).
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['dist', 'shared', 'node_modules']);

export interface UiBuildOptions {
  outDir?: string;
  force?: boolean;
  /** Minify (default true). */
  minify?: boolean;
}

/** Apps: folders with a main.tsx. */
export function uiApps(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !SKIP.has(d.name) && existsSync(join(ROOT, d.name, 'main.tsx')))
    .map((d) => d.name)
    .sort();
}

function newestSource(dir = ROOT): number {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory()) {
      if (dir === ROOT && d.name === 'dist') continue;
      newest = Math.max(newest, newestSource(join(dir, d.name)));
    } else if (/\.(tsx?|css|json|svg)$/.test(d.name)) {
      newest = Math.max(newest, statSync(join(dir, d.name)).mtimeMs);
    }
  }
  return newest;
}

function page(app: string, title: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/${app}.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="/assets/${app}.js"></script>
</body>
</html>
`;
}

/** Builds when needed; returns whether it built. */
export async function ensureUiBuilt(opts: UiBuildOptions = {}): Promise<boolean> {
  const outDir = resolve(opts.outDir ?? join(ROOT, 'dist'));
  const stamp = join(outDir, '.build-stamp');
  const apps = uiApps();
  if (!opts.force && existsSync(stamp)) {
    const built = Number(readFileSync(stamp, 'utf8')) || 0;
    if (built >= newestSource() && apps.every((a) => existsSync(join(outDir, 'assets', `${a}.js`)))) return false;
  }
  const tmp = join(outDir, `.tmp-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(join(tmp, 'assets'), { recursive: true });
  try {
    const started = Date.now();
    await build({
      entryPoints: Object.fromEntries(apps.map((a) => [a, join(ROOT, a, 'main.tsx')])),
      outdir: join(tmp, 'assets'),
      bundle: true,
      format: 'esm',
      splitting: false,
      target: 'es2020',
      minify: opts.minify ?? true,
      sourcemap: false,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      loader: { '.svg': 'text' },
      legalComments: 'none',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    for (const a of apps) {
      const title = a === 'staff' ? 'Assay' : `Assay · ${a}`;
      const target = a === 'staff' ? 'index.html' : join(a, 'index.html');
      mkdirSync(dirname(join(tmp, target)), { recursive: true });
      writeFileSync(join(tmp, target), page(a, title));
      // An app without CSS imports gets an empty stylesheet so its page never 404s.
      if (!existsSync(join(tmp, 'assets', `${a}.css`))) writeFileSync(join(tmp, 'assets', `${a}.css`), '');
    }
    moveInto(tmp, outDir);
    writeFileSync(stamp, String(started));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

/** Renames every file of `from` into `to` (each rename is atomic). */
function moveInto(from: string, to: string): void {
  for (const d of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, d.name);
    const dst = join(to, d.name);
    if (d.isDirectory()) {
      mkdirSync(dst, { recursive: true });
      moveInto(src, dst);
    } else {
      renameSync(src, dst);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  const built = await ensureUiBuilt({ force: process.argv.includes('--force') });
  const out = join(ROOT, 'dist', 'assets');
  const sizes = existsSync(out) ? readdirSync(out).map((f) => `${f} ${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`) : [];
  console.log(`${built ? 'built' : 'up to date'} in ${Date.now() - t} ms → ${relative(process.cwd(), out)}: ${sizes.join(', ')}`);
}
