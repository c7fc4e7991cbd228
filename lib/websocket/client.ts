// The client side: `connect(url)` performs the opening handshake of RFC 6455 §4.1 over node:http
// (ws://) or node:https (wss://), checks the server's answer as §4.1 requires, and resolves with a
// WebSocket that masks every frame it sends (§5.3).

import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { WebSocketError } from './errors.js';
import { acceptValue } from './handshake.js';
import { hasToken, isToken, parseTokenList } from './header-tokens.js';
import { resolveWebSocketOptions, DEFAULT_WEBSOCKET_OPTIONS, type ResolvedWebSocketOptions, type WebSocketOptions } from './options.js';
import { WebSocket } from './websocket.js';

export interface ConnectOptions
  extends Pick<WebSocketOptions, 'maxPayload' | 'maxFragments' | 'maxBufferedMessageBytes' | 'closeTimeout' | 'maxBufferedAmount'> {
  /** Subprotocols to offer, in order of preference. */
  protocols?: string | string[];
  /** Extra request headers (the handshake headers themselves cannot be overridden). */
  headers?: Record<string, string>;
  /** Ping every `heartbeat` ms, terminate when nothing came back. Default 0 (off) for clients. */
  heartbeat?: number;
  /** How long the opening handshake may take, in ms. Default 10000. */
  handshakeTimeout?: number;
  /** TLS options for wss:// (ca, rejectUnauthorized, servername ...). */
  tls?: ConnectionOptions;
  /**
   * Called with the server's 101 answer once it is checked, before connect() resolves: its
   * headers (a session's Set-Cookie, say) are there to read, as with ws's 'upgrade' event. If it
   * throws, the connection is dropped and connect() rejects with what it threw.
   */
  onUpgrade?: (response: http.IncomingMessage) => void;
}

const CLIENT_DEFAULTS = resolveWebSocketOptions({ heartbeat: 0 }, DEFAULT_WEBSOCKET_OPTIONS);

/** What makes the handshake request: http.request for ws://, https.request for wss://. */
type RequestMaker = (options: https.RequestOptions) => http.ClientRequest;

/**
 * node:https (and node:tls under it), loaded on the first wss:// connection: most programs that
 * import Keel never open one, and loading it at start-up costs every one of them time and memory.
 */
let httpsRequest: Promise<RequestMaker> | undefined;
function secureRequest(): Promise<RequestMaker> {
  httpsRequest ??= import('node:https').then((module) => module.request);
  return httpsRequest;
}

/**
 * Opens a WebSocket connection to `url` (ws:// or wss://). Resolves once the handshake succeeded;
 * rejects with a WebSocketError ('KEEL_WS_HANDSHAKE_FAILED' or 'KEEL_WS_HANDSHAKE_TIMEOUT') or the
 * network error. Invalid arguments throw a TypeError at once.
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  const target = new URL(url);
  let secure: boolean;
  if (target.protocol === 'ws:' || target.protocol === 'http:') secure = false;
  else if (target.protocol === 'wss:' || target.protocol === 'https:') secure = true;
  else throw new TypeError(`A WebSocket URL must use ws: or wss:, got ${target.protocol}`);
  // §3: "Fragment identifiers are meaningless in the context of WebSocket URIs and MUST NOT be used"
  if (target.hash !== '') throw new TypeError('A WebSocket URL must not have a fragment');

  const { protocols, headers, handshakeTimeout = 10000, tls, onUpgrade, ...socketOptions } = options;
  if (onUpgrade !== undefined && typeof onUpgrade !== 'function') throw new TypeError('connect option onUpgrade must be a function');
  const resolved = resolveWebSocketOptions(socketOptions, CLIENT_DEFAULTS);
  if (!Number.isInteger(handshakeTimeout) || handshakeTimeout < 1 || handshakeTimeout > 0x7fffffff) {
    throw new TypeError(`connect option handshakeTimeout must be a positive integer, got ${String(handshakeTimeout)}`);
  }
  const offered = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : protocols;
  for (const p of offered) {
    if (typeof p !== 'string' || !isToken(p)) throw new TypeError(`Invalid subprotocol ${JSON.stringify(p)}`);
  }
  if (new Set(offered).size !== offered.length) throw new TypeError('Subprotocols must be distinct');

  // §4.1: "a nonce consisting of a randomly selected 16-byte value that has been base64-encoded"
  const key = randomBytes(16).toString('base64');
  const requestHeaders: Record<string, string> = Object.create(null) as Record<string, string>;
  if (headers !== undefined) for (const name of Object.keys(headers)) requestHeaders[name] = headers[name];
  requestHeaders['Connection'] = 'Upgrade';
  requestHeaders['Upgrade'] = 'websocket';
  requestHeaders['Sec-WebSocket-Key'] = key;
  requestHeaders['Sec-WebSocket-Version'] = '13';
  if (offered.length > 0) requestHeaders['Sec-WebSocket-Protocol'] = offered.join(', ');

  const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const requestOptions: https.RequestOptions = {
    ...tls,
    hostname,
    port: target.port === '' ? (secure ? 443 : 80) : Number(target.port),
    path: target.pathname + target.search,
    method: 'GET',
    headers: requestHeaders,
    agent: false,
  };

  const maker: Promise<RequestMaker> = secure ? secureRequest() : Promise.resolve(http.request);
  return maker.then((request) => handshake(request(requestOptions), key, offered, handshakeTimeout, onUpgrade, resolved));
}

/** Sends the opening handshake `req` and checks the server's answer (§4.1). */
function handshake(
  req: http.ClientRequest,
  key: string,
  offered: readonly string[],
  handshakeTimeout: number,
  onUpgrade: ConnectOptions['onUpgrade'],
  resolved: ResolvedWebSocketOptions,
): Promise<WebSocket> {
  return new Promise<WebSocket>((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy(new WebSocketError('KEEL_WS_HANDSHAKE_TIMEOUT', 1006, 'WebSocket handshake timed out'));
    }, handshakeTimeout);
    const fail = (socket: Duplex | undefined, message: string): void => {
      clearTimeout(timer);
      socket?.destroy();
      reject(new WebSocketError('KEEL_WS_HANDSHAKE_FAILED', 1006, message));
    };
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      res.resume();
      fail(undefined, `Unexpected server response: ${String(res.statusCode)}`);
      req.destroy();
    });
    req.on('upgrade', (res: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const h = res.headers;
      // §4.1: "If the status code received from the server is not 101, [...]" (Node emits
      // 'upgrade' only for 101), then Upgrade, Connection, Sec-WebSocket-Accept, extensions, and
      // the subprotocol are checked; any mismatch means "the client MUST _Fail the WebSocket Connection_".
      if (!hasToken(h.upgrade, 'websocket')) return fail(socket, 'Invalid Upgrade header in the response');
      if (!hasToken(h.connection, 'upgrade')) return fail(socket, 'Invalid Connection header in the response');
      if (h['sec-websocket-accept'] !== acceptValue(key)) return fail(socket, 'Invalid Sec-WebSocket-Accept header');
      if (h['sec-websocket-extensions'] !== undefined) return fail(socket, 'Server accepted an extension that was not offered');
      let protocol = '';
      const answered = h['sec-websocket-protocol'];
      if (answered !== undefined) {
        const list = parseTokenList(answered);
        if (list === null || list.length !== 1 || !offered.includes(list[0])) {
          return fail(socket, 'Server chose a subprotocol that was not offered');
        }
        protocol = list[0];
      }
      clearTimeout(timer);
      if (onUpgrade !== undefined) {
        try {
          onUpgrade(res);
        } catch (err) {
          socket.destroy();
          reject(err);
          return;
        }
      }
      // Read once the caller's `await connect()` continuation attached its listeners (the
      // WebSocket starts reading on setImmediate).
      if (head.length > 0) socket.unshift(head);
      resolve(new WebSocket(socket, resolved, { client: true, protocol }));
    });
    req.end();
  });
}
