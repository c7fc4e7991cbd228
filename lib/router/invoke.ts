// How the router calls one handler: with a fresh `next`, turning throws and rejected promises into
// `next(err)`, and returning what the caller's own `next()` promise must wait for.
//
// `next()` returns a Promise that settles when everything downstream has finished. Most requests
// finish synchronously or without anyone awaiting, so internally a step returns a `Pending`:
// `undefined` means "nothing left to wait for" and costs no allocation; a Promise is only created
// when a handler actually returns one. The Promise users see for a finished step is one shared,
// already-resolved Promise.

import type { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import { RESOLVED } from '../http/resolved.js';

export type Pending = Promise<void> | undefined;

/** One level of dispatch (a router's stack, a route's handlers, a layer's param callbacks). */
export interface Dispatcher {
  readonly req: Request;
  readonly res: Response;
  /** Runs the next matching handler; the value a `next(err)` call passes in. */
  advance(err: unknown): Pending;
}

/** The kinds of function invoke() can call; they differ only in their arguments. */
export const enum CallKind {
  Request = 0,
  Error = 1,
  Param = 2,
}

type AnyHandler = (...args: never[]) => unknown;

/**
 * Errors that escape every handler (a rejection after `next()` was called and nobody awaited it)
 * end here. The app installs its final error handler; by default they are logged.
 */
let uncaught: (err: unknown, req: Request, res: Response) => void = (err) => {
  console.error(err);
};
export function setUncaughtHandler(fn: (err: unknown, req: Request, res: Response) => void): void {
  uncaught = fn;
}
export function reportUncaught(err: unknown, req: Request, res: Response): void {
  uncaught(err, req, res);
}

// Synchronous handlers that call next() synchronously nest on the call stack. Past this depth the
// next handler is called from setImmediate, so a stack of 10,000 middleware cannot overflow it.
// The count is a field of a constant object rather than a module-level `let`: V8 reads and writes
// the field directly, where every use of a mutable module variable is a context-slot load and a
// check (measured with valgrind: the counting cost ~8 instructions less per handler this way).
const MAX_SYNC_DEPTH = 100;
const sync = { depth: 0 };

/** Makes sure something thrown is a real value (`throw undefined` must still be an error). */
function toError(e: unknown): unknown {
  return e ? e : new Error(`A handler threw or rejected with a falsy value (${String(e)})`);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function';
}

/** Waits for `downstream`, then rejects with `err`: a handler failed after it called next(). */
function rejectAfter(downstream: Pending, err: unknown): Promise<void> {
  if (downstream === undefined) return Promise.reject(err);
  const fail = (): never => {
    throw err;
  };
  return downstream.then(fail, fail);
}

/** invoke(), called from setImmediate: the stack is deep (see MAX_SYNC_DEPTH). */
function deferInvoke(d: Dispatcher, fn: AnyHandler, kind: CallKind, err: unknown, value?: string, name?: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    setImmediate(() => {
      const p = invoke(d, fn, kind, err, value, name);
      if (p === undefined) resolve();
      else p.then(resolve, reject);
    });
  });
}

function reportDoubleNext(d: Dispatcher, fn: AnyHandler): void {
  const name = fn.name || 'an anonymous handler';
  const err = new Error(
    `next() was called more than once by ${name} for ${d.req.method} ${d.req.originalUrl}; ` +
      'the second call was ignored',
  );
  (err as Error & { code: string }).code = 'KEEL_NEXT_CALLED_TWICE';
  console.error(err);
}

/**
 * Calls `fn` for dispatcher `d`. `kind` says which arguments it takes; `err` is the error for error
 * handlers; `value`/`name` are the parameter for param callbacks.
 */
export function invoke(
  d: Dispatcher,
  fn: AnyHandler,
  kind: CallKind,
  err: unknown,
  value?: string,
  name?: string,
): Pending {
  // The depth is checked here, once per handler, and not in next(): kept out of next(), whose body
  // V8 inlines into every handler that calls it, the check costs less (measured with valgrind:
  // ~9 instructions per pass-through middleware).
  if (sync.depth > MAX_SYNC_DEPTH) return deferInvoke(d, fn, kind, err, value, name);
  // Flags are compared with `=== true` below rather than tested for truthiness: V8 knows nothing
  // of the type of a variable that closures share, and a truthiness test of an unknown value is a
  // dozen checks (measured: ~19 instructions per pass-through middleware).
  let called = false as boolean;
  // Set once the caller no longer waits for this step; a later next() must then look after its
  // own downstream errors, or they would become unhandled rejections.
  let detached = false;
  let downstream: Pending;

  const next = (e?: unknown): Promise<void> => {
    if (called === true) {
      reportDoubleNext(d, fn);
      return RESOLVED;
    }
    called = true;
    downstream = d.advance(e);
    if (downstream === undefined) return RESOLVED;
    if (detached === true) downstream.then(undefined, (x: unknown) => reportUncaught(x, d.req, d.res));
    return downstream;
  };

  let ret: unknown;
  sync.depth++;
  d.req.next = next;
  try {
    const f = fn as unknown as (...args: unknown[]) => unknown;
    if (kind === CallKind.Request) ret = f(d.req, d.res, next);
    else if (kind === CallKind.Error) ret = f(err, d.req, d.res, next);
    else ret = f(d.req, d.res, next, value, name);
  } catch (e) {
    sync.depth--;
    if (!called) next(toError(e));
    else downstream = rejectAfter(downstream, toError(e));
    detached = true;
    return downstream;
  }
  sync.depth--;

  // A handler that returns nothing (most route handlers) needs no further test. `(req, res, next)
  // => next()` returns next's own promise: waiting for it is waiting for `downstream`, so take the
  // synchronous path (no extra promise, no microtask). Both tests come before isThenable(): they
  // are the common cases, and they spare a lookup of `then`.
  if (ret === undefined || (called === true && (ret === RESOLVED || ret === downstream)) || !isThenable(ret)) {
    detached = true;
    return downstream;
  }
  return Promise.resolve(ret).then(
    () => {
      detached = true;
      return downstream;
    },
    (e: unknown) => {
      if (!called) next(toError(e));
      else downstream = rejectAfter(downstream, toError(e));
      detached = true;
      return downstream;
    },
  );
}
