/**
 * Which files a package may carry, by extension, and a cheap check of the first bytes so a
 * renamed executable does not pass as a picture. Scripts (PCI modules, .js) are not among the
 * defaults: a candidate's browser should run only Assay's own player code.
 */
export interface MediaKind {
  mediaType: string;
  /** true: text that must be UTF-8 without NUL bytes; otherwise a magic-bytes check. */
  text: boolean;
  magic?: (b: Uint8Array) => boolean;
}

const at = (b: Uint8Array, off: number, ...bytes: number[]) => bytes.every((x, i) => b[off + i] === x);
const ascii = (b: Uint8Array, off: number, s: string) => at(b, off, ...[...s].map((c) => c.charCodeAt(0)));

const png = (b: Uint8Array) => at(b, 0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const jpeg = (b: Uint8Array) => at(b, 0, 0xff, 0xd8, 0xff);
const gif = (b: Uint8Array) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a');
const riff = (kind: string) => (b: Uint8Array) => ascii(b, 0, 'RIFF') && ascii(b, 8, kind);
const ftyp = (b: Uint8Array) => ascii(b, 4, 'ftyp');
const ogg = (b: Uint8Array) => ascii(b, 0, 'OggS');
const ebml = (b: Uint8Array) => at(b, 0, 0x1a, 0x45, 0xdf, 0xa3);
const mp3 = (b: Uint8Array) => ascii(b, 0, 'ID3') || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0);
const pdf = (b: Uint8Array) => ascii(b, 0, '%PDF-');
const woff = (b: Uint8Array) => ascii(b, 0, 'wOFF');
const woff2 = (b: Uint8Array) => ascii(b, 0, 'wOF2');

/** Default allowed files: QTI XML, stylesheets, images, audio, video, fonts, PDF. */
export const DEFAULT_MEDIA: Record<string, MediaKind> = {
  xml: { mediaType: 'application/xml', text: true },
  css: { mediaType: 'text/css', text: true },
  txt: { mediaType: 'text/plain', text: true },
  svg: { mediaType: 'image/svg+xml', text: true },
  png: { mediaType: 'image/png', text: false, magic: png },
  jpg: { mediaType: 'image/jpeg', text: false, magic: jpeg },
  jpeg: { mediaType: 'image/jpeg', text: false, magic: jpeg },
  gif: { mediaType: 'image/gif', text: false, magic: gif },
  webp: { mediaType: 'image/webp', text: false, magic: riff('WEBP') },
  mp3: { mediaType: 'audio/mpeg', text: false, magic: mp3 },
  m4a: { mediaType: 'audio/mp4', text: false, magic: ftyp },
  ogg: { mediaType: 'audio/ogg', text: false, magic: ogg },
  oga: { mediaType: 'audio/ogg', text: false, magic: ogg },
  wav: { mediaType: 'audio/wav', text: false, magic: riff('WAVE') },
  mp4: { mediaType: 'video/mp4', text: false, magic: ftyp },
  webm: { mediaType: 'video/webm', text: false, magic: ebml },
  ogv: { mediaType: 'video/ogg', text: false, magic: ogg },
  pdf: { mediaType: 'application/pdf', text: false, magic: pdf },
  woff: { mediaType: 'font/woff', text: false, magic: woff },
  woff2: { mediaType: 'font/woff2', text: false, magic: woff2 },
};

/** Lower-case extension without the dot, '' when none. */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export type MediaCheck = { ok: true; mediaType: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Checks that a file's extension is allowed and that its bytes look like that type. */
export function checkMedia(path: string, bytes: Uint8Array, allowed: Record<string, MediaKind> = DEFAULT_MEDIA): MediaCheck {
  const ext = extensionOf(path);
  const kind = Object.prototype.hasOwnProperty.call(allowed, ext) ? allowed[ext] : undefined;
  if (!kind) {
    const list = Object.keys(allowed).sort().join(', ');
    return { ok: false, reason: `files of type "${ext ? '.' + ext : 'no extension'}" are not allowed in a package (allowed: ${list})` };
  }
  if (kind.text) {
    if (bytes.includes(0)) return { ok: false, reason: `named .${ext} but contains binary data (NUL bytes)` };
    try {
      utf8.decode(bytes);
    } catch {
      return { ok: false, reason: `named .${ext} but is not valid UTF-8 text` };
    }
    if (ext === 'svg' && !/<svg[\s>]/.test(new TextDecoder().decode(bytes.subarray(0, 4096)))) {
      return { ok: false, reason: 'named .svg but has no <svg> element near the start' };
    }
  } else if (kind.magic && !kind.magic(bytes)) {
    return { ok: false, reason: `named .${ext} but its content is not ${kind.mediaType} (the first bytes do not match)` };
  }
  return { ok: true, mediaType: kind.mediaType };
}
