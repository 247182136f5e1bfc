/** `assay migrate [--db URL]`: applies the committed migrations of the configured dialect. */
import { withCliStore, splitConfigArgs } from '../../server.ts';

export const summary = 'apply database migrations (--db URL or ASSAY_DB)';

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  if (rest.length) {
    console.error(`assay migrate: unexpected argument '${rest[0]}' (usage: assay migrate [--db URL])`);
    return 2;
  }
  return withCliStore('migrate', configArgs, async (store) => {
    console.log(`migrated ${store.url} (${store.dialect})`);
    return 0;
  });
}
