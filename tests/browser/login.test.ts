/**
 * In headless Chromium against a real server process: log in as each role through the login
 * page and see that role's home page. Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../support/chromium.ts';
import { startAssayServer, type StartedServer } from '../support/server.ts';
import { seriousAxeViolations } from '../support/axe.ts';

let server: StartedServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync('test-artifacts', { recursive: true });
  [server, browser] = await Promise.all([startAssayServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(page: Page, tab: 'staff' | 'candidate', a: string, b: string) {
  await page.goto(server.baseUrl + '/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-page="login"]');
  await page.click(`#tab-${tab}`);
  await page.type('#login-a', a);
  await page.type('#login-b', b);
  await page.click('button[type="submit"]');
}

describe('login page in Chromium', () => {
  const homes: Record<string, string> = { admin: 'admin', author: 'author', proctor: 'proctor', counsellor: 'counsellor' };

  for (const role of Object.keys(homes)) {
    it(`logs in as ${role} and shows the ${role} home page`, async () => {
      const ctx = await browser.createBrowserContext();
      const page = await ctx.newPage();
      try {
        const s = server.demo.staff.find((x) => x.role === role)!;
        await login(page, 'staff', s.username, s.password);
        await page.waitForSelector(`[data-home="${homes[role]}"] table, [data-home="${homes[role]}"] article`, { timeout: 15_000 });
        const text = await page.$eval('main', (m) => m.textContent ?? '');
        if (role === 'admin') expect(text).toContain('counsellor');
        if (role === 'author') expect(text).toContain('DEMO');
        if (role === 'proctor') expect(text).toContain('Phòng 01');
        if (role === 'counsellor') expect(text).toContain('Nguyễn Văn An');
        expect(await page.$eval('html', (h) => h.lang)).toBe('vi');
        await page.screenshot({ path: `test-artifacts/login-${role}.png` });
        expect(await seriousAxeViolations(page)).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it('logs in as a candidate with ticket code + PIN and shows "your exam"', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      const c = server.demo.candidates[0];
      await login(page, 'candidate', c.ticketCode.toLowerCase(), c.pin);
      await page.waitForFunction(() => location.pathname.startsWith('/candidate/'), { timeout: 15_000 });
      // The PLAYER app (when built) or the minimal candidate page: either names the exam.
      await page.waitForFunction((code) => document.body.textContent?.includes(code), { timeout: 15_000 }, server.demo.event.code);
      await page.screenshot({ path: 'test-artifacts/login-candidate.png' });
    } finally {
      await ctx.close();
    }
  });

  it('the login page has no serious accessibility violations (axe-core, WCAG 2 AA)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.baseUrl + '/', { waitUntil: 'networkidle0' });
      await page.waitForSelector('[data-page="login"]');
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a clear error for a wrong password', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      await login(page, 'staff', 'admin', 'definitely-wrong');
      await page.waitForSelector('[role="alert"]');
      expect(await page.$eval('[role="alert"]', (e) => e.textContent)).toMatch(/username or password is wrong/);
    } finally {
      await ctx.close();
    }
  });
});
