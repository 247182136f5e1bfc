/** `assay seed [--db URL] [--data-dir D]`: seeds the demo into an empty database and prints the logins. */
import { ensureSecret } from '../../config.ts';
import { withCliStore, splitConfigArgs } from '../../server.ts';
import { createAuditService } from '../../audit/service.ts';
import { formatDemoLogins, needsSeed, seedDemo } from '../../seed/demo.ts';

export const summary = 'seed the demo data (school, accounts, item bank, exam event) into an empty database';

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  const json = rest.includes('--json');
  const unknown = rest.filter((a) => a !== '--json');
  if (unknown.length) {
    console.error(`assay seed: unexpected argument '${unknown[0]}' (usage: assay seed [--db URL] [--data-dir D] [--json])`);
    return 2;
  }
  return withCliStore('seed', configArgs, async (store, config) => {
    if (!(await needsSeed(store))) {
      console.error(`assay seed: ${store.url} already has users; the demo is only seeded into an empty database`);
      return 1;
    }
    const audit = createAuditService(store.audit);
    const logins = await seedDemo(store, audit, ensureSecret(config), config.dataDir);
    await audit.flush();
    console.log(json ? JSON.stringify(logins) : formatDemoLogins(`http://localhost:${config.port}`, logins));
    return 0;
  });
}
