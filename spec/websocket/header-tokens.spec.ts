// The handshake's header parsers: token lists and extension offers, linear and prototype-safe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasToken, parseExtensions, parseTokenList } from '../../lib/websocket/header-tokens.js';
import { LINEAR_GROWTH, assertGrowth, cpuGrowth } from '../helpers/cpu-time.js';

test('token lists: OWS, empty elements, invalid characters', () => {
  assert.deepEqual(parseTokenList('a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(parseTokenList(' , a,, \tb ,'), ['a', 'b']);
  assert.deepEqual(parseTokenList(''), []);
  assert.equal(parseTokenList('a b'), null);
  assert.equal(parseTokenList('a;b'), null);
  assert.equal(parseTokenList('é'), null);
  assert.equal(parseTokenList(Array.from({ length: 200 }, (_, i) => `p${i}`).join(',')), null, 'element cap');
  assert.equal(hasToken('keep-alive, Upgrade', 'upgrade'), true);
  assert.equal(hasToken('keep-alive, Upgrades', 'upgrade'), false);
  assert.equal(hasToken(undefined, 'upgrade'), false);
});

test('extension offers: params, quoted values, repeated names, null-prototype maps', () => {
  const offers = parseExtensions('permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits="10" , x-foo;a=1;b');
  assert.ok(offers !== null);
  assert.equal(Object.getPrototypeOf(offers), null);
  assert.equal(offers['permessage-deflate'].length, 2);
  assert.equal(offers['permessage-deflate'][0].client_max_window_bits, true);
  assert.equal(offers['permessage-deflate'][1].server_max_window_bits, '10');
  assert.equal(Object.getPrototypeOf(offers['x-foo'][0]), null);
  assert.deepEqual({ ...offers['x-foo'][0] }, { a: '1', b: true });
  for (const bad of ['foo;', 'foo; =1', 'foo;a=', 'foo;a="', 'foo;a=""', 'foo;a="b c"', 'foo bar', ';a', 'foo;a=1 2']) {
    assert.equal(parseExtensions(bad), null, bad);
  }
});

test('__proto__ and constructor are plain keys', () => {
  const offers = parseExtensions('__proto__; constructor=1; __proto__, constructor, hasOwnProperty');
  assert.ok(offers !== null);
  assert.deepEqual(Object.keys(offers), ['__proto__', 'constructor', 'hasOwnProperty']);
  assert.equal(offers.__proto__[0].constructor, '1');
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
});

test('linear time on long runs of spaces, commas and semicolons', () => {
  // CPU time per character at 10x the input over that at 1x (absolute times mean nothing on a
  // shared machine): linear parsing gives about 1, a quadratic one about 10.
  const shapes: ((n: number) => string)[] = [
    (n) => ' '.repeat(n) + 'x',
    (n) => ','.repeat(n),
    (n) => 'a' + ' '.repeat(n) + 'b',
    (n) => 'a;'.repeat(n / 2),
  ];
  for (const [i, shape] of shapes.entries()) {
    const growth = cpuGrowth((n) => {
      const input = shape(n);
      return () => {
        parseTokenList(input);
        parseExtensions(input);
      };
    }, 20_000, 200_000);
    assertGrowth(`shape #${i}`, growth, LINEAR_GROWTH);
  }
});
