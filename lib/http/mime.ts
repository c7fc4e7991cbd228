// A small Content-Type table for the common web types, and the lookups Response.type() and
// serveStatic() need. Kept deliberately short: an unknown extension is application/octet-stream.

const TYPES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  cjs: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  bin: 'application/octet-stream',
  form: 'application/x-www-form-urlencoded',
  urlencoded: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data',
});

export const DEFAULT_TYPE = 'application/octet-stream';

/**
 * The Content-Type for a file name, an extension ('.html' or 'html'), or a short name ('json').
 * Returns undefined when unknown.
 */
export function lookupType(nameOrExt: string): string | undefined {
  const dot = nameOrExt.lastIndexOf('.');
  const ext = (dot === -1 ? nameOrExt : nameOrExt.slice(dot + 1)).toLowerCase();
  return TYPES[ext];
}

/**
 * Expands what a user passed to res.type() or a body parser's `type` option: a full MIME type
 * ('text/html') is returned as is; an extension or short name is looked up.
 */
export function normalizeType(type: string): string {
  if (type.includes('/')) return type;
  return lookupType(type) ?? DEFAULT_TYPE;
}
