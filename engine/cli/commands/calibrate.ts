/**
 * `assay calibrate RESPONSES.csv --model rasch|1pl|2pl|3pl|4pl|grm|gpcm|pcm [--out PARAMS.json]`
 * MML-EM calibration of a responses CSV (DESIGN.md format). Prints the parameters JSON to stdout
 * without --out; with --out the file is written only when calibration succeeds.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { calibrate, calibrationToJson, CalibrationError } from '../../../analytics/irt/calibration/em.ts';
import { IRT_MODELS, parseParameters, ParametersError, type IrtModel } from '../../../analytics/irt/model.ts';
import { parseResponsesCsv, ResponsesCsvError } from '../../../analytics/irt/responses.ts';

export const summary = 'calibrate item parameters (MML-EM) from a responses CSV: --model rasch|1pl|2pl|3pl|grm|gpcm [--out PARAMS.json]';

const USAGE = `Usage: assay calibrate RESPONSES.csv --model rasch|1pl|2pl|3pl|4pl|grm|gpcm|pcm [--out PARAMS.json]
         [--anchors BANK.json] [--quadrature N] [--no-se] [--priors default|none]
  RESPONSES.csv  header of item ids (optionally a first "person"/"id" column); cells 0..m, empty or NA = not presented
  --anchors      fixed-parameter calibration: items in BANK.json keep their parameters (the bank's scale)`;

function fail(msg: string): number {
  console.error(`assay calibrate: ${msg}`);
  return 1;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        anchors: { type: 'string' },
        quadrature: { type: 'string' },
        'no-se': { type: 'boolean' },
        priors: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return fail(`expected one RESPONSES.csv argument\n${USAGE}`);
  const model = (values.model ?? '2pl') as IrtModel;
  if (!IRT_MODELS.includes(model)) return fail(`--model must be one of ${IRT_MODELS.join(', ')}, got "${values.model}"`);
  const file = positionals[0];
  if (!existsSync(file)) return fail(`responses file not found: ${file}`);
  let quadraturePoints: number | undefined;
  if (values.quadrature !== undefined) {
    quadraturePoints = Number(values.quadrature);
    if (!Number.isInteger(quadraturePoints) || quadraturePoints < 5 || quadraturePoints > 201) return fail(`--quadrature must be an integer 5..201, got "${values.quadrature}"`);
  }
  if (values.priors !== undefined && values.priors !== 'default' && values.priors !== 'none') return fail(`--priors must be default or none, got "${values.priors}"`);
  try {
    const matrix = parseResponsesCsv(readFileSync(file, 'utf8'));
    const anchors = values.anchors ? parseParameters(readFileSync(values.anchors, 'utf8')).items : undefined;
    const result = calibrate(matrix, {
      model,
      anchors,
      quadraturePoints,
      standardErrors: !values['no-se'],
      priors: values.priors as 'default' | 'none' | undefined,
    });
    const json = JSON.stringify(calibrationToJson(result), null, 2) + '\n';
    for (const w of result.warnings) console.error(`assay calibrate: warning: ${w}`);
    if (values.out) {
      const tmp = `${values.out}.tmp-${process.pid}`;
      writeFileSync(tmp, json);
      renameSync(tmp, values.out);
      console.error(`assay calibrate: ${result.nItems} items, ${result.nPersons} persons, logLik ${result.logLik.toFixed(3)}, ${result.iterations} E-steps${result.converged ? '' : ' (NOT converged)'} -> ${values.out}`);
    } else process.stdout.write(json);
    return result.converged ? 0 : 1;
  } catch (e) {
    if (e instanceof ResponsesCsvError || e instanceof CalibrationError || e instanceof ParametersError) return fail(`${file}: ${e.message}`);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') return fail(err.message);
    throw e;
  }
}
