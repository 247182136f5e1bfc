/**
 * `assay audit verify [--db URL]`: recomputes the audit log's hash chain; exit 1 naming the
 * first broken entry. `assay audit list [--limit N] [--action A]`: prints entries as JSON lines.
 */
import { withCliStore, splitConfigArgs } from '../../server.ts';

export const summary = 'audit log: verify the hash chain (exit 1 at the first broken entry), list entries';

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  const [sub, ...more] = rest;
  if (sub !== 'verify' && sub !== 'list') {
    console.error(`assay audit: ${sub ? `unknown subcommand '${sub}'` : 'missing subcommand'} (usage: assay audit verify | assay audit list [--limit N] [--action A])`);
    return 2;
  }
  return withCliStore('audit', configArgs, async (store) => {
    if (sub === 'list') {
      let limit = 100;
      let action: string | undefined;
      for (let i = 0; i < more.length; i++) {
        if (more[i] === '--limit' && /^\d+$/.test(more[i + 1] ?? '')) limit = Number(more[++i]);
        else if (more[i] === '--action' && more[i + 1]) action = more[++i];
        else {
          console.error(`assay audit list: unexpected argument '${more[i]}'`);
          return 2;
        }
      }
      for (const e of await store.audit.list({ limit, action })) console.log(JSON.stringify(e));
      return 0;
    }
    const v = await store.audit.verifyAuditChain();
    if (v.ok) {
      console.log(`audit chain OK: ${v.checked} entries verified`);
      return 0;
    }
    const [entry] = await store.audit.list({ afterSeq: (v.firstBrokenSeq ?? 1) - 1, limit: 1 });
    console.error(`audit chain BROKEN at entry seq ${v.firstBrokenSeq} (${v.checked} entries checked before it)`);
    if (entry) console.error(`  entry: ${JSON.stringify(entry)}`);
    return 1;
  });
}
