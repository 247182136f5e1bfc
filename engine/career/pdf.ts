/**
 * PDF of a report through puppeteer-core and the system Chromium (plain puppeteer would
 * download its own browser). One headless browser is started on first use and reused; each
 * PDF gets its own page. The HTML is self-contained, so the page makes no network requests.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import type { CareerModel, StudentHistory } from '../../analytics/career/index.ts';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The first Chromium found on the usual paths, or null. */
export function findSystemChromium(): string | null {
  return CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null;
}

let browser: Promise<Browser> | undefined;

async function getBrowser(executablePath?: string): Promise<Browser> {
  if (browser) {
    const b = await browser.catch(() => undefined);
    if (b && b.connected) return b;
    browser = undefined;
  }
  const path = executablePath ?? findSystemChromium();
  if (!path) throw new Error('PDF reports need Chromium: install the `chromium` package (looked at ' + CHROMIUM_PATHS.join(', ') + ')');
  browser = (async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    return puppeteer.launch({
      executablePath: path,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--headless'],
    });
  })();
  return browser;
}

/** Render a self-contained HTML document to an A4 PDF. */
export async function htmlToPdf(html: string, opts: { executablePath?: string } = {}): Promise<Uint8Array> {
  const b = await getBrowser(opts.executablePath);
  const page = await b.newPage();
  try {
    // Self-contained documents only: refuse anything that would leave the machine.
    await page.setRequestInterception(true);
    page.on('request', (r) => (r.url().startsWith('data:') || r.url() === 'about:blank' ? r.continue() : r.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await page.close().catch(() => {});
  }
}

/** Close the shared browser (server shutdown, tests). */
export async function closePdfBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  if (b) await (await b.catch(() => undefined))?.close().catch(() => {});
}

/**
 * Seconds for one warm PDF report (guidance + HTML + PDF) of a student; the browser is started
 * by a first, unmeasured render. Used by bench/career.ts.
 */
export async function benchPdf(model: CareerModel, history: StudentHistory): Promise<number> {
  const { analyseStudents } = await import('../../analytics/career/index.ts');
  const { renderStudentReport } = await import('./report-html.ts');
  const once = async () => {
    const [guidance] = await analyseStudents(model, [history], { modelVersion: 'bench' });
    const html = renderStudentReport({ candidateId: history.studentId, name: null, className: null, schoolName: null, guidance, consent: true, modelVersion: 'bench (synthetic)', synthetic: true, generatedAt: Date.now() }, 'vi');
    const pdf = await htmlToPdf(html);
    if (pdf.byteLength < 1000) throw new Error('PDF too small');
  };
  await once();
  const t0 = performance.now();
  await once();
  const s = (performance.now() - t0) / 1000;
  await closePdfBrowser();
  return s;
}
