// entityTagListMatches(): the one If-Match / If-None-Match list matcher behind req.fresh and
// serveStatic's preconditions (RFC 9110 §13.1.1-2, comparison functions of §8.8.3.2).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityTagListMatches } from '../../lib/http/fresh.js';

test('weak comparison ignores W/ on either side; strong never matches a weak tag', () => {
  assert.equal(entityTagListMatches('"a"', '"a"', true), true);
  assert.equal(entityTagListMatches('W/"a"', '"a"', true), true);
  assert.equal(entityTagListMatches('"a"', 'W/"a"', true), true);
  assert.equal(entityTagListMatches('"a"', '"a"', false), true);
  assert.equal(entityTagListMatches('W/"a"', '"a"', false), false);
  assert.equal(entityTagListMatches('"a"', 'W/"a"', false), false);
  assert.equal(entityTagListMatches('W/"a"', 'W/"a"', false), false);
  assert.equal(entityTagListMatches('"b"', '"a"', true), false);
});

test('lists with optional whitespace; "*" only as the whole value', () => {
  assert.equal(entityTagListMatches(' "x" ,\t"y", W/"a" ', '"a"', true), true);
  assert.equal(entityTagListMatches('"x",,"a"', '"a"', false), true);
  assert.equal(entityTagListMatches('*', '"a"', false), true);
  assert.equal(entityTagListMatches(' * ', 'W/"a"', true), true);
  // RFC 9110 §13.1.1: If-Match = "*" / #entity-tag: a '*' inside a list is not the wildcard.
  assert.equal(entityTagListMatches('"x", *', '"a"', true), false);
  assert.equal(entityTagListMatches('', '"a"', true), false);
  // An opaque tag compares whole: no prefix or substring matches.
  assert.equal(entityTagListMatches('"ab"', '"a"', true), false);
  assert.equal(entityTagListMatches('"a"x', '"a"', true), false);
});
