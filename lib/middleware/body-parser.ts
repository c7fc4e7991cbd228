// What json(), urlencoded(), text() and raw() share: option checking, Content-Type matching,
// reading the body once with limits, `verify`, charset decoding, and handing errors to next().

import type { IncomingMessage, ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import { HttpError } from '../http/errors.js';
import { describe } from '../http/describe.js';
import { RESOLVED } from '../http/resolved.js';
import { parseBytes } from './bytes.js';
import { compileType, mediaTypeParser, type TypeMatcher, type TypeOption } from './media-type.js';
import { bodyWasRead, hasBody, readBody } from './body-reader.js';

/** Called with the raw body before parsing; throw to refuse the request (403 unless the error has a status). */
export type VerifyFunction = (req: IncomingMessage, res: ServerResponse, buf: Buffer, encoding: string | undefined) => void;

/** Options every body parser accepts. */
export interface BodyParserOptions {
  /** Maximum body size: bytes, or a string like '100kb'. Default 100 KiB. */
  limit?: number | string;
  /** Which requests this parser reads: media type(s) or a function. */
  type?: TypeOption;
  /** Inflate gzip, deflate and br bodies (default true); when false they get 415. */
  inflate?: boolean;
  /** Inspect the raw body before parsing; throwing refuses the request. */
  verify?: VerifyFunction;
}

/** The shape of the middleware every body parser returns. */
/** A body parser: returns what `next` returns, or a Promise while a body is read. */
export type BodyParserMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => unknown;

/** Turns a raw body into `req.body`; `charset` is the request's, lower-cased, or undefined. */
export type BodyParse = (buf: Buffer, charset: string | undefined, req: IncomingMessage) => unknown;

export const DEFAULT_LIMIT = 100 * 1024;

interface ResolvedOptions {
  limit: number;
  inflate: boolean;
  matchType: TypeMatcher;
  verify: VerifyFunction | undefined;
}

/** Validates the common options; every mistake is a TypeError now, never a disabled limit later. */
export function resolveBodyOptions(options: unknown, defaultType: TypeOption, known: readonly string[]): ResolvedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`body parser options must be an object, got ${describe(options)}`);
  }
  const o = options as BodyParserOptions & Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!known.includes(key) && o[key] !== undefined) throw new TypeError(`unknown body parser option: ${describe(key)}`);
  }
  const limit = o.limit === undefined ? DEFAULT_LIMIT : parseBytes(o.limit, 'limit');
  if (o.inflate !== undefined && typeof o.inflate !== 'boolean') {
    throw new TypeError(`option inflate must be a boolean, got ${describe(o.inflate)}`);
  }
  if (o.verify !== undefined && typeof o.verify !== 'function') {
    throw new TypeError(`option verify must be a function, got ${describe(o.verify)}`);
  }
  return {
    limit,
    inflate: o.inflate ?? true,
    matchType: compileType(o.type ?? defaultType),
    verify: o.verify,
  };
}

export const COMMON_OPTIONS = ['limit', 'type', 'inflate', 'verify'] as const;

/** Builds the middleware: skip when there is no body, it was read, or the type does not match. */
export function createBodyParser(resolved: ResolvedOptions, parse: BodyParse): BodyParserMiddleware {
  const { limit, inflate, matchType, verify } = resolved;
  const readOptions = { limit, inflate };
  const parseMediaType = mediaTypeParser();

  /** `verify`, then `parse`: the value for req.body, or a throw (a failed verify is 403 by default). */
  function verifyAndParse(req: IncomingMessage, res: ServerResponse, buf: Buffer, charset: string | undefined): unknown {
    if (verify !== undefined) {
      try {
        verify(req, res, buf, charset);
      } catch (err) {
        throw verifyError(err);
      }
    }
    return parse(buf, charset, req);
  }

  // Not an async function: requests without a matching body (every GET) pass straight on with
  // next()'s own result, which keeps the router on its synchronous path (no promise, no microtask
  // per request for an app-wide parser). A body read returns one Promise, settled with what the
  // downstream next() returns, so that `await next()` upstream waits for the handlers after it.
  return function bodyParser(req, res, next) {
    // Express 5: req.body stays undefined unless a parser reads it.
    if (bodyWasRead(req) || !hasBody(req)) return next();
    const media = parseMediaType(req.headers['content-type']);
    if (!matchType(req, media)) return next();
    const charset = media?.charset;
    return new Promise<unknown>((resolve, reject) => {
      readBody(req, readOptions, (readError, buf) => {
        let err: unknown = readError;
        let body: unknown;
        if (err === undefined) {
          try {
            body = verifyAndParse(req, res, buf!, charset);
          } catch (e) {
            err = e;
          }
        }
        try {
          if (err === undefined) {
            (req as IncomingMessage & { body: unknown }).body = body;
            // Resolving with the shared RESOLVED Promise would adopt it (two more microtasks);
            // it means "nothing downstream is still running", which undefined says as well.
            const downstream = next();
            resolve(downstream === RESOLVED ? undefined : downstream);
          } else {
            // Unread body bytes left on a keep-alive connection would be read and discarded by
            // node after the answer (possibly gigabytes): close the connection instead.
            if (!req.complete) res.shouldKeepAlive = false;
            resolve(next(err));
          }
        } catch (e) {
          reject(e);
        }
      });
    });
  };
}

function verifyError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status <= 599) return err;
  return new HttpError(403, 'request body verification failed', { code: 'KEEL_BODY_VERIFY_FAILED', cause: err });
}

export function unsupportedCharset(charset: string): HttpError {
  let shown = '';
  for (let i = 0; i < charset.length && i < 32; i++) {
    const c = charset.charCodeAt(i);
    shown += (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 45 || c === 95 ? charset[i] : '?';
  }
  return new HttpError(415, `unsupported charset "${shown}"`, { code: 'KEEL_BODY_UNSUPPORTED_CHARSET' });
}

// TextDecoders are cached per label: creating one costs more than decoding a small body.
const decoders = new Map<string, TextDecoder | null>();

/**
 * Decodes a body in the given charset. utf-8 and latin1 take Buffer's fast paths; anything else
 * goes through TextDecoder (WHATWG Encoding labels). Unknown labels give 415.
 */
export function decodeText(buf: Buffer, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8') {
    const s = buf.toString('utf8');
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }
  if (charset === 'us-ascii' || charset === 'ascii') return buf.toString('latin1');
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      decoder = null;
    }
    if (decoders.size < 64) decoders.set(charset, decoder);
  }
  if (decoder === null) throw unsupportedCharset(charset);
  return decoder.decode(buf);
}

/** Whether TextDecoder knows a charset label (used to check `defaultCharset` options). */
export function isKnownCharset(charset: string): boolean {
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}
