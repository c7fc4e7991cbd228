// cors(options): Cross-Origin Resource Sharing headers (WHATWG Fetch §3.2, "CORS protocol").
// Answers preflight requests (OPTIONS with Access-Control-Request-Method) with 204 and adds
// Access-Control-Allow-Origin and friends to actual requests; always Vary: Origin when it matters.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe } from '../http/describe.js';
import { appendVary } from './vary.js';

/** true reflects the request's Origin; a function decides per request (true/false or an origin). */
export type CorsOrigin =
  | boolean
  | string
  | RegExp
  | readonly (string | RegExp)[]
  | ((origin: string | undefined, req: IncomingMessage) => boolean | string | Promise<boolean | string>);

export interface CorsOptions {
  /** Allowed origin(s). Default '*'. */
  origin?: CorsOrigin;
  /** Methods allowed in preflight answers. Default 'GET,HEAD,PUT,PATCH,POST,DELETE'. */
  methods?: string | readonly string[];
  /** Request headers allowed; default: reflect Access-Control-Request-Headers. */
  allowedHeaders?: string | readonly string[];
  /** Response headers the browser may expose to scripts. */
  exposedHeaders?: string | readonly string[];
  /** Send Access-Control-Allow-Credentials: true. */
  credentials?: boolean;
  /** Access-Control-Max-Age in seconds. */
  maxAge?: number;
  /** Pass preflight requests on to the next handler instead of answering them. Default false. */
  preflightContinue?: boolean;
  /** Status of a preflight answer. Default 204. */
  optionsSuccessStatus?: number;
}

export type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => unknown;

function headerList(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  throw new TypeError(`option ${name} must be a string or an array of strings, got ${describe(value)}`);
}

function checkOrigin(origin: unknown): void {
  if (typeof origin === 'boolean' || typeof origin === 'string' || origin instanceof RegExp || typeof origin === 'function') return;
  if (Array.isArray(origin) && origin.every((o) => typeof o === 'string' || o instanceof RegExp)) return;
  throw new TypeError(`option origin must be a boolean, string, RegExp, array or function, got ${describe(origin)}`);
}

function matchOne(pattern: string | RegExp, origin: string): boolean {
  if (typeof pattern === 'string') return pattern === origin;
  pattern.lastIndex = 0;
  return pattern.test(origin);
}

/** Creates the CORS middleware. Invalid options throw a TypeError now. */
export function cors(options: CorsOptions = {}): CorsMiddleware {
  if (options === null || typeof options !== 'object') throw new TypeError('cors options must be an object');
  const origin = options.origin ?? '*';
  checkOrigin(origin);
  const methods = headerList(options.methods, 'methods') ?? 'GET,HEAD,PUT,PATCH,POST,DELETE';
  const allowedHeaders = headerList(options.allowedHeaders, 'allowedHeaders');
  const exposedHeaders = headerList(options.exposedHeaders, 'exposedHeaders');
  const credentials = options.credentials ?? false;
  if (typeof credentials !== 'boolean') throw new TypeError(`option credentials must be a boolean, got ${describe(credentials)}`);
  // Fetch §3.2.5: with credentials, "Access-Control-Allow-Origin: *" is refused by browsers; catch
  // the mistake now instead of shipping a config that silently never works.
  if (credentials && origin === '*') throw new TypeError("option origin '*' cannot be combined with credentials: use true to reflect the origin, or list origins");
  const maxAge = options.maxAge;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0)) {
    throw new TypeError(`option maxAge must be a non-negative integer of seconds, got ${describe(maxAge)}`);
  }
  const preflightContinue = options.preflightContinue ?? false;
  if (typeof preflightContinue !== 'boolean') throw new TypeError('option preflightContinue must be a boolean');
  const successStatus = options.optionsSuccessStatus ?? 204;
  if (!Number.isInteger(successStatus) || successStatus < 200 || successStatus > 299) {
    throw new TypeError(`option optionsSuccessStatus must be a 2xx status, got ${describe(successStatus)}`);
  }

  /**
   * The Access-Control-Allow-Origin value for this request, or undefined to send none. Decided
   * synchronously for every kind of `origin` option but a function, which may return a promise.
   */
  function allowOrigin(req: IncomingMessage, requestOrigin: string | undefined): string | undefined | Promise<string | undefined> {
    if (origin === '*') return '*';
    if (typeof origin === 'string') return origin;
    if (requestOrigin === undefined) return undefined;
    if (origin === true) return requestOrigin;
    if (origin === false) return undefined;
    if (typeof origin === 'function') {
      return Promise.resolve(origin(requestOrigin, req)).then((decided) => {
        if (decided === true) return requestOrigin;
        return typeof decided === 'string' && decided.length > 0 ? decided : undefined;
      });
    }
    if (origin instanceof RegExp) return matchOne(origin, requestOrigin) ? requestOrigin : undefined;
    for (const pattern of origin) if (matchOne(pattern, requestOrigin)) return requestOrigin;
    return undefined;
  }

  // Synchronous unless the origin option is a function: a plain request then passes on with
  // next()'s own result, and the router stays on its synchronous path.
  return function corsMiddleware(req, res, next) {
    if (origin === false) return next();
    const requestOrigin = req.headers.origin;
    let allowed: string | undefined | Promise<string | undefined>;
    try {
      allowed = allowOrigin(req, requestOrigin);
    } catch (err) {
      return next(err);
    }
    if (allowed instanceof Promise) return allowed.then((a) => answer(req, res, next, a), (err: unknown) => next(err));
    return answer(req, res, next, allowed);
  };

  function answer(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown, allowed: string | undefined): unknown {
    // The answer depends on Origin unless it is '*' for everyone.
    if (origin !== '*') appendVary(res, 'Origin');
    if (allowed !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
      if (credentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!isPreflight) {
      if (allowed !== undefined && exposedHeaders) res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
      return next();
    }
    if (allowed !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', methods);
      if (allowedHeaders !== undefined) {
        if (allowedHeaders) res.setHeader('Access-Control-Allow-Headers', allowedHeaders);
      } else {
        appendVary(res, 'Access-Control-Request-Headers');
        const requested = req.headers['access-control-request-headers'];
        if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
      }
      if (maxAge !== undefined) res.setHeader('Access-Control-Max-Age', String(maxAge));
    }
    if (preflightContinue) return next();
    res.statusCode = successStatus;
    // Safari and some old clients want an explicit zero length on an empty 2xx.
    res.setHeader('Content-Length', '0');
    res.end();
    return undefined;
  }
}
