// session(options): server-side sessions keyed by a signed cookie, with express-session's options,
// Store contract and cookie format ('s:' + cookie-signature), and safer defaults. What Keel
// guarantees for concurrent requests of one session is stated at the top of lib/session/lifecycle.ts.

import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { parseCookie } from '../cookie/parse.js';
import { serializeCookie } from '../cookie/serialize.js';
import { unsignCookie } from '../cookie/sign.js';
import type { SessionCookieOptions } from '../session/cookie.js';
import { SessionLifecycle, notFoundAsNull, type SessionConfig, type SessionRequest } from '../session/lifecycle.js';
import { MemoryStore } from '../session/memory-store.js';
import type { Session, SessionData } from '../session/session.js';
import { assertStore, callStore, type SessionRecord, type Store } from '../session/store.js';

declare module '../http/request.js' {
  interface Request {
    /** Set by session(): the session (undefined after destroy()). */
    session: Session & Partial<SessionData>;
    /** Set by session(): the session id. */
    sessionID: string;
  }
}

export interface SessionOptions {
  /** Signs the cookie. Several: sign with the first, accept any (rotation). Required. */
  secret: string | readonly string[];
  /** Cookie name. Default 'keel.sid' (express-session's is 'connect.sid'). */
  name?: string;
  /** Default: a new MemoryStore. */
  store?: Store;
  /** Default: { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: null }. */
  cookie?: SessionCookieOptions;
  /** Save even when unchanged. Default false. */
  resave?: boolean;
  /** Save (and send a cookie for) new sessions the app did not touch. Default false. */
  saveUninitialized?: boolean;
  /** Send the cookie on every response, restarting its lifetime. Default false. */
  rolling?: boolean;
  /** New session ids. Default: 32 random bytes, base64url. */
  genid?: (req: http.IncomingMessage) => string;
  /** Trust X-Forwarded-Proto for `secure`: true, false, or undefined = use req.secure. */
  proxy?: boolean;
  /** What `req.session = null` (or delete) means: 'keep' (default) or 'destroy'. */
  unset?: 'keep' | 'destroy';
  /** Ms to wait for any store call before failing the request with 503. Default 10,000. */
  storeTimeout?: number;
  /** Told about errors that cannot go to next(err) (while ending a response). Default: console.error. */
  onError?: (err: unknown, req: http.IncomingMessage) => void;
}

export type SessionMiddleware = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next: (err?: unknown) => unknown,
) => Promise<unknown>;

export function session(options: SessionOptions): SessionMiddleware {
  const config = configure(options);
  const { store, storeTimeout, secrets, name } = config;
  const cookiePath = config.cookie.path ?? '/';

  return async function sessionMiddleware(request, res, next) {
    const req = request as SessionRequest & { originalUrl?: string };
    if (req.session !== undefined && req.session !== null) return next(); // an earlier session() ran
    // As express-session: no session outside the cookie's path.
    const url = typeof req.originalUrl === 'string' && req.originalUrl !== '' ? req.originalUrl : req.url ?? '/';
    if (!url.startsWith(cookiePath)) return next();

    const lifecycle = new SessionLifecycle(config, req, res);
    try {
      const id = readSessionId(req.headers.cookie, name, secrets);
      lifecycle.cookieId = id;
      lifecycle.hookResponse();
      if (id === undefined) {
        lifecycle.generate();
      } else {
        const record = await callStore<SessionRecord | null>(store, 'get', [id], storeTimeout).catch(notFoundAsNull);
        lifecycle.load(id, record);
      }
    } catch (err) {
      return next(err);
    }
    return next();
  };
}

/** The id in the signed session cookie, or undefined when it is absent, unsigned or forged. */
function readSessionId(header: string | undefined, name: string, secrets: readonly string[]): string | undefined {
  if (header === undefined) return undefined;
  const raw = parseCookie(header)[name];
  if (raw === undefined || raw.length < 3 || raw.charCodeAt(0) !== 0x73 || raw.charCodeAt(1) !== 0x3a) return undefined; // 's:'
  const id = unsignCookie(raw.slice(2), secrets);
  return id === false || id === '' ? undefined : id;
}

function defaultGenid(): string {
  return randomBytes(32).toString('base64url');
}

function defaultOnError(err: unknown): void {
  console.error('keel session:', err);
}

function configure(options: SessionOptions): SessionConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('session: options are required');
  const secret = options.secret;
  const secrets: readonly string[] = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('session: option secret is required (a non-empty string or array of them)');
  }
  const name = options.name ?? 'keel.sid';
  const store = options.store ?? new MemoryStore();
  assertStore(store);
  const cookie: SessionCookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: null, ...options.cookie };
  const maxAge = cookie.maxAge;
  if (maxAge !== null && maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0)) {
    throw new TypeError('session: option cookie.maxAge must be a positive number of ms or null');
  }
  if (cookie.secure !== 'auto' && cookie.secure !== undefined && typeof cookie.secure !== 'boolean') {
    throw new TypeError("session: option cookie.secure must be true, false or 'auto'");
  }
  // Validate name and every cookie attribute now (TypeError at configuration, not per request).
  // 'auto' may be secure, so it is checked as secure; sameSite 'none' with secure: false fails here.
  serializeCookie(name, 'x', {
    path: cookie.path,
    domain: cookie.domain,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure === 'auto' ? true : cookie.secure,
    sameSite: cookie.sameSite,
    partitioned: cookie.partitioned,
    priority: cookie.priority,
  });
  const storeTimeout = options.storeTimeout ?? 10_000;
  if (typeof storeTimeout !== 'number' || !Number.isSafeInteger(storeTimeout) || storeTimeout < 1) {
    throw new TypeError('session: option storeTimeout must be a positive integer (ms)');
  }
  if (options.genid !== undefined && typeof options.genid !== 'function') throw new TypeError('session: option genid must be a function');
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new TypeError('session: option onError must be a function');
  for (const flag of ['resave', 'saveUninitialized', 'rolling', 'proxy'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new TypeError(`session: option ${flag} must be a boolean`);
  }
  if (options.unset !== undefined && options.unset !== 'keep' && options.unset !== 'destroy') {
    throw new TypeError("session: option unset must be 'keep' or 'destroy'");
  }
  return {
    name,
    secrets,
    store,
    cookie,
    resave: options.resave ?? false,
    saveUninitialized: options.saveUninitialized ?? false,
    rolling: options.rolling ?? false,
    genid: options.genid ?? defaultGenid,
    proxy: options.proxy,
    unsetDestroy: options.unset === 'destroy',
    // The MemoryStore answers on the next microtask and cannot hang: no timer per call for it.
    storeTimeout: store instanceof MemoryStore ? 0 : storeTimeout,
    onError: options.onError ?? defaultOnError,
    locks: new Map(),
  };
}
