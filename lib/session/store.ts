// The session Store contract: express-session's callback-style interface (so existing Redis and
// database stores plug in), with promise-returning methods accepted too; and the adapter that
// calls either kind with a time limit.

import { HttpError } from '../http/errors.js';
import type { SessionCookieData } from './cookie.js';

/** A session as a store holds it: the app's data plus the `cookie` record (express-session's shape). */
export interface SessionRecord {
  cookie: SessionCookieData;
  [key: string]: unknown;
}

export type StoreCallback<T = void> = (err?: unknown, result?: T) => void;

/**
 * express-session's Store contract. Each method may call its callback, or ignore it and return a
 * Promise: Keel accepts either (whichever settles first). `get` yields null/undefined for an unknown
 * or expired id; an error whose `code` is 'ENOENT' means the same.
 */
export interface Store {
  get(sid: string, callback: (err?: unknown, session?: SessionRecord | null) => void): unknown;
  set(sid: string, session: SessionRecord, callback: (err?: unknown) => void): unknown;
  destroy(sid: string, callback: (err?: unknown) => void): unknown;
  /** Extends the life of an unchanged session. Optional. */
  touch?(sid: string, session: SessionRecord, callback: (err?: unknown) => void): unknown;
  all?(callback: (err?: unknown, sessions?: Record<string, SessionRecord> | SessionRecord[] | null) => void): unknown;
  length?(callback: (err?: unknown, length?: number) => void): unknown;
  clear?(callback: (err?: unknown) => void): unknown;
}

/** Checks at configuration time that `store` has the required methods. */
export function assertStore(store: unknown): asserts store is Store {
  const s = store as Partial<Record<keyof Store, unknown>> | null;
  if (s === null || typeof s !== 'object' || typeof s.get !== 'function' || typeof s.set !== 'function' || typeof s.destroy !== 'function') {
    throw new TypeError('session: option store must have get, set and destroy methods');
  }
  if (s.touch !== undefined && typeof s.touch !== 'function') throw new TypeError('session: store.touch must be a function');
}

type StoreMethod = 'get' | 'set' | 'destroy' | 'touch';

/**
 * Calls `store[method](...args, callback)` and settles with the callback's result or the returned
 * promise's, whichever comes first. After `timeoutMs` without either, rejects with a 503 HttpError
 * (code KEEL_SESSION_STORE_TIMEOUT), so a hung store fails the request instead of hanging it.
 * A store that throws synchronously rejects. `timeoutMs` 0 means no timer (for stores that cannot hang).
 */
export function callStore<T>(store: Store, method: StoreMethod, args: readonly unknown[], timeoutMs: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: unknown, value: T | undefined): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (err !== undefined && err !== null) reject(err);
      else resolve(value);
    };
    const callback = (err?: unknown, value?: T): void => finish(err, value);
    let returned: unknown;
    try {
      const fn = store[method] as (...a: unknown[]) => unknown;
      returned = fn.apply(store, [...args, callback]);
    } catch (err) {
      finish(err ?? new Error(`session store ${method} threw`), undefined);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<T>).then(
        (value) => finish(undefined, value),
        (err: unknown) => finish(err ?? new Error(`session store ${method} rejected`), undefined),
      );
    }
    if (!done && timeoutMs > 0) {
      timer = setTimeout(() => {
        finish(
          new HttpError(503, 'Session store did not answer in time', { code: 'KEEL_SESSION_STORE_TIMEOUT' }),
          undefined,
        );
      }, timeoutMs);
      timer.unref();
    }
  });
}
