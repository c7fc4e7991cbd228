// The server's opening handshake, RFC 6455 §4.2: validate the client's upgrade request, choose a
// subprotocol, and answer 101 with Sec-WebSocket-Accept — or answer with an HTTP error and close.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { hasToken, parseExtensions, parseTokenList } from './header-tokens.js';
import type { ResolvedWebSocketOptions } from './options.js';
import type { TopicRegistry } from './topics.js';
import { WebSocket } from './websocket.js';

/** RFC 6455 §1.3: the GUID appended to the key before hashing. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** §4.2.2: base64 of the SHA-1 of the key and the GUID. */
export function acceptValue(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

const BASE64 = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[ch.charCodeAt(0)] = 1;

/**
 * §4.2.1: "a |Sec-WebSocket-Key| header field with a base64-encoded value that, when decoded, is
 * 16 bytes in length": 22 base64 characters and "==".
 */
export function isValidKey(key: string | undefined): key is string {
  if (key === undefined || key.length !== 24 || key.charCodeAt(22) !== 0x3d || key.charCodeAt(23) !== 0x3d) return false;
  for (let i = 0; i < 22; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128 || BASE64[c] !== 1) return false;
  }
  return true;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 426: 'Upgrade Required', 500: 'Internal Server Error' };

/** Writes a complete HTTP error response and closes the socket. `reason` is a fixed string, never client input. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string, extraHeaders = ''): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', socket.destroy);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n` +
      extraHeaders +
      '\r\n' +
      reason,
  );
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A valid opening handshake: what the 101 answer needs. */
export interface AcceptedHandshake {
  /** The Sec-WebSocket-Accept value (§4.2.2 5.4). */
  accept: string;
  /** The chosen subprotocol, '' for none. */
  protocol: string;
}

/** Why an opening handshake was refused: the HTTP answer it gets instead of a 101. */
export interface RefusedHandshake {
  status: 400 | 403 | 426 | 500;
  /** A fixed text, never client input. */
  reason: string;
  /** Header lines to add to the refusal, each ending in CRLF ('' for none). */
  extraHeaders: string;
}

/**
 * Checks an upgrade request against RFC 6455 §4.2.1 and the route's options (origins,
 * subprotocols). Writes nothing: acceptUpgrade() answers raw, the app answers through the Response
 * (so that headers set by middleware reach the 101).
 */
export function checkHandshake(req: IncomingMessage, options: ResolvedWebSocketOptions): AcceptedHandshake | RefusedHandshake {
  const headers = req.headers;

  // §4.2.1 1: "An HTTP/1.1 or higher GET request"
  if (req.method !== 'GET') return refused(400, 'WebSocket upgrade must use GET');
  if (req.httpVersionMajor < 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor < 1)) {
    return refused(400, 'WebSocket upgrade needs HTTP/1.1');
  }
  // §4.2.1 3: "An |Upgrade| header field containing the value "websocket", treated as an ASCII
  // case-insensitive value." 4: "A |Connection| header field that includes the token "Upgrade""
  if (!hasToken(headers.upgrade, 'websocket')) return refused(400, 'Missing or invalid Upgrade header');
  if (!hasToken(firstValue(headers.connection), 'upgrade')) return refused(400, 'Missing or invalid Connection header');
  // §4.2.1 5. A missing key also covers requests whose headers Node dropped (CVE-2024-37890).
  const key = firstValue(headers['sec-websocket-key']);
  if (!isValidKey(key)) return refused(400, 'Missing or invalid Sec-WebSocket-Key header');
  // §4.2.2 4: "If this version does not match a version understood by the server, the server MUST
  // abort [...] and instead send an appropriate HTTP error code (such as 426 Upgrade Required) and
  // a |Sec-WebSocket-Version| header field indicating the version(s) the server is capable of".
  if (firstValue(headers['sec-websocket-version']) !== '13') {
    return refused(426, 'Unsupported WebSocket version', 'Sec-WebSocket-Version: 13\r\n');
  }

  // §4.2.1 7 / §10.2: the Origin header lets the server refuse cross-site pages.
  const origins = options.origins;
  if (origins !== undefined) {
    const origin = firstValue(headers.origin);
    let allowed: boolean;
    try {
      allowed = typeof origins === 'function' ? origins(origin, req) === true : origin !== undefined && origins.includes(origin.toLowerCase());
    } catch {
      return refused(500, 'Origin check failed');
    }
    if (!allowed) return refused(403, 'Origin not allowed');
  }

  // §4.2.1 8 / §4.2.2 5.4: the subprotocol, one of those offered, in the server's preference.
  let protocol = '';
  const offeredHeader = firstValue(headers['sec-websocket-protocol']);
  if (offeredHeader !== undefined) {
    const offered = parseTokenList(offeredHeader);
    if (offered === null || offered.length === 0 || hasDuplicate(offered)) {
      return refused(400, 'Invalid Sec-WebSocket-Protocol header');
    }
    if (options.handleProtocols !== undefined) {
      let chosen: string | false | undefined;
      try {
        chosen = options.handleProtocols(offered, req);
      } catch {
        return refused(500, 'Subprotocol selection failed');
      }
      // Only an offered protocol may be answered (the client fails the connection otherwise).
      if (typeof chosen === 'string' && offered.includes(chosen)) protocol = chosen;
    } else {
      for (const p of options.protocols) {
        if (offered.includes(p)) {
          protocol = p;
          break;
        }
      }
    }
  }

  // §4.2.1 9 / §9.1: extensions are parsed (to refuse malformed offers) and all declined: Keel
  // negotiates none, so the response has no Sec-WebSocket-Extensions header.
  const extensions = firstValue(headers['sec-websocket-extensions']);
  if (extensions !== undefined && parseExtensions(extensions) === null) {
    return refused(400, 'Invalid Sec-WebSocket-Extensions header');
  }
  return { accept: acceptValue(key), protocol };
}

function refused(status: RefusedHandshake['status'], reason: string, extraHeaders = ''): RefusedHandshake {
  return { status, reason, extraHeaders };
}

/**
 * Opens the WebSocket on a socket whose 101 answer is written. Bytes that came with the request
 * (`head`) go back into the socket: they are read, like everything after them, once the
 * WebSocket starts reading (setImmediate), after the caller's listeners.
 */
export function openWebSocket(
  socket: Duplex,
  head: Buffer,
  options: ResolvedWebSocketOptions,
  protocol: string,
  topics?: TopicRegistry,
  registry?: Set<WebSocket>,
): WebSocket {
  if (head.length > 0) socket.unshift(head);
  return new WebSocket(socket, options, { client: false, protocol, topics, registry });
}

/**
 * Validates an upgrade request and, when it is a valid WebSocket opening handshake, answers 101,
 * feeds `head` to the new socket and returns it (in `registry` until its connection closes).
 * Otherwise answers 400 (malformed), 426 (wrong version, with `Sec-WebSocket-Version: 13`),
 * 403 (refused origin) or 500 (an origins/handleProtocols callback threw), closes the socket, and
 * returns undefined. For a plain node:http server's 'upgrade' event; an app's `ws` routes answer
 * through the Response instead, with the headers middleware set.
 */
export function acceptUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: ResolvedWebSocketOptions,
  topics?: TopicRegistry,
  registry?: Set<WebSocket>,
): WebSocket | undefined {
  if (socket.destroyed) return undefined;
  const result = checkHandshake(req, options);
  if ('status' in result) {
    rejectUpgrade(socket, result.status, result.reason, result.extraHeaders);
    return undefined;
  }
  // §4.2.2 5: the 101 response.
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${result.accept}\r\n` +
      (result.protocol === '' ? '' : `Sec-WebSocket-Protocol: ${result.protocol}\r\n`) +
      '\r\n',
  );
  return openWebSocket(socket, head, options, result.protocol, topics, registry);
}

function hasDuplicate(list: string[]): boolean {
  for (let i = 1; i < list.length; i++) if (list.indexOf(list[i]) < i) return true;
  return false;
}
