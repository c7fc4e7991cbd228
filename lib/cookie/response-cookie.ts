// setCookie / clearCookie: what `res.cookie()` and `res.clearCookie()` do, with Express 5's
// semantics (maxAge in milliseconds, `signed`, objects as 'j:' JSON), on any http.ServerResponse.

import type http from 'node:http';
import { serializeCookie, type CookieOptions } from './serialize.js';
import { signCookie } from './sign.js';

/** Options of `res.cookie()`: as serializeCookie's, but `maxAge` is in milliseconds (Express). */
export interface ResponseCookieOptions extends Omit<CookieOptions, 'maxAge'> {
  /** Milliseconds from now: sets `Expires` and `Max-Age` (rounded down to seconds). */
  maxAge?: number;
  /** Sign the value with the request's secret ('s:' + signCookie), as cookie-parser expects. */
  signed?: boolean;
}

/**
 * Appends a `Set-Cookie` header, keeping the ones already set. A non-string value that is an
 * object (or null) becomes 'j:' + JSON; other values are converted with String(). Path defaults
 * to '/'. Throws a TypeError for invalid options, an Error when `signed` has no secret.
 */
export function setCookie(
  res: http.ServerResponse,
  name: string,
  value: unknown,
  options?: ResponseCookieOptions,
  secret?: string,
): void {
  let text = typeof value === 'object' ? 'j:' + JSON.stringify(value) : String(value);
  // Rest destructuring copies the other options into a fresh object. Performance: this replaces
  // a spread followed by `delete`, which turned the object into a slow dictionary-mode one that
  // serializeCookie then read property by property (about a tenth of a cookie request's time).
  const { maxAge, signed, ...opts }: ResponseCookieOptions = options ?? EMPTY_OPTIONS;
  if (signed === true) {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new Error('cookieParser(secret) is required for signed cookies');
    }
    text = 's:' + signCookie(text, secret);
  }
  if (maxAge !== undefined && maxAge !== null) {
    if (typeof maxAge !== 'number' || !Number.isFinite(maxAge)) {
      throw new TypeError(`option maxAge is invalid: ${String(maxAge)}`);
    }
    opts.expires = new Date(Date.now() + maxAge);
    (opts as CookieOptions).maxAge = Math.floor(maxAge / 1000);
  }
  if (opts.path === undefined) opts.path = '/';
  appendSetCookie(res, serializeCookie(name, text, opts as CookieOptions));
}

const EMPTY_OPTIONS: ResponseCookieOptions = Object.freeze({});

/**
 * Expires a cookie: an empty value and `Expires` in the past (Express 5: any `maxAge` or
 * `expires` given is ignored). Path and domain must match the cookie's to clear it.
 */
export function clearCookie(res: http.ServerResponse, name: string, options?: ResponseCookieOptions): void {
  // maxAge is ignored; signed too (an empty value needs no signature, clearing needs no secret).
  const { maxAge: _maxAge, signed: _signed, ...rest }: ResponseCookieOptions = options ?? EMPTY_OPTIONS;
  setCookie(res, name, '', { path: '/', ...rest, expires: new Date(1) });
}

/** Adds one Set-Cookie line; several cookies are several header lines (RFC 6265bis §3). */
export function appendSetCookie(res: http.ServerResponse, line: string): void {
  const previous = res.getHeader('set-cookie');
  if (previous === undefined) res.setHeader('Set-Cookie', line);
  else if (Array.isArray(previous)) res.setHeader('Set-Cookie', [...previous, line]);
  else res.setHeader('Set-Cookie', [String(previous), line]);
}
