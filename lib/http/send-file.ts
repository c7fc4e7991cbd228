// res.sendFile() and res.download(): Express's answers with a file, served by serveStatic()'s own
// engine (http/file-server.ts), so they share its safety and its HTTP: the path judged once
// after decoding ('..' refused), dotfile rules, the real path checked against `root`, ETag and
// Last-Modified, conditional requests (RFC 9110 §13) and single byte ranges (§14) on GET and HEAD.

import { Buffer } from 'node:buffer';
import path from 'node:path';
import type { Request } from './request.js';
import type { Response } from './response.js';
import { baseName, contentDisposition } from './content-disposition.js';
import { fileServer, type FileServerMode, type StaticOptions } from './file-server.js';
import { statusOf } from './errors.js';
import { statusMessage } from './status.js';

export interface SendFileOptions {
  /** Directory `path` is relative to; the file must lie inside it (its real path too). */
  root?: string;
  /** Cache-Control max-age in milliseconds, or a string like '1d', '2h'. Default 0. */
  maxAge?: number | string;
  /** Add 'immutable' to Cache-Control (default false). */
  immutable?: boolean;
  /** Send Cache-Control at all (default true). */
  cacheControl?: boolean;
  /** Send Last-Modified (default true). */
  lastModified?: boolean;
  /** Send an ETag (default true). */
  etag?: boolean;
  /** Honour Range requests on GET (default true). */
  acceptRanges?: boolean;
  /**
   * Segments starting with '.' (below `root`, or in the whole path without one): 'ignore' (404),
   * 'allow', 'deny' (403). Unset: only a file name starting with '.' is ignored (404), as in Express.
   */
  dotfiles?: 'ignore' | 'allow' | 'deny';
  /** Header fields to set on the answer, when there is a file to send. */
  headers?: Record<string, string | number | readonly string[]>;
  /** With `root`: serve files whose real path lies outside it. Default false. */
  followSymlinks?: boolean;
}

/**
 * Called once: with no argument when the file was sent, else with the error (an HttpError 404, 403
 * or 400 for a path that cannot be served; `code: 'ECONNABORTED'` when the client went away).
 * Without it, errors go to the handler's `next(err)` (a client gone away is not an error then).
 */
export type SendFileCallback = (err?: SendFileError) => void;

/** What a sendFile callback may get: an HttpError (status 404, 403, 400), or a system error. */
export type SendFileError = Error & { status?: number; code?: string };

// Any method may be answered with a file; with no `dotfiles` option only a dot file name is
// hidden, not dot directories on the way (send's default, which Express's sendFile has).
const SEND_FILE: FileServerMode = { anyMethod: true, dotfileNameOnly: true };

const KNOWN = new Set([
  'root', 'maxAge', 'immutable', 'cacheControl', 'lastModified', 'etag', 'acceptRanges', 'dotfiles', 'headers', 'followSymlinks',
]);

/** res.sendFile(path, [options], [callback]): checks its arguments (TypeError), then serves. */
export function sendFileResponse(res: Response, file: unknown, options: unknown, callback: unknown): void {
  if (typeof options === 'function' && callback === undefined) {
    callback = options;
    options = undefined;
  }
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('res.sendFile(path): path must be a non-empty string');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError('res.sendFile(): options must be an object');
  }
  if (callback !== undefined && typeof callback !== 'function') throw new TypeError('res.sendFile(): callback must be a function');
  const o = (options ?? {}) as SendFileOptions;
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) throw new TypeError(`res.sendFile(): unknown option \`${key}\``);
  const root = o.root;
  if (root !== undefined && (typeof root !== 'string' || root.length === 0)) {
    throw new TypeError('res.sendFile(): option root must be a non-empty string');
  }
  if (root === undefined && !path.isAbsolute(file)) {
    throw new TypeError('res.sendFile(path): path must be absolute or specify root');
  }
  const headers = o.headers;
  if (headers !== undefined && (headers === null || typeof headers !== 'object')) {
    throw new TypeError('res.sendFile(): option headers must be an object');
  }
  const staticOptions: StaticOptions = {
    index: false,
    redirect: false,
    fallthrough: false,
    verifiedCacheSize: 0,
    dotfiles: o.dotfiles,
    maxAge: o.maxAge,
    immutable: o.immutable,
    cacheControl: o.cacheControl,
    lastModified: o.lastModified,
    etag: o.etag,
    acceptRanges: o.acceptRanges,
    // An absolute path without a root is the app's own choice: symlinks on it are followed.
    followSymlinks: root === undefined ? true : o.followSymlinks,
    setHeaders: headers === undefined ? undefined : (r) => {
      for (const name of Object.keys(headers)) r.setHeader(name, headers[name] as string | number | readonly string[]);
    },
  };
  // Without a root, the path is judged from the file system's root: an explicit dotfiles rule
  // then applies to every segment of it, as in Express.
  const base = root ?? path.parse(file).root;
  const relative = root === undefined ? file.slice(base.length) : file;
  const serve = fileServer(base, staticOptions, SEND_FILE);
  const req = res.req as Request;
  const done = completion(req, res, callback as SendFileCallback | undefined);
  if (res.headersSent) {
    const err = new Error('res.sendFile(): the response has already started') as SendFileError;
    err.code = 'ERR_HTTP_HEADERS_SENT';
    done(err);
    return;
  }
  if (res.destroyed) {
    done(aborted());
    return;
  }
  serve(req, res, (err?: unknown) => done(err === undefined ? undefined : (err as SendFileError)), toUrlPath(relative));
}

/**
 * res.download(path, [filename], [options], [callback]): sendFile with Content-Disposition:
 * attachment (the file's own name unless `filename` is given). A relative path is resolved
 * against the working directory unless `options.root` is given, as in Express.
 */
export function downloadResponse(res: Response, file: unknown, filename: unknown, options: unknown, callback: unknown): void {
  if (typeof filename === 'function') {
    callback = filename;
    filename = undefined;
    options = undefined;
  } else if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  if (filename !== null && typeof filename === 'object' && options === undefined) {
    options = filename;
    filename = undefined;
  }
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('res.download(path): path must be a non-empty string');
  if (filename !== undefined && filename !== null && typeof filename !== 'string') {
    throw new TypeError('res.download(): filename must be a string');
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError('res.download(): options must be an object');
  }
  const o = (options ?? {}) as SendFileOptions;
  if (o.headers !== undefined && (o.headers === null || typeof o.headers !== 'object')) {
    throw new TypeError('res.download(): option headers must be an object');
  }
  const headers: Record<string, string | number | readonly string[]> = {};
  if (o.headers !== undefined) {
    for (const name of Object.keys(o.headers)) {
      if (name.toLowerCase() !== 'content-disposition') headers[name] = o.headers[name]!;
    }
  }
  headers['Content-Disposition'] = contentDisposition(baseName(typeof filename === 'string' && filename !== '' ? filename : file));
  const full = o.root === undefined ? path.resolve(file) : file;
  sendFileResponse(res, full, { ...o, headers }, callback);
}

/**
 * Percent-encodes a file path segment by segment: the engine decodes it exactly once. (A POSIX file
 * name holding a backslash is refused there with 403, as every backslash is: on Windows it would be
 * a separator.)
 */
function toUrlPath(file: string): string {
  const segments = file.split(path.sep === '/' ? '/' : /[\\/]/);
  let out = '';
  for (const segment of segments) if (segment !== '') out += '/' + encodeURIComponent(segment);
  return out === '' ? '/' : out;
}

/** The client went away before the file was sent. */
function aborted(): SendFileError {
  const err = new Error('Request aborted') as SendFileError;
  err.code = 'ECONNABORTED';
  return err;
}

/** The one-shot end of a sendFile: the callback, or the handler's next(err). */
function completion(req: Request, res: Response, callback: SendFileCallback | undefined): (err: SendFileError | undefined) => void {
  const next = req.next;
  let settled = false;
  const onFinish = (): void => settle(undefined);
  const onClose = (): void => settle(aborted());
  const settle = (err: SendFileError | undefined): void => {
    if (settled) return;
    settled = true;
    res.removeListener('finish', onFinish);
    res.removeListener('close', onClose);
    try {
      if (callback !== undefined) callback(err);
      else if (err !== undefined && (err as { code?: unknown }).code !== 'ECONNABORTED') fail(err);
    } catch (thrown) {
      // The callback threw, inside a file system or stream callback: answer as for any throw.
      fail(thrown);
    }
  };
  // To the handler's next(err), as a throw in the handler would go; without one (a response used
  // outside Keel's router), logged and answered here.
  const fail = (err: unknown): void => {
    if (next !== undefined) {
      void next(err);
      return;
    }
    console.error(err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = statusOf(err) ?? 500;
    const body = statusMessage(status);
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
  res.once('finish', onFinish);
  res.once('close', onClose);
  return settle;
}
