// MemoryStore: the default session store, for one process. Bounded (oldest session evicted
// first), entries expire with their cookie, a periodic sweep on an unref'd timer, stored as copies.

import type { SessionRecord, Store } from './store.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; past it the least recently written or touched is evicted. Default 10,000. */
  maxSessions?: number;
  /** Lifetime in ms of sessions whose cookie has no expiry, from their last write or touch. Default 1 day. */
  ttl?: number;
  /** Ms between sweeps of expired sessions. Default 60,000. */
  sweepInterval?: number;
}

interface Entry {
  /** The session as JSON: a copy, so later changes to req.session without save() never leak in. */
  json: string;
  /** Epoch ms after which the entry is gone. */
  expiresAt: number;
}

type Callback<T> = ((err: unknown, value?: T) => void) | undefined;

/**
 * Implements the express-session Store contract. Every method takes an optional callback (called
 * asynchronously); without one it returns a Promise.
 */
export class MemoryStore implements Store {
  readonly maxSessions: number;
  readonly ttl: number;
  // A Map iterates in insertion order; re-inserting on write/touch keeps it ordered from least to
  // most recently used, so eviction takes the first key (O(1)).
  #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('MemoryStore: options must be an object');
    this.maxSessions = positiveInteger(options.maxSessions, 10_000, 'maxSessions');
    this.ttl = positiveInteger(options.ttl, 86_400_000, 'ttl');
    const sweepInterval = positiveInteger(options.sweepInterval, 60_000, 'sweepInterval');
    // The timer holds the store weakly, so a store that is dropped without close() can still be
    // garbage collected (and its timer then stops itself).
    const self = new WeakRef(this);
    const timer = setInterval(() => {
      const store = self.deref();
      if (store === undefined) clearInterval(timer);
      else store.sweep();
    }, sweepInterval);
    timer.unref(); // the sweep never keeps the process alive
    this.#timer = timer;
  }

  get(sid: string, callback?: Callback<SessionRecord | null>): Promise<SessionRecord | null> | undefined {
    return reply(callback, () => {
      const entry = this.#entries.get(sid);
      if (entry === undefined) return null;
      if (entry.expiresAt <= Date.now()) {
        this.#entries.delete(sid);
        return null;
      }
      return JSON.parse(entry.json) as SessionRecord;
    });
  }

  set(sid: string, session: SessionRecord, callback?: Callback<void>): Promise<void> | undefined {
    return reply(callback, () => {
      const json = JSON.stringify(session); // throws on cycles/BigInt: reported to the caller
      this.#put(sid, { json, expiresAt: this.#expiryOf(session) });
    });
  }

  touch(sid: string, session: SessionRecord, callback?: Callback<void>): Promise<void> | undefined {
    return reply(callback, () => {
      const entry = this.#entries.get(sid);
      if (entry === undefined || entry.expiresAt <= Date.now()) return;
      // Keep the stored data, take the new cookie (its refreshed expiry), as express-session does.
      const stored = JSON.parse(entry.json) as SessionRecord;
      stored.cookie = session.cookie;
      this.#put(sid, { json: JSON.stringify(stored), expiresAt: this.#expiryOf(session) });
    });
  }

  destroy(sid: string, callback?: Callback<void>): Promise<void> | undefined {
    return reply(callback, () => {
      this.#entries.delete(sid);
    });
  }

  /** All live sessions, by id (copies). */
  all(callback?: Callback<Record<string, SessionRecord>>): Promise<Record<string, SessionRecord>> | undefined {
    return reply(callback, () => {
      this.sweep();
      const out = Object.create(null) as Record<string, SessionRecord>;
      for (const [sid, entry] of this.#entries) out[sid] = JSON.parse(entry.json) as SessionRecord;
      return out;
    });
  }

  length(callback?: Callback<number>): Promise<number> | undefined {
    return reply(callback, () => {
      this.sweep();
      return this.#entries.size;
    });
  }

  clear(callback?: Callback<void>): Promise<void> | undefined {
    return reply(callback, () => {
      this.#entries.clear();
    });
  }

  /** Entries held right now, expired ones not yet swept included (no sweep, unlike length()). */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops expired sessions now (the timer calls this every sweepInterval). */
  sweep(): void {
    const now = Date.now();
    for (const [sid, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(sid);
    }
  }

  /** Stops the sweep timer (it is unref'd, so this is only for tidy shutdowns). */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #put(sid: string, entry: Entry): void {
    this.#entries.delete(sid); // move to the most recent end
    this.#entries.set(sid, entry);
    while (this.#entries.size > this.maxSessions) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  #expiryOf(session: SessionRecord): number {
    const expires = session.cookie?.expires;
    if (expires !== null && expires !== undefined) {
      const at = new Date(expires).getTime();
      if (Number.isFinite(at)) return at;
    }
    return Date.now() + this.ttl;
  }
}

/** Runs `work` asynchronously; reports through the callback if there is one, else a Promise. */
function reply<T>(callback: Callback<T>, work: () => T): Promise<T> | undefined {
  if (typeof callback === 'function') {
    queueMicrotask(() => {
      let value: T;
      try {
        value = work();
      } catch (err) {
        callback(err);
        return;
      }
      callback(null, value);
    });
    return undefined;
  }
  return Promise.resolve().then(work);
}

function positiveInteger(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`MemoryStore: option ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
