// The urlencoded body parsers (flat and nested) under random and hostile bodies: they return a
// null-prototype form or throw a 4xx HttpError (too many parameters, too deep), nothing else;
// no '__proto__'/'constructor'/'prototype' key; linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFlat, parseNested, type FormLimits } from '../../lib/middleware/urlencoded-parser.js';
import { parserSuite } from './parser-suite.js';
import { check, hostileString, isClientError } from './support.js';

const limits: FormLimits = { parameterLimit: 1000, depth: 32, arrayLimit: 100, latin1: false };
const latin1: FormLimits = { ...limits, latin1: true };

const units = ['&', 'a=b&', '%zz', '+', 'a[b][c]=1&', '['];
parserSuite('urlencoded flat', { parse: (s) => parseFlat(s, limits), units, keyed: true });
parserSuite('urlencoded flat latin1', { parse: (s) => parseFlat(s, latin1), units: ['a=%e9&'], runs: 500, keyed: true });
parserSuite('urlencoded nested', {
  parse: (s) => parseNested(s, limits),
  keyed: true,
  units: [...units, { unit: '[a]', prefix: 'x', suffix: '=1' }, { unit: '[', prefix: 'x', suffix: ']=1' }],
});

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
function forbiddenKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) return key;
    const inner = forbiddenKey((value as Record<string, unknown>)[key]);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

test('urlencoded nested: no prototype-named key at any depth, arrays capped', () => {
  const key = fc
    .array(fc.constantFrom('a', '__proto__', 'constructor', 'prototype', '[', ']', '[]', '[0]', '[__proto__]', '[constructor]', '[prototype]', '[5]', '.'), { maxLength: 8 })
    .map((p) => p.join(''));
  check(
    fc.property(fc.array(fc.tuple(key, hostileString(4)), { maxLength: 30 }), (pairs) => {
      const body = pairs.map(([k, v]) => `${k}=${v.replace(/[`${k}=${encodeURIComponent(v)}`=]/g, "")}`).join('&');
      let form: unknown;
      try {
        form = parseNested(body, { ...limits, arrayLimit: 5 });
      } catch (err) {
        if (isClientError(err)) return;
        throw err;
      }
      assert.equal(forbiddenKey(form), undefined, `forbidden key from ${JSON.stringify(body)}`);
      const arrays = (v: unknown): void => {
        if (Array.isArray(v)) assert.ok(v.length <= 5, `array of ${v.length} past arrayLimit 5 from ${body}`);
        if (v !== null && typeof v === 'object') for (const x of Object.values(v)) arrays(x);
      };
      arrays(form);
    }),
    1500,
  );
});
