// signCookie / unsignCookie: cookie-signature's format, computed here from its documented algorithm.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signCookie, unsignCookie } from '../../lib/index.js';

/** cookie-signature's algorithm: value + '.' + base64(HMAC-SHA256) with trailing '=' removed. */
function reference(value: string, secret: string): string {
  return value + '.' + createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
}

const vectors: Array<[string, string]> = [
  ['hello', 'tobiiscool'],
  ['', 'secret'],
  ['s3ss10n-1d', 'keyboard cat'],
  ['j:{"a":1}', 'k'],
  ['with.dots.inside', 'secret'],
  ['\u00e9t\u00e9 \u2713 \ud83c\udf6a', 'unicode secret \u2603'],
  ['x'.repeat(4096), 's'.repeat(200)],
];

test('signatures match the cookie-signature algorithm', () => {
  for (const [value, secret] of vectors) {
    const signed = signCookie(value, secret);
    assert.equal(signed, reference(value, secret));
    assert.equal(signed.length - value.length, 44, 'a dot and 43 base64 characters');
    assert.equal(unsignCookie(signed, secret), value);
  }
});

test("cookie-signature's published example vector", () => {
  // From the cookie-signature README; also recomputed by reference() above.
  assert.equal(signCookie('hello', 'tobiiscool'), 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI');
  assert.equal(reference('hello', 'tobiiscool'), 'hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI');
});

test('forged, truncated, extended and altered signatures fail', () => {
  const signed = signCookie('user=42', 'secret');
  const dot = signed.lastIndexOf('.');
  const sig = signed.slice(dot + 1);
  const bad = [
    signed.slice(0, -1),
    signed.slice(0, -10),
    signed + 'A',
    signed + '=',
    signed + 'junk',
    signed + '.junk',
    'user=43' + signed.slice(dot),
    reference('user=42', 'other'),
    'user=42.' + sig.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    'user=42.' + sig + '\u0000',
    'user=42',
    'user=42.',
    '.' + sig,
    '',
    'user=42.' + sig.slice(0, 42) + '\u0141', // a non-ASCII character must not collapse to an ASCII byte
  ];
  for (const candidate of bad) {
    assert.equal(unsignCookie(candidate, 'secret'), false, JSON.stringify(candidate));
  }
});

test('the unused low bits of the last base64 character cannot be varied', () => {
  const signed = signCookie('v', 'secret');
  const last = signed.charCodeAt(signed.length - 1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const index = alphabet.indexOf(String.fromCharCode(last));
  // 43 characters carry 258 bits for 256: the last character's 2 low bits are padding.
  for (let low = 0; low < 4; low++) {
    const variant = alphabet[(index & ~3) | low];
    if (variant === signed[signed.length - 1]) continue;
    assert.equal(unsignCookie(signed.slice(0, -1) + variant, 'secret'), false);
  }
});

test('secret rotation: sign with the first, accept any', () => {
  const old = signCookie('v', 'old-secret');
  const current = signCookie('v', 'new-secret');
  assert.equal(unsignCookie(old, ['new-secret', 'old-secret']), 'v');
  assert.equal(unsignCookie(current, ['new-secret', 'old-secret']), 'v');
  assert.equal(unsignCookie(old, ['new-secret']), false);
  assert.equal(unsignCookie(old, 'new-secret'), false);
});

test('bad arguments are TypeErrors', () => {
  assert.throws(() => signCookie(1 as unknown as string, 's'), TypeError);
  assert.throws(() => signCookie('v', ''), TypeError);
  assert.throws(() => signCookie('v', undefined as unknown as string), TypeError);
  assert.throws(() => unsignCookie(undefined as unknown as string, 's'), TypeError);
  assert.throws(() => unsignCookie('v.x', []), TypeError);
  assert.throws(() => unsignCookie('v.' + 'A'.repeat(43), ['ok', '']), TypeError);
});
