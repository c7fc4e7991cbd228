// Test helper: how the CPU time of an operation grows with the size of its input, as a RATIO.
// Specs never bound absolute times: CI runs on loaded 2-core machines where a fixed "< 500 ms"
// flakes. Two rules make the ratio hold under load:
// - CPU time of this process (process.cpuUsage: user + system, all its threads), not wall-clock
//   time, so waiting for a core (other processes, other test files) does not count;
// - the same number of input units on both sides (the small input repeated large/small times), each
//   side the best of a few interleaved rounds, so that a GC pause or a burst of load in one round
//   does not count either.
// The result is the cost PER UNIT of input at the large size over that at the small size: about 1
// when the code is linear (less when a fixed cost per call is amortised), about large/small when it
// is quadratic.

import assert from 'node:assert/strict';

/** A batch shorter than this (µs) is mostly timer granularity: batches are lengthened to reach it. */
const MIN_BATCH_MICROS = 5_000;
/** Most runs of the large input in one batch (a trivial operation stops here). */
const MAX_BATCH = 1 << 16;
/** Most requests of the large input in one batch for asynchronous operations (each is a round trip). */
const MAX_ASYNC_BATCH = 64;

/**
 * Bound on the growth for a function called directly: linear code measures about 1 (noise keeps it
 * under 2), quadratic code the size ratio (10 or more in these specs).
 */
export const LINEAR_GROWTH = 4;

/**
 * Bound on the growth for a request over a socket to a server in this process. Each request has a
 * fixed cost (connection, HTTP parsing, JSON: about 1 ms of CPU) that hides part of the growth, so
 * linear code measures 0.1 to 0.5 and the bound is tighter: a quadratic step that adds some 50 ms
 * at 100 KiB already fails it (measured: 2.4 to 7.7), a per-character quadratic loop fails by far.
 */
export const REQUEST_GROWTH = 2;

/** CPU time (µs) this process spent running `fn` `times` times. */
export function cpuMicros(fn: () => unknown, times = 1): number {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** CPU time (µs) this process spent running the asynchronous `fn` `times` times, one after another. */
export async function cpuMicrosAsync(fn: () => Promise<unknown>, times = 1): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** Best CPU time (µs) of one run of `fn`, batching tiny runs until a batch is long enough to time. */
export function bestCpuMicros(fn: () => unknown, rounds = 5): number {
  const batch = batchSize(cpuMicros(fn), MAX_BATCH);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, cpuMicros(fn, batch) / batch);
  return best;
}

export interface Growth {
  /** Best CPU time (µs) of the small input repeated to as many units as the large one. */
  small: number;
  /** Best CPU time (µs) of the large input, as many times as the small side was batched. */
  large: number;
  /** Large size over small size. */
  sizeRatio: number;
  /** CPU time per unit of input, large over small: ~1 when linear, ~sizeRatio when quadratic. */
  ratio: number;
}

/**
 * `prepare(size)` builds the input of that size (outside the timing) and returns the work to time.
 * Returns how the cost per unit grows from `small` to `large`.
 */
export function cpuGrowth(prepare: (size: number) => () => unknown, small: number, large: number, rounds = 3): Growth {
  const runSmall = prepare(small);
  const runLarge = prepare(large);
  const reps = repsFor(small, large);
  cpuMicros(runSmall, reps); // warm up: compile the hot code on both shapes before timing it
  const batch = batchSize(cpuMicros(runLarge), MAX_BATCH);
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let r = 0; r < rounds; r++) {
    bestSmall = Math.min(bestSmall, cpuMicros(runSmall, reps * batch));
    bestLarge = Math.min(bestLarge, cpuMicros(runLarge, batch));
  }
  return growth(bestSmall, bestLarge, small, large, reps);
}

/** cpuGrowth for asynchronous work, such as a request to a server running in this process. */
export async function cpuGrowthAsync(prepare: (size: number) => () => Promise<unknown>, small: number, large: number, rounds = 3): Promise<Growth> {
  const runSmall = prepare(small);
  const runLarge = prepare(large);
  const reps = repsFor(small, large);
  await cpuMicrosAsync(runSmall, reps);
  const batch = batchSize(await cpuMicrosAsync(runLarge), MAX_ASYNC_BATCH);
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let r = 0; r < rounds; r++) {
    bestSmall = Math.min(bestSmall, await cpuMicrosAsync(runSmall, reps * batch));
    bestLarge = Math.min(bestLarge, await cpuMicrosAsync(runLarge, batch));
  }
  return growth(bestSmall, bestLarge, small, large, reps);
}

/** Asserts that the cost per unit grew at most `bound` times (1 is perfectly linear). */
export function assertGrowth(label: string, g: Growth, bound: number): void {
  assert.ok(
    g.ratio <= bound,
    `${label}: the cost per unit of input at ${g.sizeRatio.toFixed(0)}× the size is ${g.ratio.toFixed(1)}× ` +
      `(${g.large} µs for the large input vs ${g.small} µs for as much small input); linear allows ${bound}×`,
  );
}

function repsFor(small: number, large: number): number {
  return Math.max(1, Math.round(large / small));
}

/** How many runs make a batch of at least MIN_BATCH_MICROS, given the time of one run. */
function batchSize(oneRun: number, max: number): number {
  let batch = 1;
  while (batch * oneRun < MIN_BATCH_MICROS && batch < max) batch *= 2;
  return batch;
}

function growth(bestSmall: number, bestLarge: number, small: number, large: number, reps: number): Growth {
  // A floor of 1 ms keeps timer granularity from turning two tiny numbers into a big ratio; the
  // small side did reps × small units, the large side large units.
  const ratio = (Math.max(bestLarge, 1000) / Math.max(bestSmall, 1000)) * ((reps * small) / large);
  return { small: bestSmall, large: bestLarge, sizeRatio: large / small, ratio };
}
