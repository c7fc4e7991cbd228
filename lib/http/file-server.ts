// The file-serving engine of serveStatic() (middleware/static.ts) and res.sendFile()
// (http/send-file.ts): dotfile rules, index files and directory redirects, ETag/Last-Modified
// validators (RFC 9110 §8.8, §13), single byte ranges (RFC 9110 §14, parsed by http/range.ts as
// req.range() parses them) and Cache-Control. Path safety lives in static-path.ts.

import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';
import { DEFAULT_TYPE, lookupType } from './mime.js';
import { hexValue } from './percent-encoding.js';
import { escapeHtml } from './escape.js';
import { describe } from './describe.js';
import { isInside, resolveUnderRoot } from './static-path.js';
import { parseRange, type RangeOptions } from './range.js';
import { VerifiedFiles, matches, type VerifiedFile } from './static-verified.js';
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
  /**
   * How many files proven to lie inside the root (by their real path) are remembered, so repeated
   * requests skip the realpath and stat calls; 0 proves every request afresh. Default 1000.
   */
  verifiedCacheSize?: number;
  /** Called before the headers go out, to add your own. */
  setHeaders?: (res: ServerResponse, file: string, stat: fs.Stats) => void;
}

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

const LOCATION_SAFE = "-._~!$&'()*+,;=:@/?";

/**
 * The Location of a directory redirect ('./name/' plus the query): percent-encodes what may not
 * appear in a path (RFC 3986 §3.3), keeping valid escapes. Stricter than res.location()'s
 * encodeLocation() in encode-url.ts, which follows encodeurl's rules for any URL an app gives.
 */
function encodeDirectoryLocation(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || LOCATION_SAFE.includes(s[i]!)) {
      out += s[i];
    } else if (c === 0x25 && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0) {
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

/**
 * Files up to this size are read with one fs.read into one buffer and sent with res.end(buf): no
 * stream objects, no pipeline, no second read for EOF. Larger files are streamed with backpressure.
 */
const SMALL_FILE = 64 * 1024;

/**
 * Range parsing as send does it (range-parser with combine: true): overlapping and adjacent ranges
 * merge, so 'bytes=0-1,2-3' is one range; bytes only. One frozen object, not one per request.
 */
const STATIC_RANGE_OPTIONS: RangeOptions = Object.freeze({ combine: true, unit: 'bytes' });

// O_NONBLOCK: opening a FIFO that was swapped in never blocks a thread-pool thread (regular files
// ignore the flag); O_NOCTTY: a terminal device never becomes our controlling terminal.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);

// Where the system names the file an open descriptor holds (Linux: /proc/self/fd/N, a link to its
// path), serveStatic() checks that path against the root once more after open(). realpath() and
// open() are two steps: a directory on the way swapped for a symlink between them would otherwise
// be followed out of the root. Elsewhere the realpath check alone applies.
const FD_PATHS = process.platform === 'linux' && fs.existsSync('/proc/self/fd') ? '/proc/self/fd/' : undefined;

// The real paths of roots, once found, for every engine: serveStatic() makes one engine per root,
// but res.sendFile() makes one per call and would otherwise pay a realpath() of its root on every
// request. A root that does not exist yet is not remembered; one whose real path changes (a
// symlink swapped by a deployment) is looked up again when a file seems to lie outside it.
// Bounded: roots are the app's own directories, a handful.
const realRoots = new Map<string, string>();
const MAX_REAL_ROOTS = 100;

/** One request's progress through the file system callbacks (one object instead of many closures' state). */
class StaticRequest {
  /** The resolved path being tried: the URL's own, or `dir` joined with an index name. */
  file = '';
  /** For a directory URL: its resolved path; index names are tried from `indexPos`. */
  dir = '';
  indexPos = -1;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly next: (err?: unknown) => unknown,
    readonly url: string,
  ) {}
}

/**
 * Serves the file a URL path (percent-encoded, with or without a query) names under
 * `root`. What serveStatic() and res.sendFile() share.
 */
export type FileServer = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown, url: string) => void;

/** Where serveStatic() and res.sendFile() differ. */
export interface FileServerMode {
  /** Answer every method (sendFile), not only GET and HEAD (405 otherwise). */
  anyMethod: boolean;
  /**
   * With no `dotfiles` option, only a file name starting with '.' is hidden, not the directories
   * on the way (send's default, which res.sendFile() keeps: an app may live under '~/.local').
   */
  dotfileNameOnly: boolean;
}

/** The engine of serveStatic() and res.sendFile(); `options` is checked here (TypeError). */
export function fileServer(root: string, options: StaticOptions, mode: FileServerMode): FileServer {
  const rootPath = path.resolve(root);
  const indexOption = options.index ?? 'index.html';
  const index: readonly string[] = indexOption === false ? [] : typeof indexOption === 'string' ? [indexOption] : indexOption;
  if (!Array.isArray(index) || !index.every((n) => typeof n === 'string' && n.length > 0 && !n.includes('/') && !n.includes('\\'))) {
    throw new TypeError(`option index must be a file name, an array of them, or false, got ${describe(indexOption)}`);
  }
  const dotfiles = options.dotfiles ?? 'ignore';
  const nameOnly = mode.dotfileNameOnly && options.dotfiles === undefined;
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
  const cacheSize = options.verifiedCacheSize ?? 1000;
  if (typeof cacheSize !== 'number' || !Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw new TypeError(`option verifiedCacheSize must be a non-negative integer, got ${describe(cacheSize)}`);
  }
  const cacheControlValue = `public, max-age=${maxAgeSeconds}${immutable ? ', immutable' : ''}`;
  const verified = new VerifiedFiles(cacheSize);

  // The real root is looked up once, on first use (the directory may not exist yet at startup).
  let realRoot: string | undefined = realRoots.get(rootPath);

  function fail(s: StaticRequest, status: number, code: string): void {
    if (fallthrough) {
      s.next();
      return;
    }
    const headers = status === 405 ? { Allow: 'GET, HEAD' } : undefined;
    s.next(new HttpError(status, status === 404 ? 'Not Found' : status === 405 ? 'Method Not Allowed' : status === 403 ? 'Forbidden' : 'Bad Request', { code, headers }));
  }

  /** `s.file` cannot be served: try the next index name, or answer `status`. */
  function miss(s: StaticRequest, status: number): void {
    if (s.indexPos >= 0) {
      tryIndex(s, s.indexPos + 1);
      return;
    }
    fail(s, status, status === 403 ? 'KEEL_STATIC_OUTSIDE_ROOT' : 'KEEL_STATIC_NOT_FOUND');
  }

  /** Serves `s.file`: the fast way when it was proven before, else through realpath and stat. */
  function lookup(s: StaticRequest): void {
    const entry = verified.get(s.file);
    if (entry === undefined) {
      prove(s);
      return;
    }
    // Fast path: open the requested path itself, then check that the descriptor holds the very
    // inode proven to lie inside the root, unchanged. Anything else drops the entry and proves again.
    fs.open(s.file, OPEN_FLAGS, (err, fd) => {
      if (err !== null) {
        verified.delete(s.file);
        prove(s);
        return;
      }
      fs.fstat(fd, (err2, st) => {
        if (err2 !== null || !matches(entry, st)) {
          fs.close(fd, noop);
          verified.delete(s.file);
          prove(s);
          return;
        }
        send(s, fd, st, entry);
      });
    });
  }

  /** Looks up the root's real path afresh, remembers it, then calls `then` (404 when it is gone). */
  function resolveRoot(s: StaticRequest, then: () => void): void {
    fs.realpath(rootPath, (err, real) => {
      if (err !== null) {
        miss(s, 404);
        return;
      }
      realRoot = real;
      if (realRoots.has(rootPath) || realRoots.size < MAX_REAL_ROOTS) realRoots.set(rootPath, real);
      then();
    });
  }

  /** Slow path: the real path must lie inside the root (unless followSymlinks), then stat says what it is. */
  function prove(s: StaticRequest): void {
    if (realRoot === undefined) {
      resolveRoot(s, () => prove(s));
      return;
    }
    fs.realpath(s.file, (err, real) => {
      if (err !== null) {
        miss(s, 404);
        return;
      }
      if (followSymlinks || isInside(realRoot!, real)) {
        proven(s, real);
        return;
      }
      // Outside the remembered real root. The root itself may have moved since it was looked up
      // (a deployment that swaps a symlink such as current -> releases/N): look once more, and
      // refuse only when the file is outside the root as it is now.
      const before = realRoot!;
      resolveRoot(s, () => {
        if (realRoot !== before && isInside(realRoot!, real)) proven(s, real);
        else miss(s, 403);
      });
    });
  }

  /** `real` lies where it may be served from: stat says whether it is a file or a directory. */
  function proven(s: StaticRequest, real: string): void {
    fs.stat(real, (err, st) => {
      if (err !== null) miss(s, 404);
      else if (st.isFile()) openProven(s, real, st);
      else if (st.isDirectory() && s.indexPos === -1) directory(s);
      else miss(s, 404);
    });
  }

  /** Opens the proven real path; the descriptor must hold the inode that was stat'ed. */
  function openProven(s: StaticRequest, real: string, proven: fs.Stats): void {
    fs.open(real, OPEN_FLAGS, (err, fd) => {
      if (err !== null) {
        miss(s, 404);
        return;
      }
      fs.fstat(fd, (err2, st) => {
        if (err2 !== null) {
          fs.close(fd, noop);
          s.next(err2);
          return;
        }
        // Swapped between the stat and the open: not the file that was proven.
        if (st.ino !== proven.ino || st.dev !== proven.dev || !st.isFile()) {
          fs.close(fd, noop);
          miss(s, 404);
          return;
        }
        if (followSymlinks || FD_PATHS === undefined) {
          remember(s, real, fd, st);
          return;
        }
        // The descriptor's own path: inside the root, or the file was reached through a swap.
        fs.readlink(FD_PATHS + fd, (err3, opened) => {
          if (err3 !== null || !isInside(realRoot!, opened)) {
            fs.close(fd, noop);
            miss(s, 403);
            return;
          }
          remember(s, real, fd, st);
        });
      });
    });
  }

  /** Records a file proven to lie inside the root, then serves it. */
  function remember(s: StaticRequest, real: string, fd: number, st: fs.Stats): void {
    const mtime = st.mtimeMs;
    const entry: VerifiedFile = {
      real,
      dev: st.dev,
      ino: st.ino,
      ctimeMs: st.ctimeMs,
      mtimeMs: mtime,
      size: st.size,
      type: lookupType(real) ?? DEFAULT_TYPE,
      // A strong validator from size and mtime (as nginx does), so If-Range and If-Match can use it.
      etag: `"${st.size.toString(16)}-${Math.floor(mtime).toString(16)}"`,
      lastModified: st.mtime.toUTCString(),
    };
    verified.set(s.file, entry);
    send(s, fd, st, entry);
  }

  /** A directory URL: redirect to add the trailing slash, or try the index names. */
  function directory(s: StaticRequest): void {
    const { req, res } = s;
    const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl || s.url;
    const oq = original.indexOf('?');
    const originalPath = oq === -1 ? original : original.slice(0, oq);
    if (!originalPath.endsWith('/')) {
      if (!redirect) {
        fail(s, 404, 'KEEL_STATIC_NOT_FOUND');
        return;
      }
      // CVE-2015-1164: a relative './name/' reference can never become '//evil.com'.
      const last = originalPath.slice(originalPath.lastIndexOf('/') + 1);
      const location = encodeDirectoryLocation('./' + last + '/' + (oq === -1 ? '' : original.slice(oq)));
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
    s.dir = s.file;
    tryIndex(s, 0);
  }

  function tryIndex(s: StaticRequest, from: number): void {
    for (let i = from; i < index.length; i++) {
      const name = index[i]!;
      if (dotfiles !== 'allow' && name.charCodeAt(0) === 46) continue;
      s.indexPos = i;
      s.file = path.join(s.dir, name);
      lookup(s);
      return;
    }
    s.indexPos = -1;
    fail(s, 404, 'KEEL_STATIC_NOT_FOUND');
  }

  /** Answers with the open file `fd` (closing it), honouring preconditions and a single range. */
  function send(s: StaticRequest, fd: number, stat: fs.Stats, entry: VerifiedFile): void {
    const { req, res } = s;
    if (res.headersSent || res.destroyed) {
      fs.close(fd, noop);
      return;
    }
    const size = stat.size;
    const mtime = stat.mtimeMs;
    const etag = entry.etag;
    // Validators, preconditions and ranges are about GET (RFC 9110 §8.8, §13.2.1, §14.2); the
    // file res.sendFile() may send in answer to another method is only that answer's content
    // (§6.4.2; the same rule as res.send()'s ETag).
    const isGetOrHead = req.method === 'GET' || req.method === 'HEAD';
    if (acceptRanges && isGetOrHead) res.setHeader('Accept-Ranges', 'bytes');
    if (cacheControl && !res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', cacheControlValue);
    if (useLastModified && isGetOrHead && !res.hasHeader('Last-Modified')) res.setHeader('Last-Modified', entry.lastModified);
    if (useEtag && isGetOrHead && !res.hasHeader('ETag')) res.setHeader('ETag', etag);
    if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', entry.type);
    if (setHeaders !== undefined) {
      // We run inside a file system callback: a throw here must reach next(), not the process.
      try {
        setHeaders(res, entry.real, stat);
      } catch (err) {
        fs.close(fd, noop);
        s.next(err);
        return;
      }
    }

    const precondition = isGetOrHead
      ? evaluatePreconditions(req.headers, useEtag ? etag : '', useLastModified ? mtime : Number.NaN, true)
      : 'ok';
    if (precondition !== 'ok') {
      fs.close(fd, noop);
      // RFC 9110 §15.4.5: a 304 carries no content and no Content-Type/Length of its own.
      res.removeHeader('Content-Type');
      res.statusCode = precondition === 'not-modified' ? 304 : 412;
      res.end();
      return;
    }
    let start = 0;
    let end = size - 1;
    const rangeHeader = req.headers.range;
    if (acceptRanges && isGetOrHead && rangeHeader !== undefined && ifRangeMatches(req.headers, etag, mtime)) {
      // As send does: -2 (malformed, another unit, too many ranges) is ignored and the whole file
      // sent; ranges that still are several after combining are too, since multipart/byteranges is
      // not served (RFC 9110 §14.2: "A server MAY ignore the Range header field").
      const ranges = parseRange(size, rangeHeader, STATIC_RANGE_OPTIONS);
      if (ranges === -1) {
        fs.close(fd, noop);
        // RFC 9110 §15.5.17: "SHOULD generate a Content-Range header field specifying the current length".
        res.statusCode = 416;
        res.setHeader('Content-Range', `bytes */${size}`);
        res.removeHeader('Content-Type');
        res.end();
        return;
      }
      if (ranges !== -2 && ranges.length === 1) {
        start = ranges[0]!.start;
        end = ranges[0]!.end;
        res.statusCode = 206;
        res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
      }
    }
    const length = Math.max(0, end - start + 1);
    res.setHeader('Content-Length', length);
    if (req.method === 'HEAD' || length === 0) {
      fs.close(fd, noop);
      res.end();
      return;
    }
    if (length <= SMALL_FILE) {
      const buf = Buffer.allocUnsafe(length);
      fs.read(fd, buf, 0, length, start, (err, bytesRead) => {
        fs.close(fd, noop);
        if (res.destroyed) return;
        // A short read means the file shrank since the fstat: the promised length cannot be sent.
        if (err !== null || bytesRead !== length) res.destroy();
        else res.end(buf);
      });
      return;
    }
    // pipeline respects backpressure and destroys the file stream (closing the descriptor) if the
    // client goes away; the error it reports then is expected and ignored.
    pipeline(fs.createReadStream(entry.real, { fd, start, end, autoClose: true }), res, noop);
  }

  return function serveFile(req, res, next, url) {
    const s = new StaticRequest(req, res, next, url);
    if (!mode.anyMethod && req.method !== 'GET' && req.method !== 'HEAD') {
      fail(s, 405, 'KEEL_STATIC_METHOD');
      return;
    }
    const q = url.indexOf('?');
    const resolved = resolveUnderRoot(rootPath, q === -1 ? url : url.slice(0, q));
    if (!resolved.ok) {
      fail(s, resolved.status, resolved.code);
      return;
    }
    if (dotfiles !== 'allow') {
      const segments = resolved.segments;
      for (let i = nameOnly ? segments.length - 1 : 0; i < segments.length; i++) {
        if (segments[i]!.charCodeAt(0) === 46 /* . */) {
          fail(s, dotfiles === 'deny' ? 403 : 404, dotfiles === 'deny' ? 'KEEL_STATIC_DOTFILE' : 'KEEL_STATIC_NOT_FOUND');
          return;
        }
      }
    }
    s.file = resolved.file;
    lookup(s);
  };
}

function noop(): void {}
