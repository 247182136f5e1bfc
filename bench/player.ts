/**
 * bench:player — the candidate player's budgets, measured with headless Chromium against a
 * real server process: JavaScript of the candidate page gzipped (goal ≤ 150 KB), first item
 * visible after login (goal < 1000 ms: login submit → lobby → start → item shown), and a saved
 * answer acknowledged on loopback (goal < 100 ms, median of 50 POSTs from the page).
 * Last line: one JSON object {jsGzipKB, firstItemMs, ackMs}.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { launchChromium } from '../tests/support/chromium.ts';
import { startAssayServer } from '../tests/support/server.ts';
import { openStore } from '../engine/store/index.ts';
import { ensureUiBuilt } from '../proctor-ui/build.ts';
import { hashPin } from '../engine/auth/secrets.ts';
import { seedPlayerExam } from '../fixtures/player/exam.ts';

const pinHash = (ticket: string, pin: string) => hashPin(Buffer.from(SECRET, 'utf8'), ticket, pin);
const SECRET = 'bench-player-secret-0123456789abcdef0123456789';
await ensureUiBuilt();
const js = readFileSync(new URL('../proctor-ui/dist/assets/candidate.js', import.meta.url));
const jsGzipKB = Math.round((gzipSync(js, { level: 9 }).length / 1024) * 10) / 10;

const server = await startAssayServer({ env: { ASSAY_SECRET: SECRET } });
const browser = await launchChromium();
const store = await openStore(`sqlite:${join(server.dataDir, 'assay.db')}`);
const RUNS = 5;
const exam = await seedPlayerExam(store, pinHash, { candidates: RUNS });
const firsts: number[] = [];
let acks: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    await page.goto(server.baseUrl + '/candidate/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('#ticket');
    const c = exam.candidates[i]!;
    await page.type('#ticket', c.ticketCode);
    await page.type('#pin', c.pin);
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#start');
    await page.click('#start');
    await page.waitForSelector('[data-item] .item-body input');
    firsts.push(Date.now() - t0);
    if (i === RUNS - 1) {
      acks = await page.evaluate(async () => {
        const csrf = decodeURIComponent(document.cookie.match(/(?:^|; )assay_csrf=([^;]*)/)?.[1] ?? '');
        const out: number[] = [];
        for (let k = 0; k < 50; k++) {
          const t = performance.now();
          const r = await fetch('/api/delivery/session/answers', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ itemId: 'choice-single', responseId: 'RESPONSE', value: k % 2 ? 'HN' : 'DN', clientSeq: 10_000 + k }) });
          if (!r.ok) throw new Error(`answer ${r.status}: ${await r.text()}`);
          await r.json();
          out.push(performance.now() - t);
        }
        return out;
      });
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await store.close();
  await server.stop();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const firstItemMs = median(firsts);
const ackMs = Math.round(median(acks) * 10) / 10;
console.log(`jsGzipKB     ${String(jsGzipKB).padStart(8)}   goal ≤ 150`);
console.log(`firstItemMs  ${String(firstItemMs).padStart(8)}   goal < 1000 (median of ${RUNS}; runs: ${firsts.join(', ')})`);
console.log(`ackMs        ${String(ackMs).padStart(8)}   goal < 100 (median of 50 on loopback; p90 ${Math.round([...acks].sort((a, b) => a - b)[44]!)})`);
console.log('(figures on a machine shared with other busy processes: pessimistic)');
console.log(JSON.stringify({ jsGzipKB, firstItemMs, ackMs }));
