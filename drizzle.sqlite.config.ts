// drizzle-kit config for the SQLite migrations (`npm run db:generate` regenerates both dialects).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './engine/store/schema.sqlite.ts',
  out: './engine/store/migrations/sqlite',
});
