// parseCookie under random and hostile Cookie headers: never throws, null-prototype map, linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCookie } from '../../lib/cookie/parse.js';
import { parserSuite } from './parser-suite.js';
import { check } from './support.js';

parserSuite('parseCookie', {
  parse: (s) => parseCookie(s),
  keyed: true,
  units: ['a=b; ', ';', '=', ' ', 'a', '%', '%zz', '"', '__proto__=x; ', 'k="v";'],
});

test('parseCookie: pairs built from tokens come back whole (first wins)', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9!#$&'*+.^_`|~-]{1,12}$/);
  const value = fc.stringMatching(/^[A-Za-z0-9!#$&'()*+./:<>?@[\]^_`{|}~-]{0,12}$/);
  check(
    fc.property(fc.array(fc.tuple(token, value), { maxLength: 20 }), (pairs) => {
      const header = pairs.map(([k, v]) => `${k}=${v}`).join('; ');
      const parsed = parseCookie(header, { decode: (v) => v });
      const expected = new Map<string, string>();
      for (const [k, v] of pairs) if (!expected.has(k)) expected.set(k, v);
      assert.deepEqual(Object.keys(parsed).sort(), [...expected.keys()].sort());
      for (const [k, v] of expected) assert.equal(parsed[k], v);
    }),
    500,
  );
});

test('parseCookie: values decode as decodeURIComponent decodes them, or stay raw where it throws', () => {
  // Pieces that make ASCII escapes, UTF-8 escapes (whole and cut short) and malformed ones.
  const piece = fc.constantFrom('a', 'Z', '0', '.', '%', '%2', '%20', '%3a', '%3A', '%7F', '%7f', '%80', '%C3%A9', '%c3%a9', '%E2%9C%93', '%E2%9C', '%zz', '%g0', '%0G', '%%');
  check(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const value = pieces.join('');
      let expected: string;
      try {
        expected = decodeURIComponent(value);
      } catch {
        expected = value;
      }
      assert.equal(parseCookie(`k=${value}`).k, expected);
    }),
    1000,
  );
});
