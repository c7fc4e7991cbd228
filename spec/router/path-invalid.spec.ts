// Invalid patterns, inputs and options are TypeErrors when the route is declared, with a message
// that says what is wrong and where.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathInput, PathOptions } from '../../lib/router/path.js';
import { MAX_GROUP_DEPTH, MAX_PATTERN_LENGTH, MAX_PATTERN_PARAMS } from '../../lib/router/path-parse.js';

const ROUTE: PathOptions = { end: true, strict: false, caseSensitive: false };

test('invalid patterns throw a TypeError naming the problem', () => {
  const rows: [string, RegExp][] = [
    ['/users{/:id', /unclosed '\{' at index 6/],
    ['/users}', /unexpected '\}' at index 6/],
    ['/a{b}}', /unexpected '\}'/],
    ['/:', /missing parameter name/],
    ['/:/x', /missing parameter name/],
    ['/:-x', /missing parameter name/],
    ['/:1abc', /missing parameter name/],
    ['/:""', /empty quoted name/],
    ['/:"abc', /unterminated quoted name/],
    ['/:a:b', /parameter "b" directly follows parameter "a"/],
    ['/*a:b', /parameter "b" directly follows parameter "a"/],
    ['/:a*b', /parameter "b" directly follows parameter "a"/],
    ['/**', /parameter "1" directly follows parameter "0"/],
    ['/:id/:id', /duplicate parameter name "id"/],
    ['/:id{/*id}', /duplicate parameter name "id"/],
    ['/(\\d+)', /"\(" is reserved/],
    ['/a)', /"\)" is reserved/],
    ['/users/:id(\\d+)', /custom param patterns/],
    ['/a?', /"\?" is reserved/],
    ['/a+', /"\+" is reserved/],
    ['/a!', /"!" is reserved/],
    ['/*path?', /"\?" is reserved/],
    ['/a\\', /trailing backslash/],
    ['/' + 'a'.repeat(MAX_PATTERN_LENGTH), /longer than/],
    ['/x' + '{'.repeat(MAX_GROUP_DEPTH + 1) + '}'.repeat(MAX_GROUP_DEPTH + 1), /nested deeper/],
    [Array.from({ length: MAX_PATTERN_PARAMS + 1 }, (_, i) => `/:p${i}`).join(''), /more than 64 parameters/],
    ['/\uD800', /lone surrogate/],
  ];
  for (const [pattern, message] of rows) {
    assert.throws(() => compilePath(pattern, ROUTE), (err: unknown) => {
      assert.ok(err instanceof TypeError, pattern);
      assert.match(err.message, message, pattern);
      assert.match(err.message, /^Invalid path pattern/, pattern);
      return true;
    });
  }
});

test('limits are inclusive: a pattern at each limit compiles', () => {
  compilePath('/' + 'a'.repeat(MAX_PATTERN_LENGTH - 1), ROUTE);
  compilePath('/x' + '{'.repeat(MAX_GROUP_DEPTH) + 'y' + '}'.repeat(MAX_GROUP_DEPTH), ROUTE);
  compilePath(Array.from({ length: MAX_PATTERN_PARAMS }, (_, i) => `/:p${i}`).join(''), ROUTE);
});

test('an invalid pattern in an array fails the whole array', () => {
  assert.throws(() => compilePath(['/ok', '/:'], ROUTE), TypeError);
});

test('inputs that are not paths are TypeErrors', () => {
  const inputs: unknown[] = [undefined, null, 42, {}, () => '/x', [], [42], ['/a', null]];
  for (const input of inputs) {
    assert.throws(() => compilePath(input as PathInput, ROUTE), TypeError, String(input));
  }
  // Nested arrays are flattened, as in Express.
  const nested = compilePath([['/a', ['/b']]] as unknown as PathInput, ROUTE);
  assert.notEqual(nested.match('/b'), null);
});

test('options must be an object of three booleans', () => {
  const bad: unknown[] = [
    undefined,
    null,
    'strict',
    { end: true, strict: false },
    { end: 'yes', strict: false, caseSensitive: false },
    { end: true, strict: 0, caseSensitive: false },
    { end: true, strict: false, caseSensitive: undefined },
  ];
  for (const options of bad) {
    assert.throws(() => compilePath('/x', options as PathOptions), TypeError, JSON.stringify(options));
  }
});

test('a compiled matcher keeps its options when the caller mutates its object', () => {
  const options: PathOptions = { end: true, strict: false, caseSensitive: false };
  const m = compilePath('/x', options);
  options.strict = true;
  options.caseSensitive = true;
  assert.notEqual(m.match('/X/'), null);
});
