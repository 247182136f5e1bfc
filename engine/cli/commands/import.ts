/** `assay import PATH [--db URL] [--bank CODE] [--bank-name NAME]`: stores a QTI package as item versions; prints a JSON summary. */
import { splitConfigArgs, withCliStore } from '../../server.ts';
import { readDiskInput } from '../../itembank/source.ts';
import { importValidated } from '../../itembank/service.ts';
import { validatePackage } from '../../../item-bank/validate/index.ts';

export const summary = 'import a QTI file, folder or zip into an item bank (--bank CODE); prints a JSON summary';

const USAGE = 'usage: assay import PATH [--bank CODE] [--bank-name NAME] [--db URL]';

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  let path: string | undefined;
  let bank: string | undefined;
  let bankName: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--bank' || a === '--bank-name') {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) {
        console.error(`assay import: ${a} needs a value. ${USAGE}`);
        return 2;
      }
      if (a === '--bank') bank = v;
      else bankName = v;
    } else if (a.startsWith('--')) {
      console.error(`assay import: unknown option '${a}'. ${USAGE}`);
      return 2;
    } else if (path === undefined) path = a;
    else {
      console.error(`assay import: one PATH at a time (got '${path}' and '${a}'). ${USAGE}`);
      return 2;
    }
  }
  if (!path) {
    console.error(USAGE);
    return 2;
  }
  let disk;
  try {
    disk = readDiskInput(path);
  } catch (e) {
    console.error(`assay import: ${(e as Error).message}`);
    return 2;
  }
  // Validate before opening the database: a bad package never touches it.
  const validated = validatePackage(disk.input, { name: path });
  const bankCode = bank ?? validated.package?.manifest.identifier.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) ?? disk.defaultBank;
  return withCliStore('import', configArgs, async (store) => {
    const summary = await importValidated(store, validated, { bank: bankCode || disk.defaultBank, bankName });
    const shown = { ...summary, problems: summary.problems.map((p) => ({ ...p, file: disk.displayPrefix + p.file })) };
    console.log(JSON.stringify(shown, null, 2));
    if (!summary.stored) {
      const first = summary.problems.find((p) => p.severity === 'error');
      console.error(`assay import: nothing stored: ${summary.errors} error(s)${first ? `, first: ${first.message}` : ''} (all of them: assay validate ${path})`);
    }
    return summary.stored ? 0 : 1;
  });
}
