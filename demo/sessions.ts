// A session Store (the express-session contract that Keel's session() speaks) that keeps sessions
// with the rest of the demo's data, so with DATA_FILE a signed-in browser stays signed in across a
// server restart. Without a file the demo uses Keel's own MemoryStore instead.

import type { SessionRecord, Store } from '../lib/index.js';
import type { DataStore } from './store.js';

/** Most sessions kept; past it the oldest is dropped (the file stays bounded). */
const MAX_SESSIONS = 10_000;
/** Lifetime of a session whose cookie has no expiry. */
const DEFAULT_TTL = 24 * 3600 * 1000;

function expiryOf(record: SessionRecord): number {
  const expires = record.cookie?.expires;
  const at = expires === undefined || expires === null ? NaN : new Date(expires).getTime();
  return Number.isFinite(at) ? at : Date.now() + DEFAULT_TTL;
}

export class DataSessionStore implements Store {
  readonly #store: DataStore;

  constructor(store: DataStore) {
    this.#store = store;
  }

  get(sid: string, callback: (err?: unknown, session?: SessionRecord | null) => void): void {
    const sessions = this.#store.data.sessions;
    const entry = sessions[sid];
    if (entry === undefined) return queueMicrotask(() => callback(undefined, null));
    if (entry.expiresAt <= Date.now()) {
      delete sessions[sid];
      this.#store.changed();
      return queueMicrotask(() => callback(undefined, null));
    }
    let record: SessionRecord | null = null;
    try {
      record = JSON.parse(entry.json) as SessionRecord;
    } catch {
      delete sessions[sid];
    }
    queueMicrotask(() => callback(undefined, record));
  }

  set(sid: string, session: SessionRecord, callback: (err?: unknown) => void): void {
    const sessions = this.#store.data.sessions;
    delete sessions[sid]; // re-inserted last: key order is oldest first
    sessions[sid] = { json: JSON.stringify(session), expiresAt: expiryOf(session) };
    this.#prune();
    this.#store.changed();
    queueMicrotask(() => callback());
  }

  touch(sid: string, session: SessionRecord, callback: (err?: unknown) => void): void {
    const entry = this.#store.data.sessions[sid];
    if (entry !== undefined) {
      entry.expiresAt = expiryOf(session);
      this.#store.changed();
    }
    queueMicrotask(() => callback());
  }

  destroy(sid: string, callback: (err?: unknown) => void): void {
    if (sid in this.#store.data.sessions) {
      delete this.#store.data.sessions[sid];
      this.#store.changed();
    }
    queueMicrotask(() => callback());
  }

  /** Drops expired sessions, then the oldest ones past the cap. */
  #prune(): void {
    const sessions = this.#store.data.sessions;
    const ids = Object.keys(sessions);
    const now = Date.now();
    let count = ids.length;
    for (const id of ids) {
      if (sessions[id].expiresAt <= now || count > MAX_SESSIONS) {
        delete sessions[id];
        count--;
      }
    }
  }
}
