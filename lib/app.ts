// createApp(): a Router with settings, that is also a plain `(req, res)` request listener: entry of
// a request (canonical URL, final 404/error handlers), mounting of sub-apps, WebSocket upgrades
// through the stack, and listen()/close() (the server side lives in server.ts).

import http from 'node:http';
import type net from 'node:net';
import { adoptRequest, Request } from './http/request.js';
import { adoptResponse, Response } from './http/response.js';
import { compileTrust } from './http/proxy.js';
import type { ErrorHandlerArg, HandlerArg, NextFunction, RequestHandlerArg } from './router/handler.js';
import { setUncaughtHandler, type Dispatcher, type Pending } from './router/invoke.js';
import type { PathInput } from './router/path.js';
import { initRouter, kMethodKey, routerPrototype, type ParamsOf, type RouterCore } from './router/router.js';
import { errorResponse, notFound } from './router/final-handler.js';
import { canonicalUrl } from './router/url.js';
import { closeServers, coarseNow, resolveServerOptions, trackConnections, type ServedApp, type ServerOptions } from './server.js';
import { checkSetting, defaultSettings } from './settings.js';
import { kUpgrade, type UpgradeContext, type UpgradeTagged, type WebSocketHandler } from './router/upgrade.js';
import { WS_METHOD } from './router/route.js';
import type { Duplex } from 'node:stream';
import { checkHandshake, openWebSocket, rejectUpgrade } from './websocket/handshake.js';
import { hasToken } from './websocket/header-tokens.js';
import { resolveWebSocketOptions, type ResolvedWebSocketOptions, type WebSocketOptions } from './websocket/options.js';
import { TopicRegistry, type PublishOptions } from './websocket/topics.js';
import type { WebSocket, WebSocketData } from './websocket/websocket.js';
import { inject, type InjectListener, type InjectRequest, type InjectResponse } from './inject.js';

export type { ServerOptions };

export interface AppOptions {
  server?: ServerOptions;
  /** App-wide WebSocket options; a route's own options override them. */
  websocket?: WebSocketOptions;
}

export interface App extends RouterCore<App> {
  /** The app is a request listener: `http.createServer(app)`. */
  (req: http.IncomingMessage, res: http.ServerResponse, next?: NextFunction): void;
  /** `app.get(setting)` reads a setting; `app.get(path, ...handlers)` adds a GET route. */
  get(setting: string): unknown;
  get<const Path extends PathInput>(path: Path, ...handlers: RequestHandlerArg<ParamsOf<Path>>[]): App;
  get<const Path extends PathInput>(path: Path, ...handlers: ErrorHandlerArg<ParamsOf<Path>>[]): App;
  get<const Path extends PathInput>(path: Path, ...handlers: HandlerArg<ParamsOf<Path>>[]): App;
  set(setting: string, value: unknown): App;
  enable(setting: string): App;
  disable(setting: string): App;
  enabled(setting: string): boolean;
  disabled(setting: string): boolean;
  /** App-wide values, visible to every request as `req.app.locals`. */
  readonly locals: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  /** Where this app is mounted in a parent app ('/' at the top). */
  mountpath: PathInput;
  parent: App | undefined;
  /** Starts an http.Server using Keel's Request/Response classes, like `server.listen(...)`. */
  listen(port?: number, hostname?: string, callback?: () => void): http.Server;
  listen(port?: number, callback?: () => void): http.Server;
  listen(options: net.ListenOptions, callback?: () => void): http.Server;
  /** Graceful shutdown: stop accepting, finish in-flight requests, close idle connections. */
  close(): Promise<void>;
  /** The servers started by listen() and still open. */
  readonly servers: ReadonlySet<http.Server>;
  /** The server options in force (defaults filled in). */
  readonly serverOptions: Readonly<Required<ServerOptions>>;
  /** An http.Server for this app, with Keel's Request/Response classes, not yet listening. */
  createServer(): http.Server;
  /**
   * Wires a server you created yourself (`https.createServer(opts, app)`) into the app: connection
   * tracking for close(), the response timeout, WebSocket upgrades.
   */
  attach(server: http.Server): http.Server;
  /** Sends `data` to every WebSocket subscribed to `topic` (ws.subscribe), encoding it once. */
  publish(topic: string, data: WebSocketData, options?: PublishOptions): number;
  /** The open WebSockets of this app. */
  readonly websockets: ReadonlySet<WebSocket>;
  /**
   * Runs a request through the app without a socket (node's own HTTP parser on an in-memory
   * stream), for tests: `const r = await app.inject({ url: '/' }); r.status; r.json()`.
   */
  inject(request: InjectRequest): Promise<InjectResponse>;
  /** Runs an upgrade request through the stack (the server's 'upgrade' event). */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

type AppThis = App & {
  stack: import('./router/layer.js').Layer[];
  caseSensitive: boolean;
  strict: boolean;
  mergeParams: boolean;
  params: unknown;
  closing: Promise<void> | undefined;
  state: AppState;
  webSocketOptionsFor(routeOptions: WebSocketOptions | undefined): ResolvedWebSocketOptions;
  dispatch(req: Request, res: Response, parent: Dispatcher): Pending;
  handleRequest(req: Request, res: Response): void;
};

/**
 * What an app holds besides its routing: read when it is configured, mounted, listening or
 * closing, never while a request is routed. It lives in an object of its own because V8 keeps a
 * function with more than about fifteen properties in slow dictionary mode, and an app is a
 * function: the fields dispatch reads on every request (stack, settings ...) stay few and fast
 * (measured: about 80 ns per request less for hello, spec/bench/inprocess.mjs).
 */
class AppState implements ServedApp {
  /** Settings given explicitly (the rest inherit from a parent app once mounted). */
  readonly explicit = new Set<string>();
  readonly locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  mountpath: PathInput = '/';
  parent: App | undefined = undefined;
  readonly servers = new Set<http.Server>();
  readonly sockets = new Set<net.Socket>();
  readonly websockets = new Set<WebSocket>();
  readonly topics = new TopicRegistry();
  /** Route options object → resolved against the app's, computed once. */
  readonly resolvedRouteOptions = new WeakMap<WebSocketOptions, ResolvedWebSocketOptions>();

  constructor(
    readonly serverOptions: Readonly<Required<ServerOptions>>,
    readonly websocketOptions: ResolvedWebSocketOptions,
  ) {}
}

/** The state of an app (`this` in the accessors below, which TypeScript cannot type as AppThis). */
function stateOf(app: unknown): AppState {
  return (app as AppThis).state;
}

/** Request-specific wiring the app does before routing. */
function enter(app: AppThis, req: Request, res: Response): void {
  req.app = app;
  res.app = app;
  req.res = res;
  const url = req.url ?? '/';
  req.originalUrl = url;
  req.url = canonicalUrl(url);
  if (app.settings['x-powered-by'] === true) res.setHeader('X-Powered-By', 'Keel');
}

/** Where the top-level dispatch ends: the final 404 or error answer. */
class FinalExit implements Dispatcher {
  constructor(
    private readonly app: AppThis,
    readonly req: Request,
    readonly res: Response,
  ) {}
  advance(err: unknown): Pending {
    if (err) errorResponse(err, this.req, this.res, this.app.settings['env']);
    else notFound(this.req, this.res);
    return undefined;
  }
}

/** Where a mounted app's dispatch ends: restore the parent app on req/res, continue there. */
class MountExit implements Dispatcher {
  constructor(
    private readonly parentApp: unknown,
    private readonly parent: Dispatcher,
    readonly req: Request,
    readonly res: Response,
  ) {}
  advance(err: unknown): Pending {
    this.req.app = this.parentApp as App;
    this.res.app = this.parentApp as App;
    return this.parent.advance(err);
  }
}

/** Where an app used as middleware in someone else's stack ends: their `next`. */
class ForeignExit implements Dispatcher {
  constructor(
    private readonly next: NextFunction,
    readonly req: Request,
    readonly res: Response,
  ) {}
  advance(err: unknown): Pending {
    return this.next(err);
  }
}

setUncaughtHandler((err, req, res) => {
  errorResponse(err, req, res, (req.app as App | undefined)?.settings['env']);
});

/** Makes plain node objects into Keel's (when the app runs on someone else's http.Server). */
function adopt(req: http.IncomingMessage, res: http.ServerResponse): void {
  adoptRequest(req);
  adoptResponse(res);
}

/** A raw socket's error listener until a WebSocket owns it: a reset must not crash the process. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** RFC 6455 §7.4.1: 1011, "an unexpected condition prevented it from fulfilling the request". */
function handlerFailed(ws: WebSocket, err: unknown): void {
  console.error(err);
  ws.close(1011);
}

// Fields a 101 answer never carries, whoever set them: it has no content, so nothing that frames or
// describes content (RFC 9110 §8.6: no Content-Length in a 1xx; RFC 9112 §6.1: no
// Transfer-Encoding), and the handshake's own fields come from the handshake alone (Keel
// negotiates no extension; the subprotocol is the one chosen from the client's offer).
const NOT_IN_101 = [
  'Content-Length',
  'Transfer-Encoding',
  'Content-Type',
  'Content-Encoding',
  'Sec-WebSocket-Extensions',
  'Sec-WebSocket-Protocol',
];

/**
 * An upgrade request on its way through the stack: either middleware answers it over HTTP (the
 * socket then closes), or a `ws` route accepts it. Accepting answers 101 through the Response, so
 * the 101 carries the headers middleware set (cookies, a session's Set-Cookie, CORS, tracing), and
 * a session is saved before it goes out, as it is before any answer ends; the WebSocket opens once
 * the 101 is written. Once open, nothing of this object stays reachable from the WebSocket: its
 * listeners and timer are removed, so an idle connection holds only what the WebSocket needs.
 */
class PendingUpgrade implements UpgradeContext {
  private settled = false;
  private accepting = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAnswered: () => void;

  constructor(
    private readonly app: AppThis,
    private readonly req: Request,
    private readonly res: Response,
    private readonly socket: Duplex,
    private head: Buffer | undefined,
  ) {
    const o = app.state.serverOptions;
    // Covers the stack and, once accepted, the 101 (a session being saved): past it, the socket goes.
    this.timer = setTimeout(destroyIfUnsettled, o.responseTimeout || o.requestTimeout || 60_000, this);
    this.timer.unref();
    this.onAnswered = () => {
      this.settle();
      (socket as net.Socket).destroySoon();
    };
    res.once('finish', this.onAnswered);
  }

  /** The stack (or the 101) ran too long. */
  expire(): void {
    if (!this.settled) this.socket.destroy();
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.res.removeListener('finish', this.onAnswered);
    (this.req as UpgradeTagged)[kUpgrade] = undefined;
  }

  accept(req: Request, res: Response, options: WebSocketOptions | undefined, handler: WebSocketHandler): void {
    if (this.settled || this.accepting || res.headersSent) return;
    const resolved = this.app.webSocketOptionsFor(options);
    const handshake = checkHandshake(req, resolved);
    if ('status' in handshake) {
      // Refused (400, 403, 426, 500): a plain answer written by the handshake code, then close.
      this.settle();
      res.detachSocket(this.socket as net.Socket);
      rejectUpgrade(this.socket, handshake.status, handshake.reason, handshake.extraHeaders);
      return;
    }
    this.accepting = true;
    res.removeListener('finish', this.onAnswered);
    for (const name of NOT_IN_101) if (res.hasHeader(name)) res.removeHeader(name);
    // RFC 6455 §4.2.2 5: the 101 and its fields, on top of what middleware set.
    res.statusCode = 101;
    res.statusMessage = 'Switching Protocols';
    res.setHeader('Upgrade', 'websocket');
    res.setHeader('Connection', 'Upgrade');
    res.setHeader('Sec-WebSocket-Accept', handshake.accept);
    if (handshake.protocol !== '') res.setHeader('Sec-WebSocket-Protocol', handshake.protocol);
    // A client gone before the 101 is out (a slow session save) releases this object at once.
    const onGone = (): void => this.settle();
    res.once('close', onGone);
    res.once('finish', () => {
      res.removeListener('close', onGone);
      this.open(req, res, resolved, handshake.protocol, handler);
    });
    // end() writes the head; a session's end() saves first (and, if the save fails, answers 500
    // instead, which open() sees).
    res.end();
  }

  /** The answer is written: a 101 hands the socket to a new WebSocket, anything else closes it. */
  private open(req: Request, res: Response, options: ResolvedWebSocketOptions, protocol: string, handler: WebSocketHandler): void {
    this.settle();
    const socket = this.socket as net.Socket;
    const head = this.head!;
    this.head = undefined;
    if (res.statusCode !== 101 || socket.destroyed) {
      socket.destroySoon();
      return;
    }
    res.detachSocket(socket);
    const before = socket.listenerCount('error');
    // In app.websockets until its connection closes (the WebSocket leaves the set itself).
    const ws = openWebSocket(socket, head, options, protocol, this.app.state.topics, this.app.state.websockets);
    // The WebSocket listens for errors itself now.
    if (socket.listenerCount('error') > before) socket.removeListener('error', destroyOnError);
    runHandler(ws, req, handler);
  }
}

/** Runs a `ws` route's handler; a throw or a rejection closes the WebSocket with 1011. */
function runHandler(ws: WebSocket, req: Request, handler: WebSocketHandler): void {
  try {
    const ret = handler(ws, req);
    if (ret !== null && typeof ret === 'object' && typeof (ret as PromiseLike<unknown>).then === 'function') {
      (ret as PromiseLike<unknown>).then(undefined, (err: unknown) => handlerFailed(ws, err));
    }
  } catch (err) {
    handlerFailed(ws, err);
  }
}

function destroyIfUnsettled(pending: PendingUpgrade): void {
  pending.expire();
}

const appPrototype = {
  get(this: AppThis, ...args: unknown[]): unknown {
    if (args.length === 1 && typeof args[0] === 'string') return this.settings[args[0]];
    return (routerPrototype as unknown as { get(...a: unknown[]): unknown }).get.apply(this, args);
  },

  set(this: AppThis, setting: string, value: unknown): App {
    if (typeof setting !== 'string') throw new TypeError('app.set() requires a setting name');
    if (setting === 'trust proxy') {
      const fn = compileTrust(value);
      this.settings['trust proxy fn'] = fn;
      this.state.explicit.add('trust proxy fn');
    } else {
      checkSetting(setting, value);
    }
    this.settings[setting] = value;
    this.state.explicit.add(setting);
    return this;
  },
  enable(this: AppThis, setting: string): App {
    return this.set(setting, true);
  },
  disable(this: AppThis, setting: string): App {
    return this.set(setting, false);
  },
  enabled(this: AppThis, setting: string): boolean {
    return Boolean(this.settings[setting]);
  },
  disabled(this: AppThis, setting: string): boolean {
    return !this.settings[setting];
  },

  // Public fields kept in the app's state (see AppState).
  get locals(): Record<string, unknown> {
    return stateOf(this).locals;
  },
  get mountpath(): PathInput {
    return stateOf(this).mountpath;
  },
  set mountpath(path: PathInput) {
    stateOf(this).mountpath = path;
  },
  get parent(): App | undefined {
    return stateOf(this).parent;
  },
  set parent(app: App | undefined) {
    stateOf(this).parent = app;
  },
  get servers(): ReadonlySet<http.Server> {
    return stateOf(this).servers;
  },
  get websockets(): ReadonlySet<WebSocket> {
    return stateOf(this).websockets;
  },
  get serverOptions(): Readonly<Required<ServerOptions>> {
    return stateOf(this).serverOptions;
  },

  layerOptions(this: AppThis) {
    return {
      caseSensitive: this.settings['case sensitive routing'] === true,
      strict: this.settings['strict routing'] === true,
    };
  },

  /** A sub-app mounted with use(): it inherits the settings it did not set itself. */
  onMount(this: AppThis, child: unknown, path: PathInput): void {
    if (typeof child !== 'function' || !(child as { [kIsApp]?: true })[kIsApp]) return;
    const sub = child as AppThis;
    sub.state.parent = this;
    for (const name of Object.keys(sub.settings)) if (!sub.state.explicit.has(name)) delete sub.settings[name];
    Object.setPrototypeOf(sub.settings, this.settings);
    sub.state.mountpath = path;
  },

  /** Entered as a mounted sub-app from a parent router. */
  dispatch(this: AppThis, req: Request, res: Response, parent: Dispatcher): Pending {
    const parentApp = req.app;
    req.app = this;
    res.app = this;
    return (routerPrototype.dispatch as (this: unknown, a: Request, b: Response, c: Dispatcher) => Pending).call(
      this,
      req,
      res,
      new MountExit(parentApp, parent, req, res),
    );
  },

  /** Handles one request from the top: routing, then the final handlers. */
  handleRequest(this: AppThis, req: Request, res: Response): void {
    res.startedAt = coarseNow();
    if (this.closing !== undefined) res.shouldKeepAlive = false;
    enter(this, req, res);
    const done = routerPrototype.dispatch.call(this as never, req, res, new FinalExit(this, req, res));
    if (done !== undefined) done.then(undefined, (err: unknown) => errorResponse(err, req, res, this.settings['env']));
  },

  listen(this: AppThis, ...args: unknown[]): http.Server {
    const server = this.createServer();
    server.listen(...(args as Parameters<http.Server['listen']>));
    return server;
  },

  /** An http.Server for this app with Keel's classes, timeouts and connection tracking. */
  createServer(this: AppThis): http.Server {
    const o = this.state.serverOptions;
    const server = http.createServer(
      {
        IncomingMessage: Request as unknown as typeof http.IncomingMessage,
        ServerResponse: Response as unknown as typeof http.ServerResponse,
        headersTimeout: o.headersTimeout,
        requestTimeout: o.requestTimeout,
        maxHeaderSize: o.maxHeaderSize,
        connectionsCheckingInterval: Math.max(1000, Math.min(30_000, Math.floor(o.headersTimeout / 4) || 1000)),
      },
      this.handleRequest.bind(this) as unknown as http.RequestListener,
    );
    server.keepAliveTimeout = o.keepAliveTimeout;
    server.maxHeadersCount = o.maxHeadersCount;
    return this.attach(server);
  },

  attach(this: AppThis, server: http.Server): http.Server {
    const state = this.state;
    if (state.servers.has(server)) return server;
    state.servers.add(server);
    trackConnections(state, server);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    server.once('close', () => state.servers.delete(server));
    return server;
  },

  inject(this: AppThis, request: InjectRequest): Promise<InjectResponse> {
    return inject(this as unknown as InjectListener, request);
  },

  publish(this: AppThis, topic: string, data: WebSocketData, options?: PublishOptions): number {
    return this.state.topics.publish(topic, data, options);
  },

  handleUpgrade(this: AppThis, rawReq: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // A raw socket has no error listener of its own: without this, a reset would crash the process.
    socket.on('error', destroyOnError);
    const req = rawReq as Request;
    adoptRequest(req);
    // A Response written straight to the socket, so middleware can answer 401/403/redirects.
    const res = new Response(req);
    res.assignSocket(socket as net.Socket);
    res.shouldKeepAlive = false;
    const pending = new PendingUpgrade(this, req, res, socket, head);
    // RFC 9110 §7.8: a server may ignore Upgrade. Anything but a WebSocket upgrade is routed as a
    // plain request (answered over the socket, which then closes).
    // RFC 9110 §7.8: Upgrade is a comma-separated list of protocols; parsed as the handshake does.
    if (hasToken(req.headers.upgrade, 'websocket')) {
      (req as { [kMethodKey]?: string })[kMethodKey] = WS_METHOD;
      (req as UpgradeTagged)[kUpgrade] = pending;
    }
    this.handleRequest(req, res);
  },

  /** A route's WebSocket options, resolved against the app's (once per options object). */
  webSocketOptionsFor(this: AppThis, routeOptions: WebSocketOptions | undefined): ResolvedWebSocketOptions {
    const state = this.state;
    if (routeOptions === undefined) return state.websocketOptions;
    let resolved = state.resolvedRouteOptions.get(routeOptions);
    if (resolved === undefined) {
      resolved = resolveWebSocketOptions(routeOptions, state.websocketOptions);
      state.resolvedRouteOptions.set(routeOptions, resolved);
    }
    return resolved;
  },

  close(this: AppThis): Promise<void> {
    // While a close is under way, every caller waits for the same one; afterwards the app may
    // listen() again and be closed again.
    this.closing ??= closeServers(this.state).finally(() => {
      this.closing = undefined;
    });
    return this.closing;
  },
};

Object.setPrototypeOf(appPrototype, routerPrototype);

const kIsApp: unique symbol = Symbol('keel.app');

/** Creates an app: `const app = createApp(); app.get('/', (req, res) => res.send('hi')); app.listen(3000)`. */
export function createApp(options: AppOptions = {}): App {
  if (options === null || typeof options !== 'object') throw new TypeError('createApp() options must be an object');
  const app = function (req: http.IncomingMessage, res: http.ServerResponse, next?: NextFunction): void {
    adopt(req, res);
    const self = app as AppThis;
    if (next === undefined) {
      self.handleRequest(req as Request, res as Response);
      return;
    }
    // Used as middleware inside another framework's stack.
    const r = req as Request;
    const parentApp = r.app;
    r.app = self;
    (res as Response).app = self;
    r.originalUrl ||= r.url ?? '/';
    const done = routerPrototype.dispatch.call(self as never, r, res as Response, new MountExit(parentApp, new ForeignExit(next, r, res as Response), r, res as Response));
    if (done !== undefined) done.then(undefined, (err: unknown) => next(err));
  } as unknown as AppThis;
  Object.setPrototypeOf(app, appPrototype);
  initRouter(app, {});
  const a = app as unknown as Record<string | symbol, unknown>;
  a['settings'] = defaultSettings();
  a['closing'] = undefined;
  a['state'] = new AppState(resolveServerOptions(options.server), resolveWebSocketOptions(options.websocket));
  a[kIsApp] = true;
  app.locals['settings'] = app.settings;
  return app;
}

