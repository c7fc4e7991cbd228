// The three properties every parser of client input must hold, as one reusable suite: random and
// hostile strings never throw (other than a clean 4xx HttpError where the parser is documented to
// reject), never yield a key that lives on Object.prototype nor pollute it, and cost time linear in
// their length (1 MiB against 10 KiB, by CPU-time ratio).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_RATIO, check, fill, hostileString, isClientError, linearity, prototypeClean, touchesPrototype } from './support.js';

export interface ParserSuite {
  /** Parses one input; may return anything (checked for prototype keys). */
  parse: (input: string) => unknown;
  /** Repeating units for the linearity check: each is filled to 10 KiB and to 1 MiB. */
  units: readonly (string | { unit: string; prefix?: string; suffix?: string })[];
  /** Extra arbitrary inputs besides the hostile-piece strings. */
  extra?: fc.Arbitrary<string>;
  runs?: number;
  /** The result is keyed by client input: every object in it must have a null prototype. */
  keyed?: boolean;
}

export const SMALL = 10 * 1024;
export const LARGE = 1024 * 1024;

export function parserSuite(name: string, suite: ParserSuite): void {
  const runs = suite.runs ?? 2000;
  const inputs = suite.extra === undefined ? hostileString() : fc.oneof(hostileString(), suite.extra);

  test(`${name}: random and hostile input never throws and never reaches Object.prototype (${runs} runs)`, () => {
    check(
      fc.property(inputs, (input) => {
        let out: unknown;
        try {
          out = suite.parse(input);
        } catch (err) {
          if (isClientError(err)) return true;
          throw err;
        }
        assert.equal(touchesPrototype(out, suite.keyed ?? false), false, `a result object with Object.prototype for ${JSON.stringify(input)}`);
        assert.ok(prototypeClean(), 'Object.prototype was modified');
        return true;
      }),
      runs,
    );
  });

  if (suite.units.length === 0) return;
  test(`${name}: time is linear in input length (1 MiB vs 10 KiB, CPU-time ratio)`, () => {
    for (const u of suite.units) {
      const { unit, prefix = '', suffix = '' } = typeof u === 'string' ? { unit: u } : u;
      const small = fill(unit, SMALL, prefix, suffix);
      const large = fill(unit, LARGE, prefix, suffix);
      const safe = (s: string): unknown => {
        try {
          return suite.parse(s);
        } catch (err) {
          if (isClientError(err)) return undefined;
          throw err;
        }
      };
      const r = linearity(safe, small, large);
      assert.ok(
        r.ratio <= MAX_RATIO,
        `${name} on ${JSON.stringify(prefix + unit.slice(0, 20) + suffix)}: per-byte cost at 1 MiB is ${r.ratio.toFixed(1)}× ` +
          `that at 10 KiB (${r.large} µs for 1 MiB vs ${r.small} µs for 100 × 10 KiB); linear allows ${MAX_RATIO}×`,
      );
    }
  });
}
