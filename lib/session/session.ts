// Session: the object at req.session. Its own enumerable properties are the session's data (and
// `cookie`); its methods (save, reload, regenerate, destroy, touch) work by callback or promise.

import type { SessionCookie } from './cookie.js';

/**
 * Declare your session's fields here by module augmentation:
 * `declare module 'keel' { interface SessionData { userId: string } }`.
 */
export interface SessionData {}

/** What a Session asks of the middleware that made it (see lib/session/lifecycle.ts). */
export interface SessionControl {
  save(session: Session): Promise<void>;
  reload(session: Session): Promise<void>;
  destroy(session: Session): Promise<void>;
  regenerate(session: Session): Promise<void>;
}

export type SessionCallback = (err?: unknown) => void;

export class Session {
  /** The session's data: any JSON-serializable values. */
  [key: string]: unknown;
  /** The session id (not enumerable, so it is not stored as data). */
  declare readonly id: string;
  /** The session's cookie: expiry and attributes. */
  cookie: SessionCookie;
  // A private field is neither enumerable nor visible to JSON.stringify: it never reaches a store.
  #control: SessionControl;

  constructor(control: SessionControl, id: string, cookie: SessionCookie) {
    Object.defineProperty(this, 'id', { value: id, enumerable: false, writable: false, configurable: false });
    this.cookie = cookie;
    this.#control = control;
  }

  /** Restarts the cookie's lifetime (expires = now + originalMaxAge). */
  touch(): this {
    this.cookie.resetMaxAge();
    return this;
  }

  /** Same as touch() (express-session's name). */
  resetMaxAge(): this {
    return this.touch();
  }

  /** Saves now (normally automatic at the end of the response). */
  save(): Promise<void>;
  save(callback: SessionCallback): this;
  save(callback?: SessionCallback): Promise<void> | this {
    return this.#settle(this.#control.save(this), callback);
  }

  /** Reloads the data from the store, in place. Fails when the session is no longer stored. */
  reload(): Promise<void>;
  reload(callback: SessionCallback): this;
  reload(callback?: SessionCallback): Promise<void> | this {
    return this.#settle(this.#control.reload(this), callback);
  }

  /** Removes the session from the store and from the request (req.session becomes undefined). */
  destroy(): Promise<void>;
  destroy(callback: SessionCallback): this;
  destroy(callback?: SessionCallback): Promise<void> | this {
    return this.#settle(this.#control.destroy(this), callback);
  }

  /**
   * Replaces the session with a new, empty one under a new id, and removes the old one from the
   * store. Call it at login (and at any change of privilege) to defeat session fixation. The new
   * session is at req.session afterwards; this object is stale.
   */
  regenerate(): Promise<void>;
  regenerate(callback: SessionCallback): this;
  regenerate(callback?: SessionCallback): Promise<void> | this {
    return this.#settle(this.#control.regenerate(this), callback);
  }

  #settle(promise: Promise<void>, callback: SessionCallback | undefined): Promise<void> | this {
    if (callback === undefined) return promise;
    if (typeof callback !== 'function') throw new TypeError('session: callback must be a function');
    promise.then(() => callback(), (err: unknown) => callback(err ?? new Error('session operation failed')));
    return this;
  }
}

/** Copies stored data onto a session, never over its id, cookie or methods (nor `__proto__`). */
export function assignSessionData(session: Session, data: Record<string, unknown>): void {
  for (const key of Object.keys(data)) {
    if (key === 'cookie' || key in session) continue;
    session[key] = data[key];
  }
}

/** Removes the session's data (keeps id and cookie). */
export function clearSessionData(session: Session): void {
  for (const key of Object.keys(session)) {
    if (key !== 'cookie') delete session[key];
  }
}
