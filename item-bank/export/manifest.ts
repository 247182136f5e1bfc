/**
 * Writes a QTI 3.0 content-package manifest with LOM, QTI metadata and Assay's metadata block
 * (the same mapping the package reader understands, see item-bank/package/metadata.ts).
 */
import type { ItemMetadata } from '../model/types.ts';
import { ASSAY_METADATA_NS } from '../package/metadata.ts';

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

export const CP3_NS = 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1';
export const LOM_NS = 'http://ltsc.ieee.org/xsd/LOM';
export const QTI3_METADATA_NS = 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imsqti_metadata_v3p0';

export interface ManifestResourceOut {
  identifier: string;
  type: 'imsqti_item_xmlv3p0' | 'imsqti_test_xmlv3p0' | 'webcontent';
  href?: string;
  files: string[];
  dependencies: string[];
  metadata?: ItemMetadata;
}

const t = (s: string) => escapeText(s);
const a = (s: string) => escapeAttr(s);

function lom(md: ItemMetadata, ind: string): string {
  const general: string[] = [];
  if (md.title) general.push(`<imsmd:title><imsmd:string>${t(md.title)}</imsmd:string></imsmd:title>`);
  if (md.language) general.push(`<imsmd:language>${t(md.language)}</imsmd:language>`);
  if (typeof md.description === 'string') general.push(`<imsmd:description><imsmd:string>${t(md.description)}</imsmd:string></imsmd:description>`);
  for (const k of md.keywords ?? []) general.push(`<imsmd:keyword><imsmd:string>${t(k)}</imsmd:string></imsmd:keyword>`);
  const parts: string[] = [];
  if (general.length) parts.push(`<imsmd:general>${general.join('')}</imsmd:general>`);
  if (md.difficulty) parts.push(`<imsmd:educational><imsmd:difficulty><imsmd:source>LOMv1.0</imsmd:source><imsmd:value>${t(md.difficulty)}</imsmd:value></imsmd:difficulty></imsmd:educational>`);
  return parts.length ? `${ind}<imsmd:lom>${parts.join('')}</imsmd:lom>\n` : '';
}

function qtiMeta(md: ItemMetadata, ind: string): string {
  const parts: string[] = [];
  const types = Array.isArray(md.interactionTypes) ? (md.interactionTypes as string[]) : [];
  for (const it of types) parts.push(`<imsqti:interactionType>${t(it)}</imsqti:interactionType>`);
  if (md.toolName) parts.push(`<imsqti:toolName>${t(md.toolName)}</imsqti:toolName>`);
  if (md.toolVersion) parts.push(`<imsqti:toolVersion>${t(md.toolVersion)}</imsqti:toolVersion>`);
  return parts.length ? `${ind}<imsqti:qtiMetadata>${parts.join('')}</imsqti:qtiMetadata>\n` : '';
}

function assay(md: ItemMetadata, ind: string): string {
  const parts: string[] = [];
  for (const k of ['subject', 'skill', 'level', 'itModule', 'grade'] as const) {
    const v = md[k];
    if (typeof v === 'string' && v) parts.push(`<assay:${k}>${t(v)}</assay:${k}>`);
  }
  const irt = md.irt as (ItemMetadata['irt'] & { steps?: number[] }) | undefined;
  if (irt) {
    const attrs: string[] = [];
    if (irt.model) attrs.push(`model="${a(irt.model)}"`);
    for (const k of ['a', 'b', 'c', 'd'] as const) if (typeof irt[k] === 'number') attrs.push(`${k}="${irt[k]}"`);
    if (irt.thresholds?.length) attrs.push(`thresholds="${irt.thresholds.join(' ')}"`);
    if (irt.steps?.length) attrs.push(`steps="${irt.steps.join(' ')}"`);
    parts.push(`<assay:irt ${attrs.join(' ')}/>`);
  }
  return parts.length ? `${ind}<assay:assayMetadata>${parts.join('')}</assay:assayMetadata>\n` : '';
}

function metadataBlock(md: ItemMetadata | undefined, ind: string): string {
  if (!md) return '';
  const body = lom(md, ind + '  ') + qtiMeta(md, ind + '  ') + assay(md, ind + '  ');
  return body ? `${ind}<metadata>\n${body}${ind}</metadata>\n` : '';
}

/** The imsmanifest.xml text of a QTI 3.0 package. */
export function writeManifest(identifier: string, title: string | undefined, resources: ManifestResourceOut[]): string {
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>\n');
  out.push(`<manifest xmlns="${CP3_NS}" xmlns:imsmd="${LOM_NS}" xmlns:imsqti="${QTI3_METADATA_NS}" xmlns:assay="${ASSAY_METADATA_NS}" identifier="${a(identifier)}">\n`);
  out.push('  <metadata>\n    <schema>QTI Package</schema>\n    <schemaversion>3.0.0</schemaversion>\n');
  if (title) out.push(`    <imsmd:lom><imsmd:general><imsmd:title><imsmd:string>${t(title)}</imsmd:string></imsmd:title></imsmd:general></imsmd:lom>\n`);
  out.push('  </metadata>\n  <organizations/>\n  <resources>\n');
  for (const r of resources) {
    out.push(`    <resource identifier="${a(r.identifier)}" type="${r.type}"${r.href ? ` href="${a(encodePath(r.href))}"` : ''}>\n`);
    out.push(metadataBlock(r.metadata, '      '));
    for (const f of r.files) out.push(`      <file href="${a(encodePath(f))}"/>\n`);
    for (const d of r.dependencies) out.push(`      <dependency identifierref="${a(d)}"/>\n`);
    out.push('    </resource>\n');
  }
  out.push('  </resources>\n</manifest>\n');
  return out.join('');
}

/** Package path -> URI reference (each segment %-escaped where needed). */
export function encodePath(p: string): string {
  return p.split('/').map((s) => encodeURIComponent(s).replace(/%40/g, '@')).join('/');
}
