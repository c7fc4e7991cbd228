// signCookie / unsignCookie: HMAC-SHA256 signatures in the `value.signature` format of the
// cookie-signature package (used by cookie-parser, express-session and Express's res.cookie).

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** One secret, or several for rotation: sign with the first, accept any. */
export type CookieSecret = string | readonly string[];

/**
 * Returns `value + '.' + base64(HMAC-SHA256(secret, value))` with the '=' padding removed,
 * byte for byte what cookie-signature's `sign` returns.
 */
export function signCookie(value: string, secret: string): string {
  if (typeof value !== 'string') throw new TypeError('signCookie: value must be a string');
  checkSecret(secret, 'signCookie');
  return value + '.' + signature(value, secret);
}

/**
 * Returns the value when `signed` carries a valid signature under one of `secrets`, else `false`.
 * The signature is compared in constant time over its full length: a truncated, extended or
 * re-encoded signature fails (GHSA-63x4-8g8c-vhww: tinyhttp compared a truncated buffer).
 */
export function unsignCookie(signed: string, secrets: CookieSecret): string | false {
  if (typeof signed !== 'string') throw new TypeError('unsignCookie: signed value must be a string');
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError('unsignCookie: secrets must be a non-empty string or array of them');
  }
  const dot = signed.lastIndexOf('.');
  if (dot === -1) return false;
  const value = signed.slice(0, dot);
  // UTF-8, not latin1: a non-ASCII character must never collapse onto an ASCII byte.
  const given = Buffer.from(signed.slice(dot + 1), 'utf8');
  // Compare the base64 text, not decoded bytes: the unused low bits of the last base64 character
  // would otherwise let several texts stand for one signature.
  if (given.length !== SIGNATURE_LENGTH) return false;
  let valid = false;
  for (let i = 0; i < list.length; i++) {
    const secret = list[i];
    checkSecret(secret, 'unsignCookie');
    const expected = Buffer.from(signature(value, secret), 'utf8');
    // Evaluate every secret (no early exit) so timing does not tell which secret matched.
    if (timingSafeEqual(expected, given)) valid = true;
  }
  return valid ? value : false;
}

/** base64 of a 32-byte digest is 44 characters; 43 without the trailing '='. */
const SIGNATURE_LENGTH = 43;

function signature(value: string, secret: string): string {
  // digest('base64') ends with exactly one '=' for 32 bytes; cookie-signature strips /=+$/.
  return createHmac('sha256', secret).update(value).digest('base64').slice(0, SIGNATURE_LENGTH);
}

function checkSecret(secret: unknown, fn: string): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(`${fn}: secret must be a non-empty string`);
  }
}
