// serializeCookie: RFC 6265bis §4.1 Set-Cookie syntax, every validation error, and the prefixes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeCookie, parseCookie, type CookieOptions } from '../../lib/index.js';

test('serializes name and encoded value', () => {
  assert.equal(serializeCookie('a', 'b'), 'a=b');
  assert.equal(serializeCookie('a', ''), 'a=');
  assert.equal(serializeCookie('a', 'hello world; x=y'), 'a=hello%20world%3B%20x%3Dy');
  assert.equal(serializeCookie('a', 's:id.sig+/'), 'a=s%3Aid.sig%2B%2F');
  assert.equal(serializeCookie("!#$%&'*+-.^_`|~09AZaz", 'v'), "!#$%&'*+-.^_`|~09AZaz=v");
  assert.equal(serializeCookie('a', 'raw"quoted"', { encode: (v) => v.replace(/raw/, '') }), 'a="quoted"');
  assert.equal(serializeCookie('a', 'x y', { encode: (v) => v.replace(' ', '+') }), 'a=x+y');
});

test('round-trips through parseCookie', () => {
  const values = ['plain', '', 'with space', 'semi;colon', 'equals=sign', '\u00e9\u2713\ud83c\udf6a', '%41', '"quoted"', 'comma,back\\slash'];
  for (const value of values) {
    const line = serializeCookie('n', value, { path: '/' });
    assert.equal(parseCookie(line.slice(0, line.indexOf(';'))).n, value);
  }
});

test('serializes every attribute (RFC 6265bis §4.1.2)', () => {
  const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
  const table: Array<[CookieOptions, string]> = [
    [{ maxAge: 3600 }, 'a=b; Max-Age=3600'],
    [{ maxAge: 0 }, 'a=b; Max-Age=0'],
    [{ maxAge: -1 }, 'a=b; Max-Age=-1'],
    [{ expires }, 'a=b; Expires=Wed, 02 Jan 2030 03:04:05 GMT'],
    [{ domain: 'example.com' }, 'a=b; Domain=example.com'],
    [{ domain: '.Sub-1.example.com' }, 'a=b; Domain=.Sub-1.example.com'],
    [{ path: '/' }, 'a=b; Path=/'],
    [{ path: '/a b/c' }, 'a=b; Path=/a b/c'],
    [{ secure: true }, 'a=b; Secure'],
    [{ secure: false, httpOnly: false }, 'a=b'],
    [{ httpOnly: true }, 'a=b; HttpOnly'],
    [{ sameSite: true }, 'a=b; SameSite=Strict'],
    [{ sameSite: false }, 'a=b'],
    [{ sameSite: 'strict' }, 'a=b; SameSite=Strict'],
    [{ sameSite: 'Lax' }, 'a=b; SameSite=Lax'],
    [{ sameSite: 'none', secure: true }, 'a=b; Secure; SameSite=None'],
    [{ partitioned: true, secure: true }, 'a=b; Secure; Partitioned'],
    [{ priority: 'low' }, 'a=b; Priority=Low'],
    [{ priority: 'Medium' }, 'a=b; Priority=Medium'],
    [{ priority: 'high' }, 'a=b; Priority=High'],
    [
      { maxAge: 60, domain: 'x.org', path: '/p', expires, httpOnly: true, secure: true, partitioned: true, priority: 'high', sameSite: 'lax' },
      'a=b; Max-Age=60; Domain=x.org; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; Partitioned; Priority=High; SameSite=Lax',
    ],
  ];
  for (const [options, expected] of table) assert.equal(serializeCookie('a', 'b', options), expected, JSON.stringify(options));
});

function throwsNaming(fn: () => unknown, word: string): void {
  assert.throws(fn, (err: unknown) => err instanceof TypeError && err.message.includes(word), `expected a TypeError naming ${word}`);
}

test('every invalid field is a TypeError naming it', () => {
  for (const name of ['', 'a b', 'a;b', 'a=b', 'a\r', 'a\n', 'a\t', 'a,b', 'a"b', 'a(b)', 'a/b', 'a:b', 'a@b', 'a[b]', 'a{b}', 'a?b', 'a\\b', '\u00e9', 'a\u0000', 'a\u007f', 3 as unknown as string]) {
    throwsNaming(() => serializeCookie(name, 'v'), 'name');
  }
  throwsNaming(() => serializeCookie('a', 1 as unknown as string), 'value');
  const identity = { encode: (v: string) => v };
  for (const value of ['a b', 'a;b', 'a,b', 'a"b', 'a\\b', 'a\r\nb', '\u00e9', 'a\u0000', '"a', 'a\u007f']) {
    throwsNaming(() => serializeCookie('a', value, identity), 'value');
  }
  throwsNaming(() => serializeCookie('a', 'v', { encode: () => 1 as unknown as string }), 'value');
  throwsNaming(() => serializeCookie('a', 'v', { encode: 'x' as unknown as (v: string) => string }), 'encode');
  for (const domain of ['', '.', 'a..b', 'exa mple.com', 'example.com;', 'ex;ample.com', 'a\r\nb', '-a.com', 'a-.com', 'a.com.', '\u00e9.com', 'a_b.com', 'x'.repeat(64) + '.com', 'a.'.repeat(130) + 'a', 1 as unknown as string]) {
    throwsNaming(() => serializeCookie('a', 'v', { domain }), 'domain');
  }
  for (const path of ['', 'relative', '/a;b', '/a\r\nb', '/\u0000', '/\u007f', '/\u00e9', 5 as unknown as string]) {
    throwsNaming(() => serializeCookie('a', 'v', { path }), 'path');
  }
  for (const maxAge of [1.5, NaN, Infinity, '3600' as unknown as number, null as unknown as number]) {
    throwsNaming(() => serializeCookie('a', 'v', { maxAge }), 'maxAge');
  }
  for (const expires of [new Date(NaN), '2030-01-01' as unknown as Date, Date.now() as unknown as Date, null as unknown as Date]) {
    throwsNaming(() => serializeCookie('a', 'v', { expires }), 'expires');
  }
  for (const sameSite of ['', 'strict;', 'Lax; Secure', 'lax\r\n', 'none ', 'bogus', 1] as unknown as CookieOptions['sameSite'][]) {
    throwsNaming(() => serializeCookie('a', 'v', { sameSite, secure: true }), 'sameSite');
  }
  throwsNaming(() => serializeCookie('a', 'v', { sameSite: 'none' }), 'secure');
  for (const priority of ['', 'urgent', 'high; Secure', 'low\r\n', 2] as unknown as CookieOptions['priority'][]) {
    throwsNaming(() => serializeCookie('a', 'v', { priority }), 'priority');
  }
  throwsNaming(() => serializeCookie('a', 'v', { partitioned: true }), 'partitioned');
  throwsNaming(() => serializeCookie('a', 'v', { partitioned: 'yes' as unknown as boolean, secure: true }), 'partitioned');
  throwsNaming(() => serializeCookie('a', 'v', { secure: 1 as unknown as boolean }), 'secure');
  throwsNaming(() => serializeCookie('a', 'v', { httpOnly: 'true' as unknown as boolean }), 'httpOnly');
});

test('__Secure- and __Host- prefixes (RFC 6265bis §4.1.3)', () => {
  assert.equal(serializeCookie('__Secure-id', 'v', { secure: true }), '__Secure-id=v; Secure');
  assert.equal(serializeCookie('__Host-id', 'v', { secure: true, path: '/' }), '__Host-id=v; Path=/; Secure');
  throwsNaming(() => serializeCookie('__Secure-id', 'v'), '__Secure-');
  throwsNaming(() => serializeCookie('__secure-id', 'v', { httpOnly: true }), '__Secure-');
  throwsNaming(() => serializeCookie('__Host-id', 'v', { path: '/' }), 'secure');
  throwsNaming(() => serializeCookie('__HOST-id', 'v', { path: '/' }), 'secure');
  throwsNaming(() => serializeCookie('__Host-id', 'v', { secure: true }), 'path');
  throwsNaming(() => serializeCookie('__Host-id', 'v', { secure: true, path: '/app' }), 'path');
  throwsNaming(() => serializeCookie('__Host-id', 'v', { secure: true, path: '/', domain: 'example.com' }), 'domain');
  // Not a prefix: no requirement.
  assert.equal(serializeCookie('__Hosted', 'v'), '__Hosted=v');
  assert.equal(serializeCookie('_Secure-x', 'v'), '_Secure-x=v');
});
