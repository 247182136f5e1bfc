/**
 * Vitest global setup: starts what the suite needs once for all test files.
 * Each service helper registers itself here (PostgreSQL, Chromium, the UI build).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];
  return async () => {
    for (const t of teardowns.reverse()) await t();
  };
}
