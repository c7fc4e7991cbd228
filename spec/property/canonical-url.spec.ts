// canonicalUrl() (the path every layer matches against) has two ways through: URLs up to 64
// characters are scanned by one loop, longer ones by indexOf(). Both must give the same answer:
// a query string long enough to push a URL past 64 characters must change nothing but the query.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalUrl } from '../../lib/router/url.js';
import { check } from './support.js';

const UNITS = ['/', '.', '..', '/.', '/..', '%', '%2e', '%2E', '%41', '%7e', '%2f', '%zz', '%2', 'a', 'b', 'é', '~', ';'];
const path = fc.array(fc.constantFrom(...UNITS), { maxLength: 12 }).map((units) => '/' + units.join(''));
const LONG_QUERY = '?pad=' + 'p'.repeat(70);

test('canonicalUrl: a short URL and the same URL made long by its query string agree', () => {
  check(
    fc.property(path, (url) => {
      assert.equal(canonicalUrl(url + LONG_QUERY), canonicalUrl(url) + LONG_QUERY, url);
    }),
    2000,
  );
});

test('canonicalUrl: its answer is canonical already (applying it twice changes nothing)', () => {
  check(
    fc.property(path, fc.boolean(), (url, long) => {
      const once = canonicalUrl(long ? url + LONG_QUERY : url);
      assert.equal(canonicalUrl(once), once, url);
    }),
    2000,
  );
});

test('canonicalUrl: examples on both sides of 64 characters', () => {
  const long = '/' + 'x'.repeat(70);
  const cases: [string, string][] = [
    ['/', '/'],
    ['/r99/42', '/r99/42'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/%61dmin', '/admin'],
    ['/a%2fb', '/a%2fb'], // '/' is reserved: its escape stays
    ['/a?x=/../%61', '/a?x=/../%61'], // the query is not the path
    ['/a.b/c', '/a.b/c'],
    [long + '/../%61', '/a'],
    [long + '/%7e', long + '/~'],
    [long, long],
    ['http://example.com/%61/./b?q', '/a/b?q'],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalUrl(input), expected, input);
});
