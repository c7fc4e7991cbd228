// parseCookie: RFC 6265bis §4.2.1 cookie-string parsing, leniency, decoding and hostile input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookie } from '../../lib/index.js';
import { LINEAR_GROWTH, assertGrowth, cpuGrowth } from '../helpers/cpu-time.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';
import { assertReturned, settledMemory } from '../reliability/support.js';

const plain = (o: Record<string, string>): Record<string, string> => ({ ...o });

test('parses the RFC 6265bis §4.2.1 cookie-string syntax', () => {
  const table: Array<[string, Record<string, string>]> = [
    ['SID=31d4d96e407aad42', { SID: '31d4d96e407aad42' }],
    ['SID=31d4d96e407aad42; lang=en-US', { SID: '31d4d96e407aad42', lang: 'en-US' }],
    ['a=1;b=2', { a: '1', b: '2' }],
    ['  a = 1 ;  b\t=\t2  ', { a: '1', b: '2' }],
    ['a=', { a: '' }],
    ['a=""', { a: '' }],
    ['a="quoted value"', { a: 'quoted value' }],
    ['a="', { a: '"' }],
    ['a=b=c', { a: 'b=c' }],
    ['noequals; a=1', { a: '1' }],
    ['a=1; noequals', { a: '1' }],
    ['a=1; a=2', { a: '1' }],
    [';;; a=1 ;;;', { a: '1' }],
    ['=novalue; b=2', { '': 'novalue', b: '2' }],
    ['', {}],
    ['a', {}],
  ];
  for (const [header, expected] of table) {
    assert.deepEqual(plain(parseCookie(header)), expected, header);
  }
});

test('decodes %-escapes only when present, and keeps the raw value when decoding fails', () => {
  assert.equal(parseCookie('a=hello%20world').a, 'hello world');
  assert.equal(parseCookie('a=%E2%9C%93').a, '\u2713');
  assert.equal(parseCookie('a=%E0%A4%A').a, '%E0%A4%A');
  assert.equal(parseCookie('a=100%').a, '100%');
  assert.equal(parseCookie('a=s%3Aid.sig').a, 's:id.sig');
  let calls = 0;
  const decode = (v: string): string => {
    calls++;
    return v.toUpperCase();
  };
  assert.equal(parseCookie('a=abc; b=x%41', { decode }).a, 'abc');
  assert.equal(calls, 1, 'decode runs only for values containing %');
  calls = 0;
  assert.deepEqual(plain(parseCookie('a=x%41; b=abc; c="%42"; d=e', { decode })), { a: 'X%41', b: 'abc', c: '%42', d: 'e' });
  assert.equal(calls, 2, 'decode runs only for values containing %, before and after other values');
  assert.equal(parseCookie('a=x%41', { decode: () => { throw new Error('boom'); } }).a, 'x%41');
});

test('decodes ASCII escapes, UTF-8 escapes and mixes of both as decodeURIComponent does', () => {
  const table: Array<[string, string]> = [
    ['s%3Aid.sig', 's:id.sig'],
    ['%3a%3A', '::'],
    ['a%2Cb%2c%20c', 'a,b, c'],
    ['%00%7F', '\u0000\u007f'],
    ['caf%C3%A9%21', 'caf\u00e9!'],
    ['%41%E2%9C%93%42', 'A\u2713B'],
    ['%25', '%'],
    ['%2525', '%25'],
  ];
  for (const [value, expected] of table) {
    assert.equal(parseCookie(`k=${value}`).k, expected, value);
    assert.equal(decodeURIComponent(value), expected, `the table agrees with decodeURIComponent: ${value}`);
  }
  // Malformed or incomplete escapes, anywhere in the value: the raw value, as before.
  for (const value of ['%', 'a%', 'a%4', '%4g', '%g4', 'ok%20then%', '%20%C3', '%80', '%C3%28', '%%41']) {
    assert.equal(parseCookie(`k=${value}`).k, value, value);
  }
});

test('names kept from earlier headers come back only as themselves', () => {
  // The parser keeps the names it cuts, to reuse them (parse.ts, cookieName), and finds a kept
  // name again by its length, its first character and its last two. Names alike in all of
  // those, parsed in turn, must each come back as itself.
  const alike = ['aXbc', 'aYbc', 'aZbc', 'a_bc'];
  for (let round = 0; round < 3; round++) {
    for (const name of alike) {
      assert.deepEqual(Object.keys(parseCookie(`${name}=1`)), [name]);
      assert.deepEqual(plain(parseCookie(`x=0; ${name}=1`)), { x: '0', [name]: '1' });
    }
  }
  // A kept name is compared where the new one stands in the header, over its whole length.
  parseCookie('sid=1');
  assert.deepEqual(plain(parseCookie('sidx=1; sid=2; s=3; id=4; xsid=5')), { sidx: '1', sid: '2', s: '3', id: '4', xsid: '5' });
  // Names too long to be kept, and the empty name, are cut as they come.
  const long = 'n'.repeat(40);
  assert.deepEqual(plain(parseCookie(`${long}=1; ${long}x=2; =3`)), { [long]: '1', [`${long}x`]: '2', '': '3' });
  assert.deepEqual(plain(parseCookie(`${long}=4`)), { [long]: '4' });
});

test('names kept for reuse do not keep their headers alive', async () => {
  // A name cut from a long header may be a view into it (V8 makes slices of 13 characters or more
  // that way); kept as it was cut, each of the 256 kept names could hold a whole header. 300 new
  // names of 26-28 characters (kept: at most 32), each in a header of 1 MiB.
  const before = await settledMemory();
  for (let i = 0; i < 300; i++) {
    const parsed = parseCookie(`a-long-cookie-name-number-${i}=${'x'.repeat(1 << 20)}`);
    assert.equal(Object.keys(parsed).length, 1);
  }
  const after = await settledMemory();
  assertReturned('300 headers of 1 MiB, each with a new name', before, after);
});

test('the result inherits nothing; __proto__ and constructor are plain keys', () => {
  const c = parseCookie('__proto__=polluted; constructor=x; toString=y; hasOwnProperty=z');
  assert.ok(inheritsNothing(c));
  assert.ok(inheritsNothing(parseCookie('')));
  assert.equal('toString' in parseCookie('a=1'), false);
  assert.deepEqual(Object.keys(c), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
  assert.equal(c['__proto__'], 'polluted');
  assert.equal(c.constructor, 'x');
  assert.equal(c.toString, 'y');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('never throws on hostile input', () => {
  const inputs: unknown[] = [undefined, null, 42, {}, '=', ';', '==;;==', '%', 'a=%', 'a=%%%%', '\u0000=\u0000', 'a=\uD800', 'a="', '"="', 'a=' + '%'.repeat(10_000)];
  for (const input of inputs) {
    assert.doesNotThrow(() => parseCookie(input as string));
  }
});

test('a 1 MiB header, 100,000 pairs and 100,000 escapes parse without error', () => {
  const big = 'a=' + 'x'.repeat(1024 * 1024);
  assert.equal(parseCookie(big).a.length, 1024 * 1024);
  const pairs: string[] = [];
  for (let i = 0; i < 100_000; i++) pairs.push(`k${i}=v${i}`);
  const parsed = parseCookie(pairs.join('; '));
  assert.equal(Object.keys(parsed).length, 100_000);
  assert.equal(parsed.k99999, 'v99999');
  // A long value of escapes only: decoded whole, and usable as one string.
  const escaped = parseCookie('a=' + '%41'.repeat(100_000) + '; b=1');
  assert.equal(escaped.a, 'A'.repeat(100_000));
  assert.equal(escaped.b, '1');
});

test('runs in linear time on adversarial shapes (16x the input costs well under 256x the CPU time)', () => {
  const shapes: Array<[string, (n: number) => string]> = [
    ['pairs without "="', (n) => 'a;'.repeat(n) + 'b=1'],
    ['"=" only at the end', (n) => ';'.repeat(n) + 'b=1'],
    ['spaces', (n) => 'a=' + ' '.repeat(n) + 'x' + ' '.repeat(n)],
    ['repeated names', (n) => 'a=1; '.repeat(n)],
    ['many "="', (n) => 'a' + '='.repeat(n)],
    ['percent escapes', (n) => 'a=' + '%41'.repeat(n)],
  ];
  for (const [label, make] of shapes) {
    // CPU time per unit at 16x the size over that at 1x: linear about 1, quadratic about 16. A
    // ratio of CPU times, never a wall-clock bound, so a loaded machine does not fail it.
    const growth = cpuGrowth((n) => {
      const header = make(n);
      return () => parseCookie(header);
    }, 10_000, 160_000);
    assertGrowth(label, growth, LINEAR_GROWTH);
  }
});
