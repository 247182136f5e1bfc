/** `assay validate PATH...`: a QTI file, a folder or a zip package; `file:line:col severity message` per problem. */
import { readDiskInput } from '../../itembank/source.ts';
import { validatePackage, validateFile, formatProblem, type ValidationResult } from '../../../item-bank/validate/index.ts';
import { readFileSync, statSync } from 'node:fs';
import { looksLikeZip } from '../../../item-bank/package/index.ts';

export const summary = 'check a QTI file, folder or zip package; prints file:line:col problems, exit 1 on errors';

const USAGE = 'usage: assay validate PATH... (an item or test XML file, a folder, or a .zip package) [--json]';

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const paths = args.filter((a) => a !== '--json');
  if (paths.length === 0 || paths.some((p) => p.startsWith('--'))) {
    console.error(paths.find((p) => p.startsWith('--')) ? `assay validate: unknown option '${paths.find((p) => p.startsWith('--'))}'. ${USAGE}` : USAGE);
    return 2;
  }
  let errors = 0;
  let warnings = 0;
  let items = 0;
  let tests = 0;
  const all: unknown[] = [];
  for (const path of paths) {
    let result: ValidationResult;
    let prefix: string;
    try {
      try {
        statSync(path);
      } catch {
        throw new Error(`cannot read '${path}': no such file or folder`);
      }
      const isFile = statSync(path).isFile();
      const bytes = isFile ? new Uint8Array(readFileSync(path)) : undefined;
      if (bytes && !looksLikeZip(bytes) && statSync(path).size <= 50 * 1024 * 1024) {
        result = validateFile(path, bytes);
        prefix = '';
      } else {
        const disk = readDiskInput(path);
        result = validatePackage(disk.input, { name: path });
        prefix = disk.displayPrefix;
      }
    } catch (e) {
      console.error(`assay validate: ${(e as Error).message}`);
      errors++;
      continue;
    }
    for (const p of result.problems) {
      const shown = { ...p, file: p.file === path ? p.file : prefix + p.file };
      if (json) all.push(shown);
      else console.log(formatProblem(shown));
      if (p.severity === 'error') errors++;
      else warnings++;
    }
    items += result.items.length;
    tests += result.tests.length;
  }
  if (json) console.log(JSON.stringify({ errors, warnings, items, tests, problems: all }, null, 2));
  else console.error(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${items} item${items === 1 ? '' : 's'}, ${tests} test${tests === 1 ? '' : 's'} read)`);
  return errors > 0 ? 1 : 0;
}
