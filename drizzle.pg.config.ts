// drizzle-kit config for the PostgreSQL migrations (`npm run db:generate` regenerates both dialects).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/store/schema.pg.ts',
  out: './engine/store/migrations/pg',
});
