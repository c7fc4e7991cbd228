// parseQuery (req.query) under random and hostile query strings: never throws, null prototype,
// linear time, and no more than `limit` pairs read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseQuery } from '../../lib/http/query.js';
import { parserSuite } from './parser-suite.js';
import { check, hostileString } from './support.js';

parserSuite('parseQuery', {
  parse: (s) => parseQuery(s),
  keyed: true,
  units: ['&', 'a=b&', '=', '%', '%zz', '+', 'a[]=1&', '__proto__=1&', 'a'],
});

test('parseQuery: never more distinct values than the pair limit', () => {
  check(
    fc.property(hostileString(60), fc.integer({ min: 1, max: 20 }), (input, limit) => {
      const q = parseQuery(input, limit);
      let values = 0;
      for (const key of Object.keys(q)) {
        const v = q[key]!;
        values += typeof v === 'string' ? 1 : v.length;
      }
      assert.ok(values <= limit, `${values} values with limit ${limit}`);
    }),
    1000,
  );
});
