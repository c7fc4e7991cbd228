// Shared settings for the property specs: one seed for every fast-check run (printed, and
// overridable with KEEL_FUZZ_SEED to replay a failure), bounded runs, and a CPU-time linearity
// check that compares a small and a large input by ratio, never by absolute time.

import fc from 'fast-check';
import { cpuGrowth } from '../helpers/cpu-time.js';
import type { Growth } from '../helpers/cpu-time.js';

/** The seed of every property run; fast-check prints it (with the shrink path) on failure. */
export const SEED = process.env['KEEL_FUZZ_SEED'] !== undefined ? Number(process.env['KEEL_FUZZ_SEED']) : 0x6b65656c;

/** fast-check parameters: fixed seed, bounded runs, and the seed named in the failure message. */
export function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: false, interruptAfterTimeLimit: 20_000 };
}

/** Runs a property; on failure the error names the seed so `KEEL_FUZZ_SEED=... npm test` replays it. */
export function check<T>(property: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(property, params(numRuns) as fc.Parameters<T>);
  } catch (err) {
    if (err instanceof Error) err.message = `[KEEL_FUZZ_SEED=${SEED}] ${err.message}`;
    throw err;
  }
}

const PROTO_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

/**
 * Whether `value` (or anything nested in it) is a problem for prototype safety. With `keyed`
 * (objects keyed by client input: cookies, query, forms, extension offers) every plain object must
 * have a null prototype (CVE-2022-24999); otherwise (fixed-shape results such as byte ranges) no
 * ordinary object may carry an own key named after an Object.prototype member.
 */
export function touchesPrototype(value: unknown, keyed: boolean, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== null && proto !== Array.prototype && proto !== Object.prototype) return false;
  if (Array.isArray(value)) return value.some((v) => touchesPrototype(v, keyed, depth + 1));
  if (proto === Object.prototype) {
    if (keyed) return true;
    for (const key of Object.keys(value)) if (PROTO_NAMES.has(key)) return true;
  }
  for (const key of Object.keys(value)) {
    if (touchesPrototype((value as Record<string, unknown>)[key], keyed, depth + 1)) return true;
  }
  return false;
}

/** Asserts that Object.prototype has no own key added by the code under test. */
export function prototypeClean(): boolean {
  return Object.getOwnPropertyNames(Object.prototype).length === PROTO_KEYS && !('polluted' in {});
}
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).length;

/**
 * Times `fn(small)` repeated until it has consumed as many bytes as one `fn(large)`, best of a few
 * interleaved rounds (spec/helpers/cpu-time.ts), and returns the per-byte cost ratio. Linear code
 * gives ~1; a quadratic one, with 1 MiB against 10 KiB, gives ~100.
 */
export function linearity(fn: (input: string) => unknown, small: string, large: string): Growth {
  return cpuGrowth((size) => {
    const input = size === small.length ? small : large;
    return () => fn(input);
  }, small.length, large.length);
}

/** The bound the linearity specs hold: far below the ~100 a quadratic parser shows. */
export const MAX_RATIO = 10;

/** Repeats `unit` until the string is `bytes` long. */
export function fill(unit: string, bytes: number, prefix = '', suffix = ''): string {
  const body = unit.repeat(Math.ceil(Math.max(0, bytes - prefix.length - suffix.length) / unit.length));
  return prefix + body.slice(0, Math.max(0, bytes - prefix.length - suffix.length)) + suffix;
}

/** Pieces hostile inputs are built from: separators, escapes, controls, prototype names, unicode. */
export const HOSTILE_PIECES: readonly string[] = [
  ';', '=', ',', ' ', '\t', '\r', '\n', '\0', '"', '\\', '%', '%%', '%2', '%zz', '%C3', '%c3%a9', '%00', '%ff',
  '+', '&', '[', ']', '[]', '[0]', '[99999999999]', '.', '/', '//', '*', ':', '?', '#', '{', '}', '(', ')',
  '-', 'q=', 'q=0.5', ';q=1', 'bytes=', '0-', '-1', '1-0', '0-0', '999999999999999999999', 'a', 'ab', 'x1',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__proto__[polluted]',
  '%5F%5Fproto%5F%5F', 'é', '😀', '\ud800', '\udfff', '\u2028', '\u00a0', '\x7f', '\x01',
];

/** Random strings made of hostile pieces and arbitrary characters, up to `maxPieces` pieces. */
export function hostileString(maxPieces = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) }), {
      maxLength: maxPieces,
    })
    .map((parts) => parts.join(''));
}

/** An error a parser may throw by design: a 4xx HttpError (a clean client error), never anything else. */
export function isClientError(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof status === 'number' && status >= 400 && status < 500 && typeof code === 'string' && code.startsWith('KEEL_');
}
