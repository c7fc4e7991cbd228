// inject(): runs one request through a request listener in-process, with no TCP socket. Node's own
// HTTP parser and serializer run on both ends of an in-memory stream pair, and the server side uses
// Keel's Request/Response classes, so middleware sees exactly what it would see over the network.

import { Buffer } from 'node:buffer';
import http from 'node:http';
import { Duplex } from 'node:stream';
import { Request } from './http/request.js';
import { Response } from './http/response.js';

export interface InjectRequest {
  /** Default 'GET'. */
  method?: string;
  /** Path and query, e.g. '/users/1?full=1'. */
  url: string;
  headers?: http.OutgoingHttpHeaders;
  /** A string or Buffer is sent as is; any other object as JSON (with Content-Type application/json). */
  body?: string | Buffer | object;
  /** The client address the server sees (default '127.0.0.1'). */
  remoteAddress?: string;
  /**
   * Milliseconds to wait for the whole response (default 30,000): a listener that never answers
   * rejects the promise (code KEEL_INJECT_TIMEOUT) instead of leaving it pending. 0 waits forever.
   */
  timeout?: number;
}

/** How long inject() waits for a response unless told otherwise. */
export const DEFAULT_INJECT_TIMEOUT = 30_000;
/** The longest delay node's timers take (about 24.8 days). */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** What inject() can drive: an app, or any node request listener (it receives Keel's classes). */
export type InjectListener = (req: Request, res: Response) => unknown;

export interface InjectResponse {
  status: number;
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  body: string;
  rawBody: Buffer;
  /** Parses the body as JSON. */
  json<T = unknown>(): T;
}

/** One end of an in-memory connection: what one side writes, the other side reads. */
class MemorySocket extends Duplex {
  peer: MemorySocket | undefined = undefined;
  remoteAddress: string;
  remotePort = 0;
  remoteFamily: string;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly encrypted = false;

  constructor(remoteAddress: string) {
    super({ allowHalfOpen: true });
    this.remoteAddress = remoteAddress;
    this.remoteFamily = remoteAddress.includes(':') ? 'IPv6' : 'IPv4';
  }
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.peer?.push(chunk);
    callback();
  }
  override _final(callback: (err?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }
  override _destroy(err: Error | null, callback: (err: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer !== undefined && !peer.destroyed) peer.destroy();
    callback(err);
  }
  // What node:http calls on a net.Socket; nothing to do in memory.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: 0 };
  }
}

// One never-listening server per listener: node builds its parser state per connection anyway.
type KeelServer = http.Server<typeof Request, typeof Response>;
const servers = new WeakMap<InjectListener, KeelServer>();

function serverFor(listener: InjectListener): KeelServer {
  let server = servers.get(listener);
  if (server === undefined) {
    server = new http.Server<typeof Request, typeof Response>(
      { IncomingMessage: Request, ServerResponse: Response },
      // Called through a wrapper, so any callable listener works (EventEmitter needs `.apply`)
      // and a synchronous throw cannot escape into a stream event.
      (req, res) => {
        try {
          listener(req as Request, res);
        } catch (err) {
          // A plain listener that throws would otherwise crash the process from a stream event.
          if (res.headersSent) res.destroy(err as Error);
          else {
            res.statusCode = 500;
            res.end();
          }
        }
      },
    );
    servers.set(listener, server);
  }
  return server;
}

/** Sends `request` to `listener` through node's HTTP machinery in memory and collects the response. */
export async function inject(listener: InjectListener, request: InjectRequest): Promise<InjectResponse> {
  if (request === null || typeof request !== 'object' || typeof request.url !== 'string') {
    throw new TypeError('inject(listener, request): request.url must be a string');
  }
  const timeout = request.timeout ?? DEFAULT_INJECT_TIMEOUT;
  // setTimeout() fires at once for delays past 2^31 - 1 ms: a larger limit would be no limit at all.
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMER_DELAY) {
    throw new TypeError(`inject(listener, request): request.timeout must be an integer from 0 to ${MAX_TIMER_DELAY} (ms), got ${String(timeout)}`);
  }
  const headers: http.OutgoingHttpHeaders = Object.create(null) as http.OutgoingHttpHeaders;
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload: Buffer | undefined;
  const body = request.body;
  if (typeof body === 'string') payload = Buffer.from(body);
  else if (Buffer.isBuffer(body)) payload = body;
  else if (body !== undefined && body !== null) {
    payload = Buffer.from(JSON.stringify(body));
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  }
  if (payload !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = payload.length;
  }

  const serverSide = new MemorySocket(request.remoteAddress ?? '127.0.0.1');
  const clientSide = new MemorySocket('127.0.0.1');
  serverSide.peer = clientSide;
  clientSide.peer = serverSide;
  serverFor(listener).emit('connection', serverSide);

  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<InjectResponse>((resolve, reject) => {
      if (timeout !== 0) {
        timer = setTimeout(() => {
          const err = new Error(`inject(): no complete response to ${request.method ?? 'GET'} ${request.url} within ${timeout} ms`);
          (err as Error & { code: string }).code = 'KEEL_INJECT_TIMEOUT';
          reject(err);
        }, timeout);
      }
      const req = http.request(
        { method: request.method ?? 'GET', path: request.url, headers, createConnection: () => clientSide as never },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const rawBody = Buffer.concat(chunks);
            const text = rawBody.toString('utf8');
            const status = res.statusCode ?? 0;
            resolve({
              status,
              statusCode: status,
              headers: res.headers,
              body: text,
              rawBody,
              json<T = unknown>(): T {
                return JSON.parse(text) as T;
              },
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  } finally {
    clearTimeout(timer);
    clientSide.destroy();
    serverSide.destroy();
  }
}
