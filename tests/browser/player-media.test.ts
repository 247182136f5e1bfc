/**
 * Candidate media and practice-mode feedback, in headless Chromium against a REAL server:
 * an item's package-relative picture and audio load through the candidate media route; a
 * candidate cannot fetch media of an item outside their session nor another bank's file (404);
 * a practice exam (showFeedback + showSolution) shows feedback and the solution after
 * "Check answer"; a normal exam has no button and its feedback route answers 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import type { StartedServer } from '../support/server.ts';
import { logIn, openLogin, screenshotAndAxe as axe, startPlayerEnv, type PlayerEnv } from '../support/player.ts';
import type { Store } from '../../engine/store/index.ts';
import { seedEvent, seedMediaExam, type MediaExam } from '../../fixtures/player/practice-media.ts';
import { zipFixture } from '../../fixtures/packages/build.ts';
import { validatePackage } from '../../item-bank/validate/index.ts';
import { importValidated } from '../../engine/itembank/service.ts';

let env: PlayerEnv;
let server: StartedServer;
let browser: Browser;
let store: Store;
let pinHash: PlayerEnv['pinHash'];
let practice: MediaExam;
let normal: MediaExam;

beforeAll(async () => {
  env = await startPlayerEnv('player-media-secret-0123456789abcdef0123456789');
  ({ server, browser, store, pinHash } = env);
  practice = await seedMediaExam(store as never, pinHash, { practice: true });
  normal = await seedMediaExam(store as never, pinHash, { practice: false });
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

async function enter(page: Page, exam: Pick<MediaExam, 'candidate'>, first = 'listen-map'): Promise<void> {
  await openLogin(page, server.baseUrl);
  await logIn(page, exam.candidate);
  // A session started by an earlier test resumes straight into the exam.
  await page.waitForSelector('#start, [data-item] .item-body', { timeout: 15_000 });
  if (await page.$('#start')) await page.click('#start');
  await page.waitForSelector(`[data-item="${first}"] .item-body`, { timeout: 15_000 });
}

/** GET from the page (the candidate's cookie): status and content type. */
const get = (page: Page, url: string) =>
  page.evaluate(async (u) => {
    const r = await fetch(u);
    const body = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
    return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), body };
  }, url);

const media = (item: string, src: string) => `/api/delivery/session/items/${encodeURIComponent(item)}/media?src=${encodeURIComponent(src)}`;

describe('candidate media and practice feedback in Chromium', () => {
  it('loads an item\'s package picture and audio; refuses other items\' and other banks\' files', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      await enter(page, practice);
      // The picture decodes (a real PNG served with its type).
      await page.waitForFunction(() => { const i = document.querySelector('[data-item="listen-map"] img') as HTMLImageElement | null; return !!i && i.complete && i.naturalWidth === 64; }, { timeout: 10_000 });
      expect(await page.$eval('[data-item="listen-map"] img', (i) => (i as HTMLImageElement).getAttribute('src'))).toBe(media('listen-map', 'images/map.png'));
      // The audio of the mediaInteraction (../media/listening1.wav) loads its metadata.
      await page.waitForFunction(() => { const a = document.querySelector('[data-item="listen-map"] audio') as HTMLAudioElement | null; return !!a && a.readyState >= 1 && a.duration > 0.25; }, { timeout: 10_000 });
      await axe(page, 'media');

      const ok = await get(page, media('listen-map', 'images/map.png'));
      expect(ok).toMatchObject({ status: 200, type: 'image/png' });
      expect(ok.cache).toMatch(/private/);
      expect(await get(page, media('listen-map', '../media/listening1.wav'))).toMatchObject({ status: 200, type: 'audio/wav' });
      const part = await page.evaluate(async (u) => { const r = await fetch(u, { headers: { range: 'bytes=0-3' } }); return { status: r.status, range: r.headers.get('content-range'), text: await r.text() }; }, media('listen-map', '../media/listening1.wav'));
      expect(part).toMatchObject({ status: 206, text: 'RIFF' });
      expect(part.range).toMatch(/^bytes 0-3\/\d+$/);
      // A bank file of an item that is not in the session, by every route we can think of.
      for (const u of [media('listen-map', 'images/secret.png'), media('secret', 'images/secret.png'), media('listen-map', '../items/images/secret.png'), media('listen-map', '../../etc/passwd'), media('listen-map', '/etc/passwd')]) {
        const r = await get(page, u);
        expect(r.status, u).toBe(404);
        expect((r.body as { error: { code: string } }).error.code, u).toMatch(/not_found/);
      }
      // Another bank's files (the normal exam's bank holds the same paths): only this session's bank is read.
      await store.itemBanks.putMedia({ bankId: normal.bankId, path: 'items/images/only-other.png', mime: 'image/png', bytes: Buffer.from('x') });
      expect((await get(page, media('listen-map', 'images/only-other.png'))).status).toBe(404);

      // maxPlays=2 is enforced by the player: the play button is disabled after two plays.
      const play = '[data-item="listen-map"] .media button';
      await page.click(play);
      await page.click(play);
      await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLButtonElement).disabled, {}, play);
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('practice exam: Check answer shows the feedback and the solution for the saved answer', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      await enter(page, practice);
      await page.click('[data-nav="choice-single"]');
      await page.waitForSelector('[data-item="choice-single"] .item-body', { timeout: 10_000 });
      await page.click('[data-item="choice-single"] [data-choice="DN"]');
      await page.click('[data-check-answer]');
      await page.waitForSelector('[data-feedback] [data-solution]', { timeout: 10_000 });
      expect(await page.$eval('[data-feedback]', (f) => f.getAttribute('aria-live'))).toBe('polite');
      let text = await page.$eval('[data-feedback]', (f) => f.textContent ?? '');
      expect(text).toContain('Not quite');
      expect(text).toContain('Ha Noi is the capital.');
      expect(await page.$eval('[data-solution]', (e) => e.textContent ?? '')).toMatch(/Ha Noi$/); // the solution in words (label of HN)
      expect(text).not.toContain('Well done');
      await axe(page, 'practice-feedback');
      // Change to the right answer: the feedback follows the new stored response.
      await page.click('[data-item="choice-single"] [data-choice="HN"]');
      await page.click('[data-check-answer]');
      await page.waitForFunction(() => document.querySelector('[data-feedback]')?.textContent?.includes('Well done'), { timeout: 10_000 });
      text = await page.$eval('[data-feedback]', (f) => f.textContent ?? '');
      expect(text).not.toContain('Not quite');
      const api = await get(page, '/api/delivery/session/items/choice-single/feedback');
      expect(api.status).toBe(200);
      expect((api.body as { solution: unknown }).solution).toEqual({ RESPONSE: 'HN' });
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('normal exam: no Check answer button, and the feedback route refuses with 403 (no keys)', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      await enter(page, normal);
      expect(await page.$('[data-check-answer]')).toBeNull();
      await page.click('[data-item="listen-map"] [data-choice="MARKET"]');
      for (const item of ['listen-map', 'choice-single']) {
        const r = await get(page, `/api/delivery/session/items/${item}/feedback`);
        expect(r.status).toBe(403);
        expect((r.body as { error: { code: string } }).error.code).toBe('feedback_not_allowed');
        expect(JSON.stringify(r.body)).not.toMatch(/SCHOOL|HN|Well done|Not quite/);
      }
      // The item view itself carries no key either.
      const item = await get(page, '/api/delivery/session/items/choice-single');
      expect(JSON.stringify(item.body)).not.toMatch(/correctResponse|Not quite|Well done/);
    } finally {
      await ctx.close();
    }
  }, 90_000);

  it('an imported QTI 3 package: the <audio><source> of a listening item plays from the bank', async () => {
    const summary = await importValidated(store, validatePackage({ zip: zipFixture('good-qti3') }), { bank: 'player-qti3' });
    expect(summary.stored).toBe(true);
    const test = (await store.tests.latest('mixed-test'))!;
    const { candidate } = await seedEvent(store as never, pinHash, { testId: test.id, code: 'QTI3-MEDIA', title: 'QTI 3 package' });
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    try {
      await enter(page, { candidate }, 'geo-capital');
      await page.click('[data-nav="eng-listening-1"]');
      await page.waitForSelector('[data-item="eng-listening-1"] audio source', { timeout: 10_000 });
      const src = await page.$eval('[data-item="eng-listening-1"] audio source', (e) => e.getAttribute('src'));
      expect(src).toBe(media('eng-listening-1', '../media/dialogue.mp3'));
      const r = await get(page, src!);
      expect(r).toMatchObject({ status: 200, type: 'audio/mpeg' });
      // The package's other files are not referenced by this item.
      expect((await get(page, media('eng-listening-1', '../media/map.png'))).status).toBe(404);
      await axe(page, 'qti3-listening');
    } finally {
      await ctx.close();
    }
  }, 90_000);
});
