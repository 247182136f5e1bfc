/**
 * The real server process on PostgreSQL (the browser test covers SQLite): migrates, seeds,
 * serves, answers a bearer-authenticated request, and shuts down cleanly on SIGTERM.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase } from '../tests/support/postgres.ts';
import { loginToken, startAssayServer, type StartedServer } from '../tests/support/server.ts';

describe('assay serve on PostgreSQL', () => {
  let server: StartedServer | undefined;
  let url: string | undefined;
  afterAll(async () => {
    await server?.stop();
    if (url) await dropTestDatabase(url);
  });

  it('starts, seeds, serves the API and the UI, and exits 0 on SIGTERM', async () => {
    url = await createTestDatabase('assay_serve');
    server = await startAssayServer({ db: url });
    expect(server.output()).toContain('Assay is running at http://127.0.0.1:');
    expect(server.output()).toMatch(/admin\s+\S+\s+username admin\s+password \S+/);
    const ready = await (await fetch(`${server.baseUrl}/readyz`)).json();
    expect(ready).toEqual({ status: 'ready', db: 'postgres' });
    const token = await loginToken(server.baseUrl, server.demo, 'author');
    const home = await fetch(`${server.baseUrl}/api/home/author`, { headers: { authorization: `Bearer ${token}` } });
    expect(home.status).toBe(200);
    expect(((await home.json()) as { banks: Array<{ code: string }> }).banks.map((b) => b.code)).toEqual(['DEMO']);
    const page = await fetch(`${server.baseUrl}/`);
    expect(await page.text()).toContain('/assets/staff.js');
    const code = await server.stop();
    server = undefined;
    expect(code).toBe(0);
  });
});
