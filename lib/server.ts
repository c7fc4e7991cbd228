// The node:http side of an app: server options and their defaults, connection tracking, the
// response timeout, and graceful shutdown (RFC 9112 §9.6 connection close; RFC 6455 §7.4.1 1001).

import type http from 'node:http';
import type net from 'node:net';
import { HttpError } from './http/errors.js';
import type { Response } from './http/response.js';
import { errorResponse } from './router/final-handler.js';
import type { WebSocket } from './websocket/websocket.js';

export interface ServerOptions {
  /** Time allowed to receive the request headers (slowloris defence). Default 30 s. */
  headersTimeout?: number;
  /** Time allowed to receive the whole request, body included. Default 120 s. */
  requestTimeout?: number;
  /** How long an idle keep-alive connection is kept. Default 5 s. */
  keepAliveTimeout?: number;
  /** Time a handler has to start answering before the client gets a 503. 0 turns it off. Default 120 s. */
  responseTimeout?: number;
  /** How long app.close() waits for in-flight work before forcing connections closed. Default 10 s. */
  closeTimeout?: number;
  /** Largest request header section in bytes (node:http's maxHeaderSize). Default 16 KiB. */
  maxHeaderSize?: number;
  /** Most header lines kept per request. Default 200. */
  maxHeadersCount?: number;
}

const SERVER_DEFAULTS: Required<ServerOptions> = {
  headersTimeout: 30_000,
  requestTimeout: 120_000,
  keepAliveTimeout: 5_000,
  responseTimeout: 120_000,
  closeTimeout: 10_000,
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 200,
};

/** Fills in defaults and checks every value: a bad one is a TypeError now. */
export function resolveServerOptions(o: ServerOptions | undefined): Required<ServerOptions> {
  if (o === undefined) return { ...SERVER_DEFAULTS };
  if (o === null || typeof o !== 'object') throw new TypeError('createApp(): `server` must be an object');
  const out = { ...SERVER_DEFAULTS };
  for (const key of Object.keys(o) as (keyof ServerOptions)[]) {
    if (!(key in SERVER_DEFAULTS)) throw new TypeError(`createApp(): unknown server option \`${key}\``);
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`createApp(): server.${key} must be a non-negative integer, got ${String(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/** What the functions below need of an app. */
export interface ServedApp {
  readonly servers: Set<http.Server>;
  readonly sockets: Set<net.Socket>;
  readonly websockets: Set<WebSocket>;
  readonly serverOptions: Readonly<Required<ServerOptions>>;
}

/** Records when a response started, for the response timeout; a coarse clock is enough. */
let now = Date.now();

/** The coarse clock responses are stamped with (Response.startedAt). */
export function coarseNow(): number {
  return now;
}

/** Tracks the server's connections (for close()) and runs the response timeout sweep. */
export function trackConnections(app: ServedApp, server: http.Server): void {
  server.on('connection', (socket: net.Socket) => {
    app.sockets.add(socket);
    socket.once('close', () => app.sockets.delete(socket));
  });
  const limit = app.serverOptions.responseTimeout;
  if (limit === 0) return;
  // One timer per server, not one per request: every `period`, answer 503 for responses that have
  // not started within the limit. Responses that already sent headers are streaming, and are left
  // alone (server-sent events, long downloads). Requests are stamped with the coarse clock `now`,
  // which may be up to one period old, so a response is timed out only once `limit + period` has
  // passed on that clock: never before `limit`, at most two periods after it.
  const period = Math.max(50, Math.min(1000, Math.floor(limit / 10)));
  const sweep = setInterval(() => {
    now = Date.now();
    for (const socket of app.sockets) {
      const res = (socket as unknown as { _httpMessage?: Response | null })._httpMessage;
      if (res == null || res.headersSent) continue;
      const started = res.startedAt;
      if (started !== 0 && now - started >= limit + period) {
        const req = res.req;
        // Logged once by errorResponse (a 5xx); the message names the request, the client sees
        // only 'Service Unavailable' (not exposed).
        const err = new HttpError(503, `${req.method} ${req.originalUrl || req.url} got no response within ${limit} ms`, {
          code: 'KEEL_RESPONSE_TIMEOUT',
          expose: false,
        });
        res.shouldKeepAlive = false;
        errorResponse(err, req, res, 'production');
      }
    }
  }, period);
  sweep.unref();
  server.once('close', () => clearInterval(sweep));
}

/** Graceful shutdown of every server and WebSocket of `app`, forced after closeTimeout. */
export async function closeServers(app: ServedApp): Promise<void> {
  const timeout = app.serverOptions.closeTimeout;
  const closed: Promise<void>[] = [...app.servers].map(
    (server) => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  // RFC 6455 §7.4.1: 1001 "going away", e.g. a server going down.
  for (const ws of app.websockets) {
    closed.push(new Promise<void>((resolve) => ws.once('close', () => resolve())));
    ws.close(1001);
  }
  // Connections with a response in flight close once it is done; idle ones close now.
  for (const socket of app.sockets) {
    const res = (socket as unknown as { _httpMessage?: Response | null })._httpMessage;
    if (res == null) continue;
    if (!res.headersSent) res.shouldKeepAlive = false;
    else if (!res.writableFinished) res.once('finish', () => socket.end());
  }
  for (const server of app.servers) server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      for (const server of app.servers) server.closeAllConnections();
      for (const socket of app.sockets) socket.destroy();
      for (const ws of app.websockets) ws.terminate();
      resolve();
    }, timeout);
    timer.unref();
  });
  await Promise.race([Promise.all(closed).then(() => undefined), forced]);
  clearTimeout(timer);
  await Promise.all(closed);
}

