// Path matching (compilePath) under random and hostile request paths, for a spread of pattern
// kinds: match() never throws (a bad %-escape in a param is a clean 400), params have a null
// prototype, and time is linear in the path's length.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePath, type PathMatcher } from '../../lib/router/path.js';
import { parserSuite } from './parser-suite.js';
import { check, hostileString } from './support.js';

const PATTERNS = ['/users/:id', '/:a-:b', '/:from-:to/:x.:y', '/files/*path', '/*a/:b/*c', '/users{/:id}', '/{:a}{-:b}{.:c}', '/:__proto__/:constructor', '/a/b/c', '/'];
const matchers: PathMatcher[] = [];
for (const p of PATTERNS) {
  for (const end of [true, false]) matchers.push(compilePath(p, { end, caseSensitive: false, strict: false }));
}

const pathArb = fc
  .array(fc.oneof(fc.constantFrom('/', '-', '.', 'users', 'files', 'a', 'b', '%', '%2F', '%zz', '%E9', '__proto__', 'constructor', '//', '..'), hostileString(2)), { maxLength: 30 })
  .map((parts) => '/' + parts.join(''));

parserSuite('compilePath().match (every pattern kind)', {
  // The params object is keyed by the pattern's names and holds client text: null prototype.
  parse: (path) => matchers.map((m) => m.match('/' + path)?.params),
  units: [],
  extra: pathArb,
  keyed: true,
  runs: 1000,
});

test('compilePath().match: a matched prefix is a prefix, params are strings', () => {
  check(
    fc.property(pathArb, (path) => {
      for (const m of matchers) {
        let r;
        try {
          r = m.match(path);
        } catch (err) {
          assert.equal((err as { status?: number }).status, 400, String(err));
          continue;
        }
        if (r === null) continue;
        assert.ok(r.matched >= 0 && r.matched <= path.length, `matched ${r.matched} of ${path.length}`);
        for (const key of Object.keys(r.params)) {
          const v = r.params[key];
          assert.ok(typeof v === 'string' || Array.isArray(v), `param ${key} is ${typeof v}`);
        }
      }
    }),
    1000,
  );
});

// Paths shaped like the ReDoS advisories (CVE-2024-45296, CVE-2024-45813, CVE-2026-4923): long runs
// of the separators the multi-param and wildcard patterns split on. (spec/router/path-linear.spec.ts
// times every engine on more shapes; these two keep the check in the property suite.)
for (const [pattern, unit] of [
  ['/:a-:b', 'a-'],
  ['/*a/:b/*c', '/xxxxxxxxxxxxxxx'],
] as const) {
  parserSuite(`compilePath('${pattern}').match`, {
    parse: (path) => compilePath(pattern, { end: true, caseSensitive: false, strict: false }).match(path)?.params,
    units: [{ unit, prefix: '/', suffix: '!' }],
    keyed: true,
    runs: 50,
  });
}
