// Change tracking for sessions: a snapshot maps each top-level key to its JSON, so a save can tell
// which keys this request changed or deleted, and write only those (see lib/session/lifecycle.ts).

import type { Session } from './session.js';
import type { SessionRecord } from './store.js';

/** Top-level key -> JSON text of its value. `cookie` is left out: it is not session data. */
export type Snapshot = Map<string, string>;

/** Throws (like JSON.stringify) when a value cannot be serialized (a cycle, a BigInt). */
export function takeSnapshot(session: Session): Snapshot {
  const snapshot: Snapshot = new Map();
  for (const key of Object.keys(session)) {
    if (key === 'cookie') continue;
    const json = JSON.stringify(session[key]);
    // JSON.stringify drops undefined and functions from the stored object: they count as absent.
    if (json !== undefined) snapshot.set(key, json);
  }
  return snapshot;
}

export interface SessionChanges {
  /** Keys whose JSON differs from the snapshot, or are new. */
  changed: string[];
  /** Keys in the snapshot that are gone. */
  deleted: string[];
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SessionChanges {
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const [key, json] of after) {
    if (before.get(key) !== json) changed.push(key);
  }
  for (const key of before.keys()) {
    if (!after.has(key)) deleted.push(key);
  }
  return { changed, deleted };
}

/**
 * The record to store: `base` (what the store holds now, or nothing) with this request's changed
 * keys written and its deleted keys removed; the cookie is always this request's. Null prototype,
 * because `base` comes from a store and may hold any key.
 */
export function mergeRecord(base: Record<string, unknown> | undefined, session: Session, after: Snapshot, changes: SessionChanges | undefined): SessionRecord {
  const record = Object.create(null) as SessionRecord;
  if (base !== undefined && changes !== undefined) {
    for (const key of Object.keys(base)) {
      if (key !== 'cookie') record[key] = base[key];
    }
    for (const key of changes.changed) record[key] = session[key];
    for (const key of changes.deleted) delete record[key];
  } else {
    for (const key of after.keys()) record[key] = session[key];
  }
  record.cookie = session.cookie.toJSON();
  return record;
}
