// serveStatic(root, options): serves files under a directory for GET and HEAD, with index files,
// dotfile rules, directory redirects, ETag/Last-Modified validators (RFC 9110 §8.8, §13), single
// byte ranges (RFC 9233) and Cache-Control. Path safety lives in static-path.ts.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/errors.js';
import { DEFAULT_TYPE, lookupType } from '../http/mime.js';
import { escapeHtml } from '../http/escape.js';
import { describe } from './bytes.js';
import { isInside, resolveUnderRoot } from './static-path.js';
import { parseRange } from './range.js';
import { evaluatePreconditions, ifRangeMatches } from './conditional.js';

export interface StaticOptions {
  /** Index file(s) served for a directory URL ending in '/'; false for none. Default 'index.html'. */
  index?: string | readonly string[] | false;
  /** Files or directories whose name starts with '.': 'ignore' (404, default), 'allow', 'deny' (403). */
  dotfiles?: 'ignore' | 'allow' | 'deny';
  /** Client errors (404, 403, 405, 400) call next() instead of next(err). Default true. */
  fallthrough?: boolean;
  /** Redirect a directory URL without a trailing slash to one with it (301). Default true. */
  redirect?: boolean;
  /** Send an ETag (default true). */
  etag?: boolean;
  /** Send Last-Modified (default true). */
  lastModified?: boolean;
  /** Cache-Control max-age in milliseconds, or a string like '1d', '2h', '30m'. Default 0. */
  maxAge?: number | string;
  /** Add 'immutable' to Cache-Control (default false). */
  immutable?: boolean;
  /** Send Cache-Control at all (default true). */
  cacheControl?: boolean;
  /** Honour Range requests (default true). */
  acceptRanges?: boolean;
  /** Serve files whose real path (after symlinks) lies outside the root. Default false. */
  followSymlinks?: boolean;
  /** Called before the headers go out, to add your own. */
  setHeaders?: (res: ServerResponse, file: string, stat: fs.Stats) => void;
}

export type StaticMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => Promise<unknown>;

const DURATION: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_557_600_000,
});

function parseMaxAge(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    let i = 0;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    const factor = DURATION[s.slice(i).trim() || 'ms'];
    if (i > 0 && factor !== undefined) return Number(s.slice(0, i)) * factor;
  }
  throw new TypeError(`option maxAge must be milliseconds or a string like '1d', got ${describe(value)}`);
}

function booleanOption(options: StaticOptions, name: keyof StaticOptions, fallback: boolean): boolean {
  const v = options[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`option ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

const LOCATION_SAFE = "-._~!$&'()*+,;=:@/?";

/** Percent-encodes what may not appear in a Location path (RFC 3986 §3.3), keeping valid escapes. */
function encodeLocation(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || LOCATION_SAFE.includes(s[i]!)) {
      out += s[i];
    } else if (c === 0x25 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      out += '%';
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else {
      out += c >= 0xd800 && c <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(s[i]!);
    }
  }
  return out;
}

/** Creates the static file middleware. Invalid options throw a TypeError now. */
export function serveStatic(root: string, options: StaticOptions = {}): StaticMiddleware {
  if (typeof root !== 'string' || root.length === 0) throw new TypeError('serveStatic(root): root must be a non-empty string');
  if (options === null || typeof options !== 'object') throw new TypeError('serveStatic options must be an object');
  const rootPath = path.resolve(root);
  const indexOption = options.index ?? 'index.html';
  const index: readonly string[] = indexOption === false ? [] : typeof indexOption === 'string' ? [indexOption] : indexOption;
  if (!Array.isArray(index) || !index.every((n) => typeof n === 'string' && n.length > 0 && !n.includes('/') && !n.includes('\\'))) {
    throw new TypeError(`option index must be a file name, an array of them, or false, got ${describe(indexOption)}`);
  }
  const dotfiles = options.dotfiles ?? 'ignore';
  if (dotfiles !== 'ignore' && dotfiles !== 'allow' && dotfiles !== 'deny') {
    throw new TypeError(`option dotfiles must be 'ignore', 'allow' or 'deny', got ${describe(dotfiles)}`);
  }
  const fallthrough = booleanOption(options, 'fallthrough', true);
  const redirect = booleanOption(options, 'redirect', true);
  const useEtag = booleanOption(options, 'etag', true);
  const useLastModified = booleanOption(options, 'lastModified', true);
  const immutable = booleanOption(options, 'immutable', false);
  const cacheControl = booleanOption(options, 'cacheControl', true);
  const acceptRanges = booleanOption(options, 'acceptRanges', true);
  const followSymlinks = booleanOption(options, 'followSymlinks', false);
  const maxAgeSeconds = Math.floor(parseMaxAge(options.maxAge) / 1000);
  const setHeaders = options.setHeaders;
  if (setHeaders !== undefined && typeof setHeaders !== 'function') throw new TypeError('option setHeaders must be a function');
  const cacheControlValue = `public, max-age=${maxAgeSeconds}${immutable ? ', immutable' : ''}`;

  // The real root is looked up once, on first use (the directory may not exist yet at startup).
  let realRoot: Promise<string> | undefined;
  const getRealRoot = (): Promise<string> => (realRoot ??= fsp.realpath(rootPath).catch((err: unknown) => {
    realRoot = undefined;
    throw err;
  }));

  /** Real path of `file` if it exists and may be served, else an HTTP status. */
  async function check(file: string): Promise<{ real: string; stat: fs.Stats } | number> {
    let real: string;
    let stat: fs.Stats;
    try {
      const base = await getRealRoot();
      real = await fsp.realpath(file);
      if (!followSymlinks && !isInside(base, real)) return 403;
      stat = await fsp.stat(real);
    } catch {
      return 404;
    }
    return { real, stat };
  }

  return async function serveStaticMiddleware(req, res, next) {
    const fail = (status: number, code: string): unknown => {
      if (fallthrough) return next();
      const headers = status === 405 ? { Allow: 'GET, HEAD' } : undefined;
      return next(new HttpError(status, status === 404 ? 'Not Found' : status === 405 ? 'Method Not Allowed' : status === 403 ? 'Forbidden' : 'Bad Request', { code, headers }));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'KEEL_STATIC_METHOD');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const resolved = resolveUnderRoot(rootPath, q === -1 ? url : url.slice(0, q));
    if (!resolved.ok) return fail(resolved.status, resolved.code);
    if (dotfiles !== 'allow') {
      for (const segment of resolved.segments) {
        if (segment.charCodeAt(0) === 46 /* . */) {
          return dotfiles === 'deny' ? fail(403, 'KEEL_STATIC_DOTFILE') : fail(404, 'KEEL_STATIC_NOT_FOUND');
        }
      }
    }
    const found = await check(resolved.file);
    if (typeof found === 'number') return fail(found, found === 403 ? 'KEEL_STATIC_OUTSIDE_ROOT' : 'KEEL_STATIC_NOT_FOUND');
    if (found.stat.isFile()) return sendFile(req, res, found.real, next);
    if (!found.stat.isDirectory()) return fail(404, 'KEEL_STATIC_NOT_FOUND');

    const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl || url;
    const oq = original.indexOf('?');
    const originalPath = oq === -1 ? original : original.slice(0, oq);
    if (!originalPath.endsWith('/')) {
      if (!redirect) return fail(404, 'KEEL_STATIC_NOT_FOUND');
      // CVE-2015-1164: a relative './name/' reference can never become '//evil.com'.
      const last = originalPath.slice(originalPath.lastIndexOf('/') + 1);
      const location = encodeLocation('./' + last + '/' + (oq === -1 ? '' : original.slice(oq)));
      // CVE-2024-43799: the page repeats the location only HTML-escaped.
      const body = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Redirecting</title></head><body><pre>Redirecting to ${escapeHtml(location)}</pre></body></html>\n`;
      res.statusCode = 301;
      res.setHeader('Location', location);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    for (const name of index) {
      if (dotfiles !== 'allow' && name.charCodeAt(0) === 46) continue;
      const candidate = await check(path.join(found.real, name));
      if (typeof candidate !== 'number' && candidate.stat.isFile()) return sendFile(req, res, candidate.real, next);
    }
    return fail(404, 'KEEL_STATIC_NOT_FOUND');
  };

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, next: (err?: unknown) => unknown): Promise<unknown> {
    let handle: fsp.FileHandle;
    let stat: fs.Stats;
    try {
      handle = await fsp.open(file, fs.constants.O_RDONLY);
    } catch {
      return fallthrough ? next() : next(new HttpError(404, 'Not Found', { code: 'KEEL_STATIC_NOT_FOUND' }));
    }
    try {
      stat = await handle.stat();
    } catch (err) {
      await handle.close();
      return next(err);
    }
    if (res.headersSent || res.destroyed) {
      await handle.close();
      return;
    }
    const size = stat.size;
    const mtime = stat.mtimeMs;
    // A strong validator from size and mtime (as nginx does), so If-Range and If-Match can use it.
    const etag = `"${size.toString(16)}-${Math.floor(mtime).toString(16)}"`;
    if (acceptRanges) res.setHeader('Accept-Ranges', 'bytes');
    if (cacheControl && !res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', cacheControlValue);
    if (useLastModified && !res.hasHeader('Last-Modified')) res.setHeader('Last-Modified', stat.mtime.toUTCString());
    if (useEtag && !res.hasHeader('ETag')) res.setHeader('ETag', etag);
    if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', lookupType(file) ?? DEFAULT_TYPE);
    if (setHeaders !== undefined) setHeaders(res, file, stat);

    const precondition = evaluatePreconditions(req.headers, useEtag ? etag : '', useLastModified ? mtime : Number.NaN, true);
    if (precondition !== 'ok') {
      await handle.close();
      // RFC 9110 §15.4.5: a 304 carries no content and no Content-Type/Length of its own.
      res.removeHeader('Content-Type');
      res.statusCode = precondition === 'not-modified' ? 304 : 412;
      res.end();
      return;
    }
    let start = 0;
    let end = size - 1;
    const rangeHeader = req.headers.range;
    if (acceptRanges && rangeHeader !== undefined && ifRangeMatches(req.headers, etag, mtime)) {
      const range = parseRange(rangeHeader, size);
      if (range.kind === 'unsatisfiable') {
        await handle.close();
        // RFC 9233 §15.4.17: "SHOULD generate a Content-Range header field specifying the current length".
        res.statusCode = 416;
        res.setHeader('Content-Range', `bytes */${size}`);
        res.removeHeader('Content-Type');
        res.end();
        return;
      }
      if (range.kind === 'range') {
        start = range.start;
        end = range.end;
        res.statusCode = 206;
        res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
      }
    }
    res.setHeader('Content-Length', Math.max(0, end - start + 1));
    if (req.method === 'HEAD' || size === 0) {
      await handle.close();
      res.end();
      return;
    }
    // pipeline respects backpressure and destroys the file stream (closing the handle) if the
    // client goes away; the error it reports then is expected and ignored.
    const stream = handle.createReadStream({ start, end, autoClose: true });
    pipeline(stream, res, noop);
    return;
  }
}

function noop(): void {}
