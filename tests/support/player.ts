/**
 * What the candidate-player browser tests share: a REAL server (its own SQLite file and PIN
 * secret) with a store opened on the same database for seeding and for reading what was
 * stored, headless Chromium, the login page steps, and "screenshot, then axe-core".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from './chromium.ts';
import { startAssayServer, type StartedServer } from './server.ts';
import { seriousAxeViolations } from './axe.ts';
import { openStore, type Store } from '../../engine/store/index.ts';
import { hashPin } from '../../engine/auth/secrets.ts';

export interface PlayerEnv {
  server: StartedServer;
  browser: Browser;
  /** The server's own database (seed rosters, read stored responses and results). */
  store: Store;
  /** Hashes a PIN as this server does (for seeding rosters). */
  pinHash: (ticketCode: string, pin: string) => string;
  stop(): Promise<void>;
}

/** Starts the server and Chromium side by side; `secret` is the server's ASSAY_SECRET. */
export async function startPlayerEnv(secret: string): Promise<PlayerEnv> {
  mkdirSync('test-artifacts', { recursive: true });
  const [srv, brw] = await Promise.allSettled([startAssayServer({ env: { ASSAY_SECRET: secret } }), launchChromium()]);
  if (srv.status === 'rejected' || brw.status === 'rejected') {
    // Whichever did start is stopped here: afterAll has nothing to stop it with.
    if (srv.status === 'fulfilled') await srv.value.stop();
    if (brw.status === 'fulfilled') await brw.value.close();
    throw srv.status === 'rejected' ? srv.reason : (brw as PromiseRejectedResult).reason;
  }
  const server = srv.value, browser = brw.value;
  const store = await openStore(`sqlite:${join(server.dataDir, 'assay.db')}`);
  const key = Buffer.from(secret, 'utf8');
  return {
    server,
    browser,
    store,
    pinHash: (ticketCode, pin) => hashPin(key, ticketCode, pin),
    async stop() {
      await browser.close();
      await store.close?.();
      await server.stop();
    },
  };
}

/** Opens the candidate login page. */
export async function openLogin(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl + '/candidate/', { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-page="player-login"]');
}

/** Types the ticket code and PIN on the login page and submits. */
export async function logIn(page: Page, c: { ticketCode: string; pin: string }): Promise<void> {
  await page.type('#ticket', c.ticketCode);
  await page.type('#pin', c.pin);
  await page.keyboard.press('Enter');
}

/** A screenshot (test-artifacts/player-<name>.png), then axe-core: no serious or critical violations. */
export async function screenshotAndAxe(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-artifacts/player-${name}.png`, fullPage: true });
  expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
}
