// Test helper (not a spec): asserts that a matcher's time grows linearly with the path length.
// No absolute times: the CPU cost per character at the large size must stay within SLACK times
// that at the small size (spec/helpers/cpu-time.ts measures it, best of a few rounds).

import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathEngine, PathMatch, PathOptions } from '../../lib/router/path.js';
import { LINEAR_GROWTH, assertGrowth, bestCpuMicros, cpuGrowth } from '../helpers/cpu-time.js';

export const SMALL = 10 * 1024;
export const LARGE = 1024 * 1024;
/** Allowed slack over a perfectly linear growth. */
export const SLACK = LINEAR_GROWTH;

/** Best CPU time (µs) of one run of `fn`. */
export const bestTime = bestCpuMicros;

/**
 * `prepare(size)` builds the input of that size (outside the timing) and returns the work to
 * time. Returns the measured growth of the cost per character (1 is linear).
 */
export function assertLinearTime(label: string, prepare: (size: number) => () => void, small = SMALL, large = LARGE): number {
  const g = cpuGrowth(prepare, small, large);
  assertGrowth(label, g, SLACK);
  return g.ratio;
}

function plain(m: PathMatch | null): unknown {
  return m === null ? null : { matched: m.matched, params: { ...m.params } };
}

/**
 * Asserts that `pattern` matches paths from `makePath` in linear time with the engine compilePath
 * picks and with the Pike VM (when the pick is another engine), and that both give one answer.
 */
export function assertLinearMatch(pattern: string, options: PathOptions, makePath: (size: number) => string): void {
  const engines: PathEngine[] = ['auto', 'vm'];
  const sample = makePath(SMALL);
  const results = engines.map((engine) => plain(compilePath(pattern, options, engine).match(sample)));
  assert.deepEqual(results[0], results[1], `${pattern}: engines disagree`);
  for (const engine of engines) {
    const matcher = compilePath(pattern, options, engine);
    if (engine === 'vm' && compilePath(pattern, options).constructor === matcher.constructor) continue;
    assertLinearTime(`${pattern} (${matcher.constructor.name}, end: ${options.end})`, (size) => {
      const path = makePath(size);
      return () => matcher.match(path);
    });
  }
}
