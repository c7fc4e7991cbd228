// Test harness for middleware specs: a real node:http server built with Keel's Request/Response
// classes, a tiny `next` chain and an error handler that answers with err.status, plus raw-socket
// helpers. The same listener is handed to inject() so a table of cases can run both ways.

import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Request } from '../../lib/http/request.js';
import { Response } from '../../lib/http/response.js';
import { statusOf } from '../../lib/http/errors.js';

export type Middleware = (req: Request, res: Response, next: (err?: unknown) => unknown) => unknown;

export interface TestServer {
  url: string;
  port: number;
  server: http.Server<typeof Request, typeof Response>;
  listener: (req: Request, res: Response) => void;
  errors: unknown[];
  close(): Promise<void>;
}

/** Answers with the parsed body as JSON: { body, type } where Buffers become { base64 }. */
export function echoBody(req: Request, res: Response): void {
  const body = req.body;
  const out =
    body === undefined
      ? { type: 'undefined' }
      : Buffer.isBuffer(body)
        ? { type: 'buffer', base64: body.toString('base64') }
        : { type: typeof body, body, proto: body !== null && typeof body === 'object' ? Object.getPrototypeOf(body) === null ? 'null' : 'object' : 'none' };
  const text = JSON.stringify(out);
  res.setHeader('Content-Type', 'application/json');
  res.end(text);
}

/** Builds a request listener running `handlers` in order, then `final`, with a default error handler. */
export function chain(handlers: Middleware[], final: Middleware = echoBody, errors: unknown[] = []): (req: Request, res: Response) => void {
  return (req, res) => {
    const onError = (err: unknown): void => {
      errors.push(err);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = statusOf(err) ?? 500;
      const e = err as { message?: string; expose?: boolean; code?: string; headers?: Record<string, string> };
      if (e.headers) for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ error: e.expose ? e.message : 'Internal Server Error', code: e.code }));
    };
    const run = async (i: number, err?: unknown): Promise<void> => {
      if (err !== undefined) return onError(err);
      const h = i < handlers.length ? handlers[i]! : final;
      if (i > handlers.length) {
        res.statusCode = 404;
        res.end('not found');
        return;
      }
      try {
        await h(req, res, (e?: unknown) => run(i + 1, e));
      } catch (e) {
        onError(e);
      }
    };
    void run(0);
  };
}

export async function serve(handlers: Middleware[], final?: Middleware): Promise<TestServer> {
  const errors: unknown[] = [];
  const listener = chain(handlers, final, errors);
  const server = http.createServer<typeof Request, typeof Response>({ IncomingMessage: Request, ServerResponse: Response }, listener as unknown as http.RequestListener<typeof Request, typeof Response>);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    listener,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResult {
  text: string;
  status: number;
  closed: boolean;
}

/**
 * Writes `parts` to a raw socket (each part after `gapMs`) and collects what comes back until the
 * server closes the connection or `timeoutMs` passes.
 */
export function rawRequest(port: number, parts: (string | Buffer)[], timeoutMs = 3000, gapMs = 0): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(text.slice(9, 12)) || 0;
      resolve({ text, status, closed });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** A chunked-encoding body of `count` chunks of `size` bytes, with the final 0-chunk. */
export function chunked(size: number, count: number, fill = 'a'): string {
  const chunk = fill.repeat(size);
  let out = '';
  for (let i = 0; i < count; i++) out += size.toString(16) + '\r\n' + chunk + '\r\n';
  return out + '0\r\n\r\n';
}

/** The JSON body of a fetch response, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
export function jsonOf(r: globalThis.Response): Promise<Loose> {
  return r.json() as Promise<Loose>;
}
