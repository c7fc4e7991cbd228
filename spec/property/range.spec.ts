// parseRange (Range: bytes=..., RFC 9110 §14.2) under random and hostile headers: never throws,
// every returned range lies inside the representation, at most `limit` ranges, linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRange } from '../../lib/http/range.js';
import { parserSuite } from './parser-suite.js';
import { check, hostileString } from './support.js';

parserSuite('parseRange', {
  parse: (s) => parseRange(1000, s),
  units: [{ unit: '0-1,', prefix: 'bytes=' }, { unit: ',', prefix: 'bytes=' }, { unit: ' ', prefix: 'bytes=' }, { unit: '-', prefix: 'bytes=' }, '=', '9'],
});

test('parseRange: ranges stay inside the representation and within the limit', () => {
  const spec = fc.oneof(
    fc.tuple(fc.nat(5000), fc.nat(5000)).map(([a, b]) => `${a}-${b}`),
    fc.nat(5000).map((a) => `${a}-`),
    fc.nat(5000).map((a) => `-${a}`),
    hostileString(3),
  );
  check(
    fc.property(fc.nat(3000), fc.array(spec, { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (size, specs, limit, combine) => {
      const r = parseRange(size, 'bytes=' + specs.join(','), { limit, combine });
      if (r === -1 || r === -2) return;
      assert.ok(r.length >= 1 && r.length <= limit, `${r.length} ranges, limit ${limit}`);
      for (const { start, end } of r) {
        assert.ok(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end < size, `${start}-${end} of ${size}`);
      }
    }),
    2000,
  );
});
