// Entity tags for res.send() (RFC 9110 §8.8.3): "<length in hex>-<hash>". Strong tags, and weak
// tags of bodies over MEDIUM_BODY bytes, use 27 characters of base64 SHA-1, the format the `etag`
// package gives Express. Weak tags of smaller bodies (nearly every API answer) use a faster 64-bit
// non-cryptographic hash (see below), so they differ from Express's: a cache that holds one of
// Express's tags revalidates once and gets a full answer.

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import { murmur3x86_128 } from './murmur3.js';

// The tag of the empty body, computed once.
const EMPTY = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

// crypto.hash() (Node 20.12+) hashes in one call, with no Hash object per response; older Node
// versions use createHash().
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

function sha1Base64(body: string | Uint8Array): string {
  if (oneShot !== undefined) return oneShot('sha1', body, 'base64');
  const hash = crypto.createHash('sha1');
  if (typeof body === 'string') hash.update(body, 'utf8');
  else hash.update(body);
  return hash.digest('base64');
}

// Weak tags are 64-bit non-cryptographic hashes computed in JavaScript: a call into the crypto
// binding, a digest object and base64 cost far more than hashing a few dozen characters. A weak
// validator only has to tell representations apart (RFC 9110 §8.8.1); with the length in the tag
// as well, an accidental collision is out of reach. Small bodies are hashed character by
// character where they are; larger ones as UTF-8 bytes, four at a time (mediumWeakTag below).
const SMALL_BODY = 96; // characters
// The base64 alphabet as character codes: the tag's 11 digits become one String.fromCharCode()
// call, which makes one flat string. Concatenating 11 one-character strings instead builds a
// rope of small strings that node must flatten again when it validates the header (measured:
// 300 ns against 130 ns per tag on this project's machine).
const DIGITS = new Uint8Array(64);
for (let i = 0; i < 64; i++) DIGITS[i] = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i);
const fromCharCode = String.fromCharCode;

// Character codes of the fixed parts of a weak tag: W/"<length>-<hash>".
const W = 0x57;
const SLASH = 0x2f;
const QUOTE = 0x22;
const DASH = 0x2d;
const HEX = new Uint8Array(16);
for (let i = 0; i < 16; i++) HEX[i] = '0123456789abcdef'.charCodeAt(i);

/**
 * The weak tag of a small body: two 32-bit FNV-1a-style hashes (different seeds and a final mix)
 * over its UTF-16 code units (or bytes), with no copy of the body.
 */
function smallWeakTag(body: string | Uint8Array, length: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x27d4eb2f;
  // Two loops rather than one with a type test per character: each stays monomorphic.
  if (typeof body === 'string') {
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
  } else {
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
  }
  h1 ^= h1 >>> 15;
  h1 = Math.imul(h1, 0x2c1b3c6d);
  h1 ^= h1 >>> 12;
  h2 ^= h2 >>> 13;
  h2 = Math.imul(h2, 0x297a2d39);
  h2 ^= h2 >>> 16;
  return weakTag(length, h1, h2);
}

// Bodies past SMALL_BODY characters: the per-character loop above runs at about 1.4 ns a character
// (charCodeAt, not the arithmetic, is the limit), and SHA-1 through node's crypto costs about 1 µs
// for 1 KiB (0.3 µs of it the call). MurmurHash3 over the body's UTF-8 bytes, read four at a time,
// takes about 0.4 µs for 1 KiB, the copy of a string into the scratch buffer included. Up to
// MEDIUM_BODY bytes, the size of that buffer; larger bodies keep SHA-1.
const MEDIUM_BODY = 64 * 1024;
let scratch: Buffer | undefined; // made on first use, then reused (a tag is computed synchronously)
let scratchView: DataView;
const digest = new Int32Array(4);

/**
 * The weak tag of a body of at most MEDIUM_BODY bytes: the first 64 bits of MurmurHash3_x86_128
 * of its UTF-8 bytes (so a string and its UTF-8 bytes get the same tag, as with SHA-1).
 */
function mediumWeakTag(body: string | Uint8Array, length: number): string {
  if (typeof body === 'string') {
    if (scratch === undefined) {
      scratch = Buffer.allocUnsafeSlow(MEDIUM_BODY);
      scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
    }
    // As many bytes as characters: ASCII only, where latin-1 is UTF-8 and node's copy is faster.
    scratch.write(body, 0, length, length === body.length ? 'latin1' : 'utf8');
    murmur3x86_128(scratch, scratchView, length, digest);
  } else {
    murmur3x86_128(body, new DataView(body.buffer, body.byteOffset, body.byteLength), length, digest);
  }
  return weakTag(length, digest[0]!, digest[1]!);
}

/**
 * W/"<length in hex>-<h1:h2 as 11 base64 digits>". The whole tag is made by one
 * String.fromCharCode() call: one flat string, where concatenating its five parts made a rope
 * (measured: 71 -> 41 ns per tag for an 11-byte body).
 */
function weakTag(length: number, h1: number, h2: number): string {
  // 64 bits in 6-bit digits: 5 from h1's top 30 bits, 1 from h1's low 2 and h2's top 4, 5 more from h2.
  const d0 = DIGITS[(h1 >>> 26) & 63]!;
  const d1 = DIGITS[(h1 >>> 20) & 63]!;
  const d2 = DIGITS[(h1 >>> 14) & 63]!;
  const d3 = DIGITS[(h1 >>> 8) & 63]!;
  const d4 = DIGITS[(h1 >>> 2) & 63]!;
  const d5 = DIGITS[((h1 & 3) << 4) | (h2 >>> 28)]!;
  const d6 = DIGITS[(h2 >>> 22) & 63]!;
  const d7 = DIGITS[(h2 >>> 16) & 63]!;
  const d8 = DIGITS[(h2 >>> 10) & 63]!;
  const d9 = DIGITS[(h2 >>> 4) & 63]!;
  const d10 = DIGITS[h2 & 15]!;
  // Lengths of one to three hex digits (every small body, most medium ones) in one call each.
  if (length < 0x10) {
    return fromCharCode(W, SLASH, QUOTE, HEX[length]!, DASH, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, QUOTE);
  }
  if (length < 0x100) {
    return fromCharCode(W, SLASH, QUOTE, HEX[length >>> 4]!, HEX[length & 15]!, DASH,
      d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, QUOTE);
  }
  if (length < 0x1000) {
    return fromCharCode(W, SLASH, QUOTE, HEX[length >>> 8]!, HEX[(length >>> 4) & 15]!, HEX[length & 15]!, DASH,
      d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, QUOTE);
  }
  return 'W/"' + length.toString(16) + fromCharCode(DASH, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, QUOTE);
}

// The last string body tagged, and its tag: an answer that repeats (a health check, a page kept in
// a constant, the same JSON again) is compared instead of hashed. Strings cannot change, so an
// equal string has the same tag. The comparison costs next to nothing when the two are the same
// string (a constant sent again) or differ in length, and never more than reading both once,
// where hashing reads the body and builds the tag's text (~840 instructions for an 11-byte
// body, spec/bench/instructions.mjs). Up to MEDIUM_BODY bytes, so at most that much is kept alive.
let lastBody: string | undefined;
let lastWeak = true;
let lastTag = '';

/**
 * The entity tag of a body; weak (W/"...") unless `weak` is false. `length` is the body's size in
 * bytes when the caller has it already (res.send() computed it for Content-Length).
 */
export function entityTag(body: string | Uint8Array, weak: boolean, length?: number): string {
  if (typeof body === 'string' && body === lastBody && weak === lastWeak) return lastTag;
  length ??= typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (length === 0) return weak ? 'W/' + EMPTY : EMPTY;
  let tag: string;
  if (weak && body.length <= SMALL_BODY) tag = smallWeakTag(body, length);
  else if (weak && length <= MEDIUM_BODY) tag = mediumWeakTag(body, length);
  else {
    tag = '"' + length.toString(16) + '-' + sha1Base64(body).slice(0, 27) + '"';
    if (weak) tag = 'W/' + tag;
  }
  if (typeof body === 'string' && length <= MEDIUM_BODY) {
    lastBody = body;
    lastWeak = weak;
    lastTag = tag;
  }
  return tag;
}
