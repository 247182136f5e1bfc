/**
 * In headless Chromium against a real server process: a counsellor logs in, opens a student's
 * career report in the counsellor app, sees the report (charts, disclaimer, attribution), and
 * downloads its PDF. The student's history is synthetic, written into the server's database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from '../../tests/support/chromium.ts';
import { startAssayServer, type StartedServer } from '../../tests/support/server.ts';
import { openStore } from '../../engine/store/index.ts';
import { writeSyntheticHistories } from '../../engine/career/demo-data.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync('test-artifacts', { recursive: true });
  [server, browser] = await Promise.all([startAssayServer(), launchChromium()]);
  const store = await openStore(`sqlite:${join(server.dataDir, 'assay.db')}`);
  try {
    const ids = (await store.candidates.list()).map((c) => c.id);
    await writeSyntheticHistories(store, ids, 31, { consent: () => true });
  } finally {
    await store.close();
  }
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('counsellor report in Chromium', () => {
  it('opens a student report and downloads its PDF', async () => {
    // Default context: Browser.setDownloadBehavior without a context id applies to it.
    const page = await browser.newPage();
    const downloads = tempDir('assay-pdf-');
    try {
      const s = server.demo.staff.find((x) => x.role === 'counsellor')!;
      await page.goto(server.baseUrl + '/', { waitUntil: 'networkidle0' });
      await page.waitForSelector('[data-page="login"]');
      await page.click('#tab-staff');
      await page.type('#login-a', s.username);
      await page.type('#login-b', s.password);
      await page.click('button[type="submit"]');
      await page.waitForSelector('[data-home="counsellor"]', { timeout: 20_000 });

      await page.goto(server.baseUrl + '/counsellor/', { waitUntil: 'networkidle0' });
      await page.waitForSelector('[data-open-report]', { timeout: 20_000 });
      await page.click('[data-open-report]');
      await page.waitForSelector('iframe[data-report-frame]', { timeout: 30_000 });
      const frameHtml = await page.$eval('iframe[data-report-frame]', (f) => (f as HTMLIFrameElement).srcdoc);
      expect(frameHtml).toContain('data-disclaimer');
      expect(frameHtml).toContain('O*NET 29.3 Database');
      expect(frameHtml).toContain('data-ai');
      expect(frameHtml).toMatch(/<svg[^>]*role="img"/);
      await page.screenshot({ path: 'test-artifacts/career-report.png', fullPage: false });

      const cdp = await page.createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
      await page.click('[data-pdf]');
      let file: string | undefined;
      for (let i = 0; i < 600 && !file; i++) {
        file = readdirSync(downloads).find((f) => f.endsWith('.pdf'));
        if (!file) await new Promise((r) => setTimeout(r, 100));
      }
      if (!file) {
        // Say why: fetch the same URL from the page and show the status.
        const href = await page.$eval('[data-pdf]', (a) => (a as HTMLAnchorElement).href);
        const status = await page.evaluate(async (u) => (await fetch(u)).status, href);
        throw new Error(`no PDF downloaded from ${href} (status ${status}); server output:\n${server.output().slice(-2000)}`);
      }
      expect(file).toMatch(/^career-report-.*\.pdf$/);
      const bytes = readFileSync(join(downloads, file!));
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.length).toBeGreaterThan(10_000);
    } finally {
      await page.close();
    }
  }, 120_000);
});
