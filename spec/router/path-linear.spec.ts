// The linear-time measure used by spec/security/ must be able to fail: it catches a quadratic
// loop and the backtracking regex path-to-regexp 0.1.7 built for '/:a-:b' (CVE-2024-45296),
// and passes Keel's matcher on the same input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLinearTime } from './path-linear-time.js';
import { compilePath } from '../../lib/router/path.js';

test('a quadratic loop fails the linear-time assertion', { timeout: 60_000 }, () => {
  assert.throws(
    () =>
      assertLinearTime('quadratic', (size) => () => {
        let sum = 0;
        for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) sum += i ^ j;
        if (sum < 0) throw new Error('unreachable');
      }, 500, 8000),
    assert.AssertionError,
  );
});

test("path-to-regexp 0.1.7's regex for '/:a-:b' fails it; Keel's matcher passes", { timeout: 60_000 }, () => {
  const old = /^\/(?:([^/]+?))-(?:([^/]+?))\/?$/i;
  const path = (size: number): string => '/' + '-'.repeat(size) + '/x';
  assert.throws(
    () => assertLinearTime('old regex', (size) => { const p = path(size); return () => old.exec(p); }, 500, 4000),
    assert.AssertionError,
  );
  const matcher = compilePath('/:a-:b', { end: true, strict: false, caseSensitive: false });
  assertLinearTime('keel', (size) => { const p = path(size); return () => matcher.match(p); }, 500, 4000);
});
