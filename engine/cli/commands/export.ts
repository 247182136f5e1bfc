/** `assay export --bank CODE | --item ID [--version N] --out FILE.zip [--db URL]`: a QTI 3.0 content package. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { splitConfigArgs, withCliStore } from '../../server.ts';
import { exportBank, exportItem, findItem } from '../../itembank/service.ts';

export const summary = 'export a bank (--bank CODE) or an item (--item ID) as a QTI 3.0 zip package (--out FILE.zip)';

const USAGE = 'usage: assay export (--bank CODE | --item ID [--version N]) --out FILE.zip [--db URL]';

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!['--bank', '--item', '--out', '--version'].includes(a)) {
      console.error(`assay export: unexpected argument '${a}'. ${USAGE}`);
      return 2;
    }
    const v = rest[++i];
    if (v === undefined || v.startsWith('--')) {
      console.error(`assay export: ${a} needs a value. ${USAGE}`);
      return 2;
    }
    opts[a.slice(2)] = v;
  }
  if (!opts.out || (!opts.bank && !opts.item)) {
    console.error(`assay export: --out and one of --bank or --item are required. ${USAGE}`);
    return 2;
  }
  if (opts.version !== undefined && !/^[1-9][0-9]*$/.test(opts.version)) {
    console.error(`assay export: --version must be a positive whole number (got '${opts.version}')`);
    return 2;
  }
  return withCliStore('export', configArgs, async (store) => {
    let result;
    let counts: { items: number; tests: number };
    if (opts.item) {
      const found = await findItem(store, opts.item, opts.bank);
      if (!found) {
        console.error(`assay export: no item '${opts.item}'${opts.bank ? ` in bank '${opts.bank}'` : ''} (give the item's identifier or id)`);
        return 1;
      }
      result = await exportItem(store, found.bank, found.item, opts.version ? Number(opts.version) : undefined);
      if (!result) {
        console.error(`assay export: item '${opts.item}' has no version ${opts.version}`);
        return 1;
      }
      counts = { items: 1, tests: 0 };
    } else {
      const bank = await store.itemBanks.getBankByCode(opts.bank);
      if (!bank) {
        const codes = (await store.itemBanks.listBanks()).map((b) => b.code);
        console.error(`assay export: no bank '${opts.bank}' (banks: ${codes.join(', ') || 'none yet — run assay import first'})`);
        return 1;
      }
      result = await exportBank(store, bank);
      counts = { items: result.items, tests: result.tests };
    }
    if (!result.zip) {
      console.error(`assay export: the package could not be built: ${result.problems.map((p) => p.message).join('; ')}`);
      return 1;
    }
    try {
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, result.zip);
    } catch (e) {
      console.error(`assay export: cannot write '${opts.out}': ${(e as Error).message}`);
      return 1;
    }
    console.log(JSON.stringify({ out: opts.out, bytes: result.zip.length, ...counts, media: [...result.files.keys()].filter((p) => !p.endsWith('.xml')).length, problems: result.problems }, null, 2));
    return 0;
  });
}
