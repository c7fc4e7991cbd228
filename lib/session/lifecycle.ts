// The life of one request's session: load it, hand it to the app, decide the Set-Cookie header
// just before the headers go out, and persist it before the response ends.
//
// What Keel guarantees about concurrent requests of one session (and what it does not):
// 1. A session is written only when this request changed it (or it is new and saveUninitialized
//    is on, or resave is on, or the app called save()); an unchanged session is only touched.
// 2. A write is a read-modify-write at the level of top-level keys: the session is re-read from
//    the store and only the keys this request set, changed or deleted are applied to it (compared
//    by their JSON). So two concurrent requests that change *different* keys both persist.
//    Two requests that change the *same* key: the later save wins, whole value (no deep merge).
// 3. Inside one process, all store operations on one session id made by one session() middleware
//    run one at a time, in order, so guarantee 2 holds exactly. Several processes sharing a store
//    narrow the window to one read and one write; closing it needs a store with transactions.
// 4. A session destroyed by one request is never brought back by a concurrent request's save: a
//    save that finds its session gone from the store is dropped.
// 5. The session is persisted before the response ends: the client's next request sees it.

import { Buffer } from 'node:buffer';
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { statusOf } from '../http/errors.js';
import { appendSetCookie } from '../cookie/response-cookie.js';
import { serializeCookie } from '../cookie/serialize.js';
import { signCookie } from '../cookie/sign.js';
import { SessionCookie, type SessionCookieOptions } from './cookie.js';
import { Session, assignSessionData, clearSessionData, type SessionControl } from './session.js';
import { diffSnapshots, mergeRecord, takeSnapshot, type SessionChanges, type Snapshot } from './snapshot.js';
import { callStore, type SessionRecord, type Store } from './store.js';

/** The request fields a session middleware adds. */
export interface SessionRequest extends http.IncomingMessage {
  session: Session | undefined | null;
  sessionID: string;
}

/** The middleware's validated settings, shared by every request. */
export interface SessionConfig {
  name: string;
  secrets: readonly string[];
  store: Store;
  cookie: SessionCookieOptions;
  resave: boolean;
  saveUninitialized: boolean;
  rolling: boolean;
  genid: (req: http.IncomingMessage) => string;
  proxy: boolean | undefined;
  unsetDestroy: boolean;
  storeTimeout: number;
  onError: (err: unknown, req: http.IncomingMessage) => void;
  /** Per-id queues of store operations: see guarantee 3 above. */
  locks: Map<string, Promise<void>>;
}

/** One per request; the Session's SessionControl. Kept monomorphic: every field set in the constructor. */
export class SessionLifecycle implements SessionControl {
  /** The id the client's valid signed cookie carried, if any. */
  cookieId: string | undefined = undefined;
  /** The session object this lifecycle manages (req.session, unless the app replaced or unset it). */
  session: Session | undefined = undefined;
  /** True when the session exists in the store (loaded, or saved during this request). */
  stored = false;
  /** JSON of each key as last loaded or saved. */
  snapshot: Snapshot = new Map();
  /** The cookie's lifetime as last loaded or saved: the app changing it (remember me) is a change. */
  savedMaxAge: number | null = null;
  regenerated = false;
  explicitlySaved = false;
  destroyed = false;
  headersDecided = false;
  touched = false;

  constructor(
    readonly config: SessionConfig,
    readonly req: SessionRequest,
    readonly res: http.ServerResponse,
  ) {}

  /** Takes the record the store returned for the cookie's id; a missing, malformed or expired one gives a new session. */
  load(id: string, record: SessionRecord | null | undefined): void {
    const cookie = this.newCookie();
    if (record === null || record === undefined || typeof record !== 'object' || !cookie.restore(record.cookie) || cookie.isExpired(Date.now())) {
      this.generate();
      return;
    }
    const session = new Session(this, id, cookie);
    assignSessionData(session, record);
    this.attach(session);
    this.stored = true;
    this.snapshot = takeSnapshot(session);
    this.savedMaxAge = cookie.originalMaxAge;
  }

  /** A new, empty session under a fresh id. */
  generate(): void {
    const id = this.config.genid(this.req);
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('session: genid must return a non-empty string');
    const cookie = this.newCookie();
    cookie.maxAge = this.config.cookie.maxAge ?? null;
    this.attach(new Session(this, id, cookie));
    this.stored = false;
    this.snapshot = new Map();
  }

  attach(session: Session): void {
    this.session = session;
    this.req.session = session;
    this.req.sessionID = session.id;
  }

  newCookie(): SessionCookie {
    const o = this.config.cookie;
    const cookie = new SessionCookie();
    cookie.secure = o.secure === 'auto' || o.secure === undefined ? this.isSecure() : o.secure;
    cookie.httpOnly = o.httpOnly;
    cookie.domain = o.domain;
    cookie.path = o.path;
    cookie.sameSite = o.sameSite;
    cookie.partitioned = o.partitioned;
    cookie.priority = o.priority;
    return cookie;
  }

  /** Whether the connection (or, with proxy: true, the client's, per X-Forwarded-Proto) is HTTPS. */
  isSecure(): boolean {
    if ((this.req.socket as TLSSocket).encrypted === true) return true;
    const proxy = this.config.proxy;
    if (proxy === false) return false;
    if (proxy === undefined) return (this.req as { secure?: unknown }).secure === true;
    const header = this.req.headers['x-forwarded-proto'];
    if (typeof header !== 'string') return false;
    const comma = header.indexOf(',');
    return (comma === -1 ? header : header.slice(0, comma)).trim().toLowerCase() === 'https';
  }

  /** The live session, if the app has not unset or replaced req.session. */
  current(): Session | undefined {
    const s = this.req.session;
    return s !== undefined && s !== null && s === this.session ? s : undefined;
  }

  changes(session: Session): { after: Snapshot; changes: SessionChanges; modified: boolean } {
    const after = takeSnapshot(session);
    const changes = diffSnapshots(this.snapshot, after);
    const modified =
      this.regenerated ||
      changes.changed.length !== 0 ||
      changes.deleted.length !== 0 ||
      (this.stored && session.cookie.originalMaxAge !== this.savedMaxAge);
    return { after, changes, modified };
  }

  /** Called once, just before the headers are written: adds the Set-Cookie header when due. */
  beforeHeaders(modifiedNow: boolean | undefined): void {
    if (this.headersDecided) return;
    this.headersDecided = true;
    const session = this.current();
    const config = this.config;
    if (session === undefined) {
      // destroy(): tell the browser to drop the cookie too.
      if (this.destroyed && this.cookieId !== undefined) this.setCookieHeader('', new Date(1));
      return;
    }
    if (!this.touched) {
      session.touch();
      this.touched = true;
    }
    let modified = modifiedNow;
    const due =
      session.id !== this.cookieId
        ? config.saveUninitialized || this.explicitlySaved || (modified ??= this.safeModified(session))
        : config.rolling || (session.cookie.expires !== null && (modified ??= this.safeModified(session)));
    if (!due) return;
    if (session.cookie.secure === true && !this.isSecure()) return; // a Secure cookie over HTTP would be dropped
    this.setCookieHeader('s:' + signCookie(session.id, config.secrets[0]), session.cookie.expires ?? undefined, session.cookie);
  }

  safeModified(session: Session): boolean {
    try {
      return this.changes(session).modified;
    } catch {
      return true; // unserializable data: the save will report it
    }
  }

  setCookieHeader(value: string, expires: Date | undefined, cookie: SessionCookie = this.newCookie()): void {
    try {
      appendSetCookie(this.res, serializeCookie(this.config.name, value, {
        expires,
        path: cookie.path,
        domain: cookie.domain,
        httpOnly: cookie.httpOnly,
        secure: cookie.secure,
        sameSite: cookie.sameSite,
        partitioned: cookie.partitioned,
        priority: cookie.priority,
      }));
    } catch (err) {
      this.config.onError(err, this.req);
    }
  }

  /** Called once, when the app ends the response: writes, touches or destroys as due. */
  async persist(computed: ReturnType<SessionLifecycle['changes']> | undefined): Promise<void> {
    const session = this.current();
    const { config } = this;
    if (session === undefined) {
      const s = this.req.session;
      if (!this.destroyed && config.unsetDestroy && (s === undefined || s === null) && this.session !== undefined) {
        const id = this.session.id;
        await this.locked(id, () => callStore(config.store, 'destroy', [id], config.storeTimeout));
      }
      return;
    }
    if (!this.touched) {
      session.touch();
      this.touched = true;
    }
    const { after, changes, modified } = computed ?? this.changes(session);
    if (!this.stored) {
      if (modified || config.saveUninitialized) await this.write(session, after, undefined);
    } else if (modified || config.resave) {
      await this.write(session, after, changes);
    } else if (typeof config.store.touch === 'function') {
      const id = session.id;
      const record = mergeRecord(undefined, session, after, undefined); // whole, as express-session passes it
      await this.locked(id, () => callStore(config.store, 'touch', [id, record], config.storeTimeout));
    }
  }

  /** Stores the session: whole when new, else merged key by key into what the store holds now. */
  async write(session: Session, after: Snapshot, changes: SessionChanges | undefined): Promise<void> {
    const { store, storeTimeout } = this.config;
    const id = session.id;
    await this.locked(id, async () => {
      let base: Record<string, unknown> | undefined;
      if (changes !== undefined) {
        const stored = await callStore<SessionRecord | null>(store, 'get', [id], storeTimeout).catch(notFoundAsNull);
        if (stored === null || stored === undefined || typeof stored !== 'object') return; // destroyed meanwhile: it stays destroyed
        base = stored;
      }
      await callStore(store, 'set', [id, mergeRecord(base, session, after, changes)], storeTimeout);
    });
    this.stored = true;
    this.snapshot = after;
    this.savedMaxAge = session.cookie.originalMaxAge;
    this.regenerated = false;
  }

  /** Runs `task` after every earlier store operation on `id` made through this middleware. */
  async locked<T>(id: string, task: () => Promise<T>): Promise<T> {
    const locks = this.config.locks;
    const previous = locks.get(id);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous === undefined ? mine : previous.then(() => mine);
    locks.set(id, tail);
    if (previous !== undefined) await previous;
    try {
      return await task();
    } finally {
      release();
      if (locks.get(id) === tail) locks.delete(id);
    }
  }

  // SessionControl: what req.session's methods do.

  async save(session: Session): Promise<void> {
    if (session !== this.current()) throw new Error('session: save() on a session that is no longer req.session');
    const { after, changes } = this.changes(session);
    await this.write(session, after, this.stored ? changes : undefined);
    this.explicitlySaved = true;
  }

  async reload(session: Session): Promise<void> {
    const { store, storeTimeout } = this.config;
    const id = session.id;
    const record = await this.locked(id, () => callStore<SessionRecord | null>(store, 'get', [id], storeTimeout).catch(notFoundAsNull));
    if (record === null || record === undefined || typeof record !== 'object' || !session.cookie.restore(record.cookie)) {
      throw new Error('failed to load session');
    }
    clearSessionData(session);
    assignSessionData(session, record);
    this.stored = true;
    this.snapshot = takeSnapshot(session);
    this.savedMaxAge = session.cookie.originalMaxAge;
  }

  async destroy(session: Session): Promise<void> {
    const { store, storeTimeout } = this.config;
    const id = session.id;
    if (this.req.session === session) this.req.session = undefined;
    if (this.session === session) this.destroyed = true;
    await this.locked(id, () => callStore(store, 'destroy', [id], storeTimeout));
  }

  async regenerate(session: Session): Promise<void> {
    const { store, storeTimeout } = this.config;
    const id = session.id;
    await this.locked(id, () => callStore(store, 'destroy', [id], storeTimeout));
    this.generate();
    this.regenerated = true;
    this.destroyed = false;
  }

  /** Makes the response wait for persist(): hooks this response's writeHead and end. */
  hookResponse(): void {
    const lifecycle = this;
    const res = this.res as unknown as { writeHead: ResponseMethod; end: ResponseMethod };
    const writeHead = res.writeHead;
    const end = res.end;
    // Every path to the wire (write, end, flushHeaders, implicit headers) goes through writeHead.
    res.writeHead = function hookedWriteHead(this: http.ServerResponse, ...args: unknown[]) {
      res.writeHead = writeHead;
      if (!lifecycle.headersDecided) {
        // Headers given to writeHead would overwrite ours: set them first (as on-headers does).
        const headers = typeof args[1] === 'string' ? args[2] : args[1];
        if (headers !== undefined && headers !== null && typeof headers === 'object' && !Array.isArray(headers)) {
          for (const key of Object.keys(headers)) this.setHeader(key, (headers as Record<string, string | string[] | number>)[key]);
          args = typeof args[1] === 'string' ? [args[0], args[1]] : [args[0]];
        }
        lifecycle.beforeHeaders(undefined);
      }
      return writeHead.apply(this, args);
    };
    let ending = false;
    res.end = function hookedEnd(this: http.ServerResponse, ...args: unknown[]) {
      if (ending) return this; // a second end() while saving: the first one wins
      ending = true;
      let work: Promise<void>;
      try {
        // One snapshot serves both decisions: the cookie (if headers are not out yet) and the save.
        const session = lifecycle.current();
        const computed = session === undefined ? undefined : lifecycle.changes(session);
        if (!this.headersSent) lifecycle.beforeHeaders(computed?.modified);
        work = lifecycle.persist(computed);
      } catch (err) {
        work = Promise.reject(err);
      }
      work.then(
        () => {
          res.end = end;
          end.apply(this, args);
        },
        (err: unknown) => {
          res.end = end;
          lifecycle.config.onError(err, lifecycle.req);
          lifecycle.failResponse(err, end, args);
        },
      );
      return this;
    };
  }

  /** The session could not be saved: answer with the error's status when nothing was sent yet. */
  failResponse(err: unknown, end: ResponseMethod, args: unknown[]): void {
    const res = this.res;
    this.headersDecided = true; // no session cookie on this answer
    if (res.headersSent) {
      end.apply(res, args);
      return;
    }
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const status = statusOf(err) ?? 500;
    const body = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    const callback = args.find((a) => typeof a === 'function');
    end.call(res, body, callback);
  }
}

type ResponseMethod = (this: http.ServerResponse, ...args: unknown[]) => unknown;

/** express-session stores may answer `get` of an unknown id with an ENOENT error. */
export function notFoundAsNull(err: unknown): null {
  if (err !== null && typeof err === 'object' && (err as { code?: unknown }).code === 'ENOENT') return null;
  throw err;
}
