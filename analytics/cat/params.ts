/**
 * CAT items from an IRT parameters JSON (DESIGN.md): the IRT reader validates the model
 * parameters; CAT adds each item's optional `content` (content area) and `enemies` (item ids).
 */
import { parseParameters, ParametersError } from '../irt/model.ts';
import type { CatItem } from './types.ts';

/** Parses the parameters JSON into CAT items. Throws ParametersError naming the item and field. */
export function catItemsFromParameters(json: string | unknown): CatItem[] {
  const doc = typeof json === 'string' ? safeParse(json) : json;
  const params = parseParameters(doc);
  const rawItems = (doc as { items: Record<string, unknown>[] }).items;
  return params.items.map((it, i) => {
    const r = rawItems[i];
    const out: CatItem = { ...it };
    if (r.content !== undefined && r.content !== null) {
      if (typeof r.content !== 'string' || r.content === '') throw new ParametersError(`parameters: items[${i}] (id "${it.id}"): "content" must be a non-empty string`);
      out.content = r.content;
    }
    if (r.enemies !== undefined && r.enemies !== null) {
      if (!Array.isArray(r.enemies) || !r.enemies.every((e) => typeof e === 'string')) {
        throw new ParametersError(`parameters: items[${i}] (id "${it.id}"): "enemies" must be an array of item ids`);
      }
      out.enemies = r.enemies.slice() as string[];
    }
    return out;
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ParametersError(`parameters: not valid JSON (${(e as Error).message})`);
  }
}

/** Reads a bank CSV with columns `item,a,b,c,d[,Group]` (the layout of catR's tcals export). */
export function catItemsFromCsv(text: string): CatItem[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const [ci, ca, cb, cc, cd, cg] = ['item', 'a', 'b', 'c', 'd', 'group'].map(col);
  if (ca < 0 || cb < 0) throw new ParametersError(`bank CSV: line 1 must have columns a and b (got ${header.join(', ')})`);
  return lines.slice(1).map((line, i) => {
    const f = line.split(',').map((x) => x.trim().replace(/^"|"$/g, ''));
    const num = (c: number, dflt: number, name: string) => {
      if (c < 0 || f[c] === undefined || f[c] === '') return dflt;
      const v = Number(f[c]);
      if (!Number.isFinite(v)) throw new ParametersError(`bank CSV: line ${i + 2}: ${name} '${f[c]}' is not a number`);
      return v;
    };
    const c = num(cc, 0, 'c');
    const d = num(cd, 1, 'd');
    const item: CatItem = { id: ci >= 0 ? f[ci] : String(i + 1), model: d < 1 ? '4pl' : c > 0 ? '3pl' : '2pl', a: num(ca, 1, 'a'), b: num(cb, 0, 'b') };
    if (c) item.c = c;
    if (d !== 1) item.d = d;
    if (cg >= 0 && f[cg]) item.content = f[cg];
    return item;
  });
}
