/**
 * `assay theta --params PARAMS.json --responses JSON [--method eap|map|mle|wle]`
 * Estimates one candidate's ability on the bank's scale; prints {"theta", "se"}. Responses are
 * {"ITEM": category} (a JSON string, or @FILE). EAP/MAP use the bank's population as the prior.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { alignResponses, estimateAbility, type AbilityMethod } from '../../../analytics/irt/ability.ts';
import { parseParameters, ParametersError } from '../../../analytics/irt/model.ts';

export const summary = 'estimate ability from responses: --params PARAMS.json --responses JSON [--method eap|map|mle|wle]';

const USAGE = `Usage: assay theta --params PARAMS.json --responses '{"ITEM": category, ...}' [--method eap|map|mle|wle]
  --responses may also be @FILE with that JSON`;

function fail(msg: string): number {
  console.error(`assay theta: ${msg}`);
  return 1;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { params: { type: 'string' }, responses: { type: 'string' }, method: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  if (!v.params) return fail(`--params is required\n${USAGE}`);
  if (v.responses === undefined) return fail(`--responses is required\n${USAGE}`);
  const method = (v.method ?? 'eap') as AbilityMethod;
  if (!['eap', 'map', 'mle', 'wle'].includes(method)) return fail(`--method must be eap, map, mle or wle, got "${v.method}"`);
  let params;
  try {
    params = parseParameters(readFileSync(v.params, 'utf8'));
  } catch (e) {
    if (e instanceof ParametersError) return fail(`${v.params}: ${e.message}`);
    return fail(`cannot read --params ${v.params}: ${(e as Error).message}`);
  }
  let text = v.responses;
  if (text.startsWith('@')) {
    try {
      text = readFileSync(text.slice(1), 'utf8');
    } catch (e) {
      return fail(`cannot read --responses file ${text.slice(1)}: ${(e as Error).message}`);
    }
  }
  let byId: unknown;
  try {
    byId = JSON.parse(text);
  } catch (e) {
    return fail(`--responses is not valid JSON (${(e as Error).message})`);
  }
  if (typeof byId !== 'object' || byId === null || Array.isArray(byId)) return fail('--responses must be a JSON object {"ITEM": category}');
  let responses;
  try {
    responses = alignResponses(params.items, byId as Record<string, unknown>);
  } catch (e) {
    return fail(`--responses: ${(e as Error).message}`);
  }
  const r = estimateAbility(params.items, responses, { method, prior: params.population ?? { mean: 0, sd: 1 } });
  if (!r.ok) {
    console.log(JSON.stringify({ theta: null, se: null, method, reason: r.reason, direction: r.direction, message: r.message }));
    console.error(`assay theta: ${r.message}`);
    return 1;
  }
  console.log(JSON.stringify({ theta: r.theta, se: r.se }));
  return 0;
}
