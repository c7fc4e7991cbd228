// The demo's data: users and messages, in memory, optionally kept in a JSON file (DATA_FILE) that is
// written atomically — a temporary file in the same directory, flushed, then renamed over the old one —
// so a crash mid-write leaves either the old file or the new one, never a torn mix.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A user as stored: the password only as an scrypt hash with its own random salt and parameters. */
export interface StoredUser {
  name: string;
  salt: string; // base64
  hash: string; // base64
  /** scrypt cost parameters used for this hash, so they can change later without breaking old users. */
  N: number;
  r: number;
  p: number;
  createdAt: number;
}

export interface StoredMessage {
  id: number;
  user: string;
  text: string;
  at: number;
}

export interface DemoData {
  version: 1;
  /** Signs the session cookie, so sessions survive a restart when the data is in a file. */
  secret: string;
  /** Keyed by the normalized (lower-case) name. */
  users: Record<string, StoredUser>;
  messages: StoredMessage[];
  nextMessageId: number;
  /** Signed-in sessions (only with a file: see sessions.ts), keyed by session id. */
  sessions: Record<string, StoredSession>;
}

/** A session as the file keeps it: express-session's record as JSON, and when it expires. */
export interface StoredSession {
  json: string;
  expiresAt: number;
}

function emptyData(): DemoData {
  return {
    version: 1,
    secret: randomBytes(32).toString('base64url'),
    users: Object.create(null) as Record<string, StoredUser>,
    messages: [],
    nextMessageId: 1,
    sessions: Object.create(null) as Record<string, StoredSession>,
  };
}

/** Holds the data; `changed()` schedules a write when there is a file, `flush()` waits for it. */
export class DataStore {
  readonly data: DemoData;
  readonly file: string | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  /** Writes are coalesced: many changes within this many ms make one write. */
  readonly delay: number;

  private constructor(data: DemoData, file: string | undefined, delay: number) {
    this.data = data;
    this.file = file;
    this.delay = delay;
  }

  /** In memory only (the default: nothing to set up). */
  static memory(): DataStore {
    return new DataStore(emptyData(), undefined, 0);
  }

  /**
   * Reads `file` if it exists (a missing file is an empty store, created at the first write).
   * A file that is not valid demo data is an error: it is never silently overwritten.
   */
  static async open(file: string, delay = 50): Promise<DataStore> {
    const absolute = path.resolve(file);
    let text: string | undefined;
    try {
      text = await fs.readFile(absolute, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const data = text === undefined ? emptyData() : parseData(text, absolute);
    return new DataStore(data, absolute, delay);
  }

  /** Call after every change; with a file, a write follows shortly (coalesced). */
  changed(): void {
    if (this.file === undefined) return;
    this.#dirty = true;
    if (this.#timer !== undefined || this.#writing !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#writeLoop();
    }, this.delay);
  }

  /** Writes any pending change now and waits until the file is on disk. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#writing !== undefined) await this.#writing;
    if (this.#dirty) await this.#writeLoop();
  }

  /** One write at a time; changes made during a write cause one more write after it. */
  #writeLoop(): Promise<void> {
    if (this.#writing !== undefined) return this.#writing;
    this.#writing = (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          await writeAtomically(this.file as string, JSON.stringify(this.data));
        }
      } catch (err) {
        console.error('demo: could not write the data file:', err);
      } finally {
        this.#writing = undefined;
      }
    })();
    return this.#writing;
  }
}

/**
 * Writes `text` to `file` so that readers (and a restart after a crash) see the old content or the
 * new one, whole: write a temporary file next to it, fsync it, rename it over `file` (rename(2) is
 * atomic within one file system), then fsync the directory so the rename itself is durable.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/** Checks the file's shape field by field; anything unexpected is an error naming the file. */
function parseData(text: string, file: string): DemoData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); move it away or fix it`);
  }
  const bad = (what: string): never => {
    throw new Error(`${file} is not a Keel demo data file: ${what}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('not an object');
  const o = raw as Record<string, unknown>;
  if (o['version'] !== 1) bad('unknown version');
  if (typeof o['secret'] !== 'string' || o['secret'].length < 16) bad('missing secret');
  const users = Object.create(null) as Record<string, StoredUser>;
  const rawUsers = o['users'];
  if (rawUsers === null || typeof rawUsers !== 'object' || Array.isArray(rawUsers)) bad('users is not an object');
  for (const [key, u] of Object.entries(rawUsers as Record<string, unknown>)) {
    const user = u as Partial<StoredUser> | null;
    if (
      user === null ||
      typeof user !== 'object' ||
      typeof user.name !== 'string' ||
      typeof user.salt !== 'string' ||
      typeof user.hash !== 'string' ||
      !Number.isInteger(user.N) ||
      !Number.isInteger(user.r) ||
      !Number.isInteger(user.p)
    ) {
      bad(`user ${JSON.stringify(key)} is malformed`);
    }
    users[key] = user as StoredUser;
  }
  const messages = o['messages'];
  if (!Array.isArray(messages)) bad('messages is not an array');
  for (const m of messages as unknown[]) {
    const msg = m as Partial<StoredMessage> | null;
    if (msg === null || typeof msg !== 'object' || !Number.isInteger(msg.id) || typeof msg.user !== 'string' || typeof msg.text !== 'string' || typeof msg.at !== 'number') {
      bad('a message is malformed');
    }
  }
  const nextMessageId = o['nextMessageId'];
  if (typeof nextMessageId !== 'number' || !Number.isInteger(nextMessageId) || nextMessageId < 1) bad('nextMessageId is not a positive integer');
  const sessions = Object.create(null) as Record<string, StoredSession>;
  const rawSessions = o['sessions'] ?? {};
  if (rawSessions === null || typeof rawSessions !== 'object' || Array.isArray(rawSessions)) bad('sessions is not an object');
  for (const [id, entry] of Object.entries(rawSessions as Record<string, unknown>)) {
    const e = entry as Partial<StoredSession> | null;
    // A malformed session is dropped, not fatal: the worst case is one more sign-in.
    if (e !== null && typeof e === 'object' && typeof e.json === 'string' && typeof e.expiresAt === 'number') sessions[id] = e as StoredSession;
  }
  return {
    version: 1,
    secret: o['secret'] as string,
    users,
    messages: messages as StoredMessage[],
    nextMessageId: nextMessageId as number,
    sessions,
  };
}
