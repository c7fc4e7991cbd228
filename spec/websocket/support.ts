// Test support for the WebSocket specs: a plain node:http server whose 'upgrade' listener calls
// acceptUpgrade, a raw TCP client that speaks hand-built frames, and a tiny frame reader.

import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { acceptUpgrade } from '../../lib/websocket/handshake.js';
import { resolveWebSocketOptions, type WebSocketOptions } from '../../lib/websocket/options.js';
import { TopicRegistry } from '../../lib/websocket/topics.js';
import type { WebSocket } from '../../lib/websocket/websocket.js';

export interface TestServer {
  port: number;
  server: http.Server;
  topics: TopicRegistry;
  sockets: WebSocket[];
  /** Resolves with the next server-side WebSocket. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

/** Starts a server; `onSocket` runs for each accepted WebSocket (default: echo). */
export async function startServer(
  options: WebSocketOptions = {},
  onSocket: (ws: WebSocket, req: http.IncomingMessage) => void = echo,
): Promise<TestServer> {
  const resolved = resolveWebSocketOptions(options);
  const topics = new TopicRegistry();
  const sockets: WebSocket[] = [];
  const waiting: ((ws: WebSocket) => void)[] = [];
  const server = http.createServer((req, res) => {
    res.end('plain http');
  });
  const upgraded = new Set<net.Socket>();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    upgraded.add(socket);
    const ws = acceptUpgrade(req, socket, head, resolved, topics);
    if (ws === undefined) return;
    sockets.push(ws);
    onSocket(ws, req);
    waiting.shift()?.(ws);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    server,
    topics,
    sockets,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const ws of sockets) ws.terminate();
      // Upgraded sockets are no longer tracked by the http server: destroy them here.
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function echo(ws: WebSocket): void {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
}

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

export function handshakeRequest(path = '/', extra = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/** A frame as the server sent it. */
export interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** A raw TCP WebSocket client: collects the HTTP response, then parses frames. */
export class RawClient {
  readonly socket: net.Socket;
  response = '';
  readonly frames: Frame[] = [];
  ended = false;
  closed = false;
  private buffer = Buffer.alloc(0);
  private inHttp = true;
  private waiters: (() => void)[] = [];

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, request: string | Buffer = handshakeRequest()): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const client = new RawClient(socket);
    socket.write(request);
    await client.until(() => !client.inHttp || client.closed, 'handshake response');
    return client;
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.inHttp) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.response = this.buffer.subarray(0, end + 4).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      this.inHttp = false;
      if (!this.response.startsWith('HTTP/1.1 101')) {
        this.response += this.buffer.toString('latin1');
        this.buffer = Buffer.alloc(0);
        this.wake();
        return;
      }
    }
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      let len = b[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b[1] & 0x80) !== 0;
      if (masked) offset += 4;
      if (b.length < offset + len) break;
      this.frames.push({ fin: (b[0] & 0x80) !== 0, rsv: b[0] & 0x70, opcode: b[0] & 0x0f, masked, payload: Buffer.from(b.subarray(offset, offset + len)) });
      this.buffer = b.subarray(offset + len);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `test()` holds (re-checked on every event), failing after `ms`. */
  async until(test: () => boolean, what: string, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the next frame of `opcode` (any when omitted) after `from` frames. */
  async frame(opcode?: number, ms = 3000): Promise<Frame> {
    let found: Frame | undefined;
    await this.until(() => {
      found = this.frames.find((f) => opcode === undefined || f.opcode === opcode);
      return found !== undefined;
    }, `a frame with opcode ${String(opcode)}`, ms);
    this.frames.splice(this.frames.indexOf(found as Frame), 1);
    return found as Frame;
  }

  /** Waits for the server's Close frame and returns its code (1005 when empty) and reason. */
  async closeFrame(ms = 3000): Promise<{ code: number; reason: string }> {
    const f = await this.frame(0x8, ms);
    if (f.payload.length < 2) return { code: 1005, reason: '' };
    return { code: f.payload.readUInt16BE(0), reason: f.payload.toString('utf8', 2) };
  }

  /** Waits for the server to end the TCP connection. */
  async waitEnd(ms = 3000): Promise<void> {
    await this.until(() => this.ended || this.closed, 'the server to end the connection', ms);
  }

  send(bytes: Buffer | Buffer[]): void {
    this.socket.write(Array.isArray(bytes) ? Buffer.concat(bytes) : bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  mask?: boolean;
  /** Force the 16- or 64-bit length form. */
  lengthForm?: 7 | 16 | 64;
  key?: number;
}

/** Builds a client frame (masked unless `mask: false`). */
export function frame(opcode: number, payload: Buffer | string = Buffer.alloc(0), spec: FrameSpec = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = spec.mask !== false;
  const form = spec.lengthForm ?? (data.length < 126 ? 7 : data.length < 65536 ? 16 : 64);
  const head: number[] = [((spec.fin === false ? 0 : 1) << 7) | (spec.rsv ?? 0) | opcode];
  const m = mask ? 0x80 : 0;
  if (form === 7) head.push(m | data.length);
  else if (form === 16) head.push(m | 126, data.length >> 8, data.length & 0xff);
  else {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(data.length));
    head.push(m | 127, ...b);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), data]);
  const key = Buffer.alloc(4);
  key.writeUInt32BE(spec.key ?? 0x37fa213d);
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** A close frame from the client with `code` and `reason` (or raw `body`). */
export function closeFrame(code?: number, reason = ''): Buffer {
  if (code === undefined) return frame(0x8);
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code);
  body.write(reason, 2);
  return frame(0x8, body);
}

/** Resolves with the value `promise` resolves to, or rejects after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    }),
  ]);
}
