/**
 * Shutting the server down also closes the Chromium that PDF reports started; before this was
 * wired into close(), the browser outlived the server as an orphan process.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';
import { htmlToPdf } from './career/pdf.ts';
import { findChromium } from '../tests/support/chromium.ts';
import { tempDir } from '../tests/support/temp-dir.ts';

/** Pids of the processes whose parent is this test process. */
function children(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim();
  return out ? out.split(/\s+/).map(Number).filter((pid) => Number.isInteger(pid)) : [];
}

describe('server shutdown', () => {
  const dir = tempDir('assay-shutdown-');

  it('closes the PDF browser with the server', async () => {
    findChromium();
    const config = loadConfig({ argv: ['--db', `sqlite:${join(dir, 'a.db')}`, '--port', '0', '--host', '127.0.0.1', '--no-seed'], env: {} });
    const running = await startServer(config, createLogger('silent'));
    const before = new Set(children());
    const pdf = await htmlToPdf('<html><body><h1>Báo cáo</h1></body></html>');
    expect(Buffer.from(pdf).subarray(0, 4).toString()).toBe('%PDF');
    const browserPids = children().filter((pid) => !before.has(pid));
    expect(browserPids.length).toBeGreaterThan(0);
    await running.close();
    expect(children().filter((pid) => browserPids.includes(pid))).toEqual([]);
  });
});
