// createDemoApp(): the demo chat as a Keel app, ready to listen (server.ts) or to be started on
// port 0 by the specs. Every part of Keel it uses comes from the public entry, ../lib/index.js.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MemoryStore,
  compression,
  createApp,
  json,
  logger,
  serveStatic,
  session,
  type App,
  type NextFunction,
  type Request,
  type Response,
} from '../lib/index.js';
import { SESSION_COOKIE, authRoutes, currentUser, requireApi, requirePage } from './auth.js';
import { Messages, DEFAULT_MAX_MESSAGE_LENGTH } from './messages.js';
import { Room } from './room.js';
import { sameOrigin, sameOriginWebSocket, securityHeaders } from './security.js';
import { TraceLog, seedRouter, traceRoute } from './seed.js';
import { DataSessionStore } from './sessions.js';
import { DataStore } from './store.js';
import { Users, type ScryptCost } from './users.js';

export interface DemoOptions {
  /** Keep users and messages in this JSON file (written atomically). Default: memory only. */
  dataFile?: string;
  /** Signs the session cookie. Default: a random secret kept with the data. */
  secret?: string;
  /** Request logging: true (logger('dev') to stdout, the default), false, or a stream. */
  log?: boolean | { write(line: string): unknown };
  /** Most characters in one chat message. Default 500. */
  maxMessageLength?: number;
  /** scrypt cost for new passwords (tests may lower it). Default N=16384, r=8, p=1. */
  scrypt?: ScryptCost;
  /** Where index pages and assets live. Default: demo/public/ of this checkout. */
  publicDir?: string;
}

export interface Demo {
  app: App;
  store: DataStore;
  users: Users;
  room: Room;
  /** Graceful stop: requests drain, WebSockets close with 1001, then the data file is flushed. */
  close(): Promise<void>;
}

/** demo/public/: next to this file when run from source, ../../demo/public/ from dist/demo/. */
function defaultPublicDir(): string {
  const candidates = [new URL('./public/', import.meta.url), new URL('../../demo/public/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (fs.existsSync(`${dir}chat.html`)) return dir;
  }
  throw new Error('demo: cannot find the demo/public/ folder');
}

/** Largest WebSocket frame the chat accepts; a bigger one closes the connection with 1009. */
const WS_MAX_PAYLOAD = 16 * 1024;

export async function createDemoApp(options: DemoOptions = {}): Promise<Demo> {
  const store = options.dataFile === undefined || options.dataFile === '' ? DataStore.memory() : await DataStore.open(options.dataFile);
  const users = new Users(store, options.scrypt);
  const messages = new Messages(store, options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH);
  const publicDir = options.publicDir ?? defaultPublicDir();
  const app = createApp();
  const room = new Room(app, messages);
  const traces = new TraceLog();

  app.use(securityHeaders);
  const log = options.log ?? true;
  const logStream = log === true ? process.stdout : log === false ? undefined : log;
  if (logStream !== undefined) app.use(logger('dev', { stream: logStream }));
  app.use(compression());

  // Static assets, before the session: no session lookup for a stylesheet. Cached for an hour, then
  // revalidated with ETag / Last-Modified.
  app.use('/assets', serveStatic(`${publicDir}assets`, { maxAge: '1h', index: false }));

  app.use(
    session({
      secret: options.secret ?? store.data.secret,
      name: SESSION_COOKIE,
      // With a data file, sessions are kept in it (signed-in browsers survive a restart);
      // otherwise in Keel's bounded MemoryStore.
      store: store.file === undefined ? new MemoryStore() : new DataSessionStore(store),
      cookie: { maxAge: 7 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true },
    }),
  );

  // The seed documents' middleware sequence, shown in a page.
  app.use('/info', seedRouter(traces, logStream === undefined ? undefined : (line) => logStream.write(`${line}\n`)));
  app.get('/api/info/:id', traceRoute(traces));

  // Sign-in and sign-out.
  app.use(authRoutes(users, { signedOut: (id) => room.endSession(id) }));

  // Pages.
  app.get('/', (req, res) => res.redirect(303, currentUser(req) === undefined ? '/signin' : '/chat'));
  app.get('/signin', (req, res) => {
    if (currentUser(req) !== undefined) return res.redirect(303, '/chat');
    return sendPage(res, publicDir, 'signin.html');
  });
  app.get('/chat', requirePage, (_req, res) => sendPage(res, publicDir, 'chat.html'));

  // The JSON API: same-origin, signed in.
  app.use('/api', sameOrigin, requireApi);
  app.get('/api/me', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ name: currentUser(req), online: room.online() });
  });
  app.get('/api/messages', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ messages: messages.recent() });
  });
  app.post('/api/messages', json({ limit: '16kb' }), (req, res) => {
    const body = req.body as { text?: unknown } | undefined;
    const checked = messages.check(body?.text);
    if (!('text' in checked)) {
      res.status(checked.code === 'message_too_long' ? 413 : 400).json({ error: { code: checked.code, message: checked.message } });
      return;
    }
    res.status(201).json({ message: room.post(currentUser(req) as string, checked.text) });
  });

  // The chat room. The upgrade runs through the stack above (session, then requireApi: 401 before
  // any handshake without a session); the Origin must be this server's own.
  app.ws('/ws', { origins: sameOriginWebSocket, maxPayload: WS_MAX_PAYLOAD }, requireApi, (ws, req) => {
    room.join(ws, req, currentUser(req) as string);
  });

  app.use(errorHandler);

  return {
    app,
    store,
    users,
    room,
    async close() {
      await app.close();
      await store.flush();
    },
  };
}

/** A page of the app (revalidated on every visit: it changes with the sign-in state). */
function sendPage(res: Response, publicDir: string, file: string): void {
  res.set('Cache-Control', 'no-cache').sendFile(file, { root: publicDir });
}

/** JSON errors under /api and for the WebSocket; a short page elsewhere. No stack traces. */
function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): unknown {
  // Already answering: only Keel's default handler can clean up (it closes the connection).
  if (res.headersSent) return next(err);
  const given = (err as { status?: unknown } | null)?.status;
  const status = typeof given === 'number' && Number.isInteger(given) && given >= 400 && given <= 599 ? given : 500;
  const expose = status < 500;
  if (!expose) console.error(err);
  const message = expose && err instanceof Error ? err.message : 'Something went wrong';
  const code = (err as { code?: unknown })?.code;
  const path = req.originalUrl ?? req.url ?? '/';
  if (path.startsWith('/api') || path.startsWith('/ws') || req.is('json') === 'json') {
    res.status(status).json({ error: { code: typeof code === 'string' ? code : 'error', message } });
  } else {
    res.status(status).type('text').send(`${status} ${message}\n`);
  }
  return undefined;
}
