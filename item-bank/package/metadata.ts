/**
 * Item and test metadata carried in a manifest `<metadata>` block: IEEE LOM (title, language,
 * keywords, description, educational difficulty, discipline classification), QTI metadata
 * (interaction types, tool name and version) and Assay's own block:
 *
 *   <assay:assayMetadata xmlns:assay="urn:assay:metadata:v1">
 *     <assay:subject>math</assay:subject>      <assay:skill>MATH.10.2.1</assay:skill>
 *     <assay:level>B1</assay:level>            (CEFR A1..C2 or the 6-level framework 1..6)
 *     <assay:itModule>IU03</assay:itModule>    <assay:grade>10</assay:grade>
 *     <assay:irt model="3pl" a="1.2" b="-0.4" c="0.2" d="1" thresholds="" steps=""/>
 *   </assay:assayMetadata>
 *
 * Elements are matched by local name so any prefix (or a default namespace) works.
 */
import type { ItemMetadata } from '../model/types.ts';
import { child, elements, textOf, type XmlElement } from './xml.ts';
import { problem, type Problem } from './problem.ts';

export type { ItemMetadata };

/** The namespace of Assay's metadata block. */
export const ASSAY_METADATA_NS = 'urn:assay:metadata:v1';

export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
export const IRT_MODELS = ['rasch', '1pl', '2pl', '3pl', '4pl', 'grm', 'gpcm', 'pcm'] as const;

export interface IrtMetadata {
  model?: string;
  a?: number;
  b?: number;
  c?: number;
  d?: number;
  thresholds?: number[];
  steps?: number[];
}

/** Text of a LOM "string"/"langstring"/"value" holder, trimmed; undefined when empty. */
function lomText(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  const inner = child(el, 'string') ?? child(el, 'langstring') ?? child(el, 'value');
  const t = (inner ? lomText(inner) ?? textOf(inner) : textOf(el)).trim();
  return t === '' ? undefined : t;
}

/** 6-level framework band 1..6 or CEFR A1..C2 -> CEFR; undefined when not recognised. */
export function normaliseLevel(raw: string): string | undefined {
  const s = raw.trim().toUpperCase();
  if ((CEFR_LEVELS as readonly string[]).includes(s)) return s;
  const m = /^(?:BẬC|BAC|LEVEL|VN)?\s*([1-6])$/u.exec(s);
  return m ? CEFR_LEVELS[Number(m[1]) - 1] : undefined;
}

/** `iu3`, `IU03`, `3` -> `IU03`; undefined outside IU01..IU15. */
export function normaliseItModule(raw: string): string | undefined {
  const m = /^(?:IU)?0*([0-9]{1,2})$/i.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= 15 ? `IU${String(n).padStart(2, '0')}` : undefined;
}

/**
 * Reads every metadata block found under a manifest `<metadata>` element.
 * @param file package path of the manifest, for problem positions
 */
export function readMetadata(metadata: XmlElement | undefined, file: string, problems: Problem[]): ItemMetadata {
  const md: ItemMetadata = {};
  if (!metadata) return md;
  for (const block of elements(metadata)) {
    if (block.local === 'lom') readLom(block, md);
    else if (block.local === 'qtiMetadata') readQtiMetadata(block, md);
    else if (block.local === 'assayMetadata') readAssay(block, md, file, problems);
  }
  return md;
}

function readLom(lom: XmlElement, md: ItemMetadata): void {
  const general = child(lom, 'general');
  if (general) {
    md.title ??= lomText(child(general, 'title'));
    md.language ??= lomText(child(general, 'language'));
    const description = lomText(child(general, 'description'));
    if (description) md.description ??= description;
    const kws = elements(general, 'keyword').flatMap((k) => {
      const strings = [...elements(k, 'string'), ...elements(k, 'langstring')];
      return (strings.length ? strings.map(textOf) : [textOf(k)]).map((s) => s.trim()).filter(Boolean);
    });
    if (kws.length) md.keywords = [...(md.keywords ?? []), ...kws];
  }
  const educational = child(lom, 'educational');
  if (educational) md.difficulty ??= lomText(child(educational, 'difficulty'));
  for (const cls of elements(lom, 'classification')) {
    const purpose = lomText(child(cls, 'purpose'))?.toLowerCase();
    if (purpose !== 'discipline') continue;
    // LOM 1.0 writes taxonPath, IMS MD 1.2 taxonpath.
    const path = elements(cls).find((e) => e.local.toLowerCase() === 'taxonpath');
    const taxon = child(path ?? cls, 'taxon');
    const entry = taxon && lomText(child(taxon, 'entry'));
    if (entry) md.subject ??= entry;
  }
}

function readQtiMetadata(q: XmlElement, md: ItemMetadata): void {
  const types = elements(q, 'interactionType').map((e) => textOf(e).trim()).filter(Boolean);
  if (types.length) md.interactionTypes = types;
  const tool = child(q, 'toolName');
  if (tool) md.toolName ??= textOf(tool).trim();
  const ver = child(q, 'toolVersion');
  if (ver) md.toolVersion ??= textOf(ver).trim();
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

function readAssay(block: XmlElement, md: ItemMetadata, file: string, problems: Problem[]): void {
  const warn = (el: XmlElement, msg: string) => problems.push(problem(file, 'warning', 'metadata.invalid', msg, el.line, el.column));
  for (const el of elements(block)) {
    const text = textOf(el).trim();
    switch (el.local) {
      case 'subject':
        if (text) md.subject = text;
        break;
      case 'skill':
        if (text) md.skill = text;
        break;
      case 'level': {
        const level = normaliseLevel(text);
        if (level) md.level = level;
        else warn(el, `level "${text}" is not a CEFR band (A1..C2) or a 6-level framework band (1..6); it was ignored`);
        break;
      }
      case 'itModule': {
        const m = normaliseItModule(text);
        if (m) md.itModule = m;
        else warn(el, `IT module "${text}" is not one of IU01..IU15; it was ignored`);
        break;
      }
      case 'grade': {
        const g = Number(text);
        if (Number.isInteger(g) && g >= 1 && g <= 12) md.grade = String(g);
        else warn(el, `grade "${text}" is not a school grade 1..12; it was ignored`);
        break;
      }
      case 'irt': {
        const irt = readIrt(el, warn);
        if (irt) md.irt = irt;
        break;
      }
      default:
        warn(el, `unknown element <${el.name}> in the Assay metadata block; it was ignored (known: subject, skill, level, itModule, grade, irt)`);
    }
  }
}

function readIrt(el: XmlElement, warn: (el: XmlElement, msg: string) => void): IrtMetadata | undefined {
  const irt: IrtMetadata = {};
  const model = el.attrs.model?.trim().toLowerCase();
  if (model) {
    if (!(IRT_MODELS as readonly string[]).includes(model)) {
      warn(el, `IRT model "${el.attrs.model}" is not one of ${IRT_MODELS.join(', ')}; the IRT parameters were ignored`);
      return undefined;
    }
    irt.model = model;
  }
  for (const k of ['a', 'b', 'c', 'd'] as const) {
    const v = num(el.attrs[k]);
    if (v === undefined) continue;
    if (Number.isNaN(v)) {
      warn(el, `IRT parameter ${k}="${el.attrs[k]}" is not a number; the IRT parameters were ignored`);
      return undefined;
    }
    irt[k] = v;
  }
  for (const k of ['thresholds', 'steps'] as const) {
    const raw = el.attrs[k]?.trim();
    if (!raw) continue;
    const vals = raw.split(/[\s,]+/).map(Number);
    if (vals.some((v) => !Number.isFinite(v))) {
      warn(el, `IRT ${k}="${raw}" must be numbers separated by spaces; the IRT parameters were ignored`);
      return undefined;
    }
    irt[k] = vals;
  }
  if ((irt.c !== undefined && (irt.c < 0 || irt.c >= 1)) || (irt.a !== undefined && irt.a <= 0)) {
    warn(el, 'IRT parameters out of range (need a > 0 and 0 <= c < 1); they were ignored');
    return undefined;
  }
  return Object.keys(irt).length ? irt : undefined;
}

/** Merges metadata: fields of `over` win, keywords are united. */
export function mergeMetadata(base: ItemMetadata, over: ItemMetadata): ItemMetadata {
  const out: ItemMetadata = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = v;
  if (base.keywords && over.keywords) out.keywords = [...new Set([...base.keywords, ...over.keywords])];
  return out;
}
