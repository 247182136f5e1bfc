import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'bench/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
  },
});
