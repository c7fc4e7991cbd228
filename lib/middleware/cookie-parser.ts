// cookieParser(secret?): fills req.cookies, req.signedCookies and req.secret from the Cookie
// header, with the semantics of the cookie-parser package ('s:' signed and 'j:' JSON values).

import type http from 'node:http';
import { parseCookie, type ParseCookieOptions } from '../cookie/parse.js';
import { unsignCookie } from '../cookie/sign.js';
import { bareObject } from '../http/bare-object.js';

export interface CookieParserOptions extends ParseCookieOptions {}

/** The request fields cookieParser writes (declared on Keel's Request). */
export interface CookieParserRequest extends http.IncomingMessage {
  cookies: Record<string, unknown>;
  signedCookies: Record<string, unknown>;
  secret: string | undefined;
}

export type CookieParserMiddleware = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next: (err?: unknown) => unknown,
) => unknown;

const PARSED = Symbol('keel.cookieParser');

/**
 * `req.cookies`: the unsigned cookies ('j:' values parsed as JSON). `req.signedCookies`: the
 * cookies whose value starts with 's:', verified against the secrets (a forged or unsigned one is
 * `false`), then 'j:'-parsed. `req.secret`: the first secret, which res.cookie(..., { signed })
 * signs with. Without a secret, 's:' values stay in req.cookies as they are.
 */
export function cookieParser(secret?: string | readonly string[], options?: CookieParserOptions): CookieParserMiddleware {
  const secrets: readonly string[] = secret === undefined || secret === '' ? [] : typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('cookieParser: secret must be a non-empty string or an array of them');
  }
  if (options !== undefined && options.decode !== undefined && typeof options.decode !== 'function') {
    throw new TypeError('cookieParser: option decode must be a function');
  }
  const parseOptions = options;
  const firstSecret = secrets.length === 0 ? undefined : secrets[0];

  return function cookieParserMiddleware(request, _res, next) {
    const req = request as CookieParserRequest & { [PARSED]?: true };
    if (req[PARSED] === true) return next(); // already parsed by an earlier cookieParser()
    req[PARSED] = true;
    req.secret = firstSecret;
    const header = req.headers.cookie;
    const cookies = parseCookie(header, parseOptions) as Record<string, unknown>;
    const signed = bareObject();
    if (secrets.length !== 0) {
      for (const name in cookies) {
        const value = cookies[name] as string;
        if (value.length < 2 || value.charCodeAt(0) !== 0x73 || value.charCodeAt(1) !== 0x3a) continue; // 's:'
        signed[name] = unsignCookie(value.slice(2), secrets);
        delete cookies[name];
      }
      parseJsonCookies(signed);
    }
    parseJsonCookies(cookies);
    req.cookies = cookies;
    req.signedCookies = signed;
    return next();
  };
}

/** cookie-parser's JSONCookie: the JSON after 'j:', or undefined when it is not valid JSON. */
export function parseJsonCookie(value: unknown): unknown {
  if (typeof value !== 'string' || value.length < 2 || value.charCodeAt(0) !== 0x6a || value.charCodeAt(1) !== 0x3a) {
    return undefined;
  }
  try {
    return JSON.parse(value.slice(2)) as unknown;
  } catch {
    return undefined;
  }
}

/** Replaces 'j:' values in place; as cookie-parser, a falsy JSON result (0, "", null) is kept raw. */
function parseJsonCookies(map: Record<string, unknown>): void {
  for (const name in map) {
    const parsed = parseJsonCookie(map[name]);
    if (parsed) map[name] = parsed;
  }
}
