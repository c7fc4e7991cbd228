// Test helper (not a spec): asserts that a matcher's time grows linearly with the path length.
// No absolute times: the ratio of the times at two sizes must stay within 4× the ratio of the
// sizes, each time being the best of a few runs so that GC pauses and noise do not count.
// Times are CPU times of this process (process.cpuUsage), not wall-clock: on a busy machine
// (tests run in parallel) waiting for a CPU does not count against the matcher.

import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathEngine, PathMatch, PathOptions } from '../../lib/router/path.js';

/** CPU time used by this process, in ms. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const SMALL = 10 * 1024;
export const LARGE = 1024 * 1024;
/** Allowed slack over a perfectly linear growth. */
export const SLACK = 4;

/** Best time in ms of one run of `fn`, repeating tiny runs until a batch is long enough to time. */
export function bestTime(fn: () => void, runs: number): number {
  let reps = 1;
  for (;;) {
    const start = cpuNow();
    for (let i = 0; i < reps; i++) fn();
    if (cpuNow() - start >= 5 || reps >= 1 << 16) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = cpuNow();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (cpuNow() - start) / reps);
  }
  return best;
}

/**
 * `prepare(size)` builds the input of that size (outside the timing) and returns the work to
 * time. Returns the measured growth ratio.
 */
export function assertLinearTime(label: string, prepare: (size: number) => () => void, small = SMALL, large = LARGE): number {
  const smallRun = prepare(small);
  const largeRun = prepare(large);
  smallRun(); // warm up: compile the hot code before timing it
  const smallTime = bestTime(smallRun, 5);
  const largeTime = bestTime(largeRun, 3);
  const sizeRatio = large / small;
  const ratio = largeTime / smallTime;
  assert.ok(
    ratio <= SLACK * sizeRatio,
    `${label}: ${large} chars took ${ratio.toFixed(1)}× the time of ${small} chars ` +
      `(${largeTime.toFixed(2)} ms vs ${smallTime.toFixed(3)} ms); linear allows ${SLACK * sizeRatio}×`,
  );
  return ratio;
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
