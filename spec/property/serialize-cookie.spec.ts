// serializeCookie under hostile names, values and options (CVE-2024-47764, GHSA-26pp-8wgv-hjvm):
// whatever passes validation yields exactly the attributes asked for, no more, and no byte that
// could end the header line. Everything else is a TypeError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { serializeCookie, type CookieOptions } from '../../lib/cookie/serialize.js';
import { check, hostileString } from './support.js';

// Mostly plausible values, so that many inputs pass validation; a quarter hostile.
const str = fc.oneof(
  { weight: 1, arbitrary: hostileString(6) },
  { weight: 3, arbitrary: fc.constantFrom('a', 'sid', '/', '/x', 'example.com', '.example.com', 'strict', 'Lax', 'none', 'high', 'Low', '__Host-x', '__Secure-x', 'a b', 'x%3B') },
);
// A few options at a time (all ten at once would almost never pass validation together).
const option: fc.Arbitrary<CookieOptions> = fc.oneof(
  fc.record({ maxAge: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 1e9 }) }, fc.double(), fc.constant(NaN)) }),
  fc.record({ domain: str }),
  fc.record({ path: str }),
  fc.record({ expires: fc.oneof({ weight: 4, arbitrary: fc.date({ noInvalidDate: true }) }, fc.constant(new Date(NaN))) }),
  fc.record({ secure: fc.boolean() }),
  fc.record({ httpOnly: fc.boolean() }),
  fc.record({ partitioned: fc.boolean() }),
  fc.record({ sameSite: fc.oneof(fc.boolean(), str) as fc.Arbitrary<CookieOptions['sameSite']> }),
  fc.record({ priority: str as fc.Arbitrary<CookieOptions['priority']> }),
);
const options: fc.Arbitrary<CookieOptions & { identity: boolean }> = fc
  .tuple(fc.boolean(), fc.array(option, { maxLength: 4 }))
  .map(([identity, list]) => Object.assign({ identity }, ...list) as CookieOptions & { identity: boolean });

function expectedAttributes(o: CookieOptions): number {
  let n = 0;
  for (const k of ['maxAge', 'domain', 'path', 'expires', 'priority'] as const) if (o[k] !== undefined) n++;
  for (const k of ['secure', 'httpOnly', 'partitioned'] as const) if (o[k] === true) n++;
  if (o.sameSite !== undefined && o.sameSite !== false) n++;
  return n;
}

test('serializeCookie: valid output has exactly the requested attributes and no line break', () => {
  let accepted = 0;
  check(
    fc.property(str, str, options, (name, value, opts) => {
      const { identity, ...o } = opts;
      if (identity) o.encode = (v: string) => v;
      let out: string;
      try {
        out = serializeCookie(name, value, o);
      } catch (err) {
        assert.ok(err instanceof TypeError, `not a TypeError: ${String(err)}`);
        return;
      }
      accepted++;
      // RFC 9110 §5.5: field values are visible ASCII, space and tab; nothing that ends the line.
      for (let i = 0; i < out.length; i++) {
        const c = out.charCodeAt(i);
        assert.ok(c >= 0x20 && c < 0x7f, `byte 0x${c.toString(16)} in ${JSON.stringify(out)}`);
      }
      const parts = out.split('; ');
      assert.equal(parts.length, 1 + expectedAttributes(o), `attributes in ${JSON.stringify(out)}`);
      assert.equal(out.split(';').length, parts.length, `a stray ';' in ${JSON.stringify(out)}`);
      assert.ok(parts[0]!.startsWith(name + '='), `name in ${JSON.stringify(out)}`);
      const names = parts.slice(1).map((p) => p.split('=')[0]!.toLowerCase());
      assert.equal(new Set(names).size, names.length, `repeated attribute in ${JSON.stringify(out)}`);
    }),
    5000,
  );
  assert.ok(accepted > 500, `only ${accepted} inputs passed validation: the property checked too little`);
});
