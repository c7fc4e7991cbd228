// Test harness for the Request/Response specs: a real node:http server on 127.0.0.1 built with
// Keel's classes and a tiny stand-in app (settings only), plus a raw-socket client.

import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Request } from '../../lib/http/request.js';
import { Response } from '../../lib/http/response.js';
import { compileTrust } from '../../lib/http/proxy.js';

export type Handler = (req: Request, res: Response) => unknown;

export interface TestServer {
  url: string;
  port: number;
  server: http.Server<typeof Request, typeof Response>;
  close(): Promise<void>;
}

/** Settings as the app will give them, overridden by `settings` ('trust proxy' is compiled). */
export function fakeApp(settings: Record<string, unknown> = {}): { get(name: string): unknown } {
  const values: Record<string, unknown> = {
    env: 'test',
    'subdomain offset': 2,
    'json spaces': undefined,
    'json replacer': undefined,
    'json escape': false,
    etag: 'weak',
    'query parameter limit': 1000,
    'x-powered-by': false,
    ...settings,
  };
  values['trust proxy fn'] = compileTrust(settings['trust proxy'] ?? false);
  return { get: (name: string) => values[name] };
}

/** Starts a server whose every request goes to `handler`; a thrown error becomes a 500 with its message. */
export async function serve(handler: Handler, settings: Record<string, unknown> = {}, options: http.ServerOptions = {}): Promise<TestServer> {
  const app = fakeApp(settings);
  const server = http.createServer({ ...options, IncomingMessage: Request, ServerResponse: Response }, (rawReq, rawRes) => {
    const req = rawReq as Request;
    const res = rawRes as Response;
    req.app = res.app = app;
    req.res = res;
    req.originalUrl = req.url ?? '/';
    try {
      const result = handler(req, res);
      if (result instanceof Promise) result.catch((err: unknown) => fail(res, err));
    } catch (err) {
      fail(res, err);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function fail(res: Response, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = err as { name?: string; message?: string; code?: string; status?: number };
  res.statusCode = typeof e.status === 'number' ? e.status : 500;
  res.setHeader('Content-Type', 'text/plain');
  res.end(`${e.name ?? 'Error'}|${e.code ?? ''}|${e.message ?? String(err)}`);
}

export interface RawResponse {
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as bytes and reads until the server closes (bounded by `timeoutMs`). */
export function rawRequest(port: number, request: string, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request timed out'));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const lines = head.split('\r\n');
      const headers: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) {
          const name = line.slice(0, colon).toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = name in headers ? headers[name] + ', ' + value : value;
        }
      }
      resolve({ status: Number(lines[0]?.split(' ')[1] ?? 0), head, headers, body: split === -1 ? '' : text.slice(split + 4) });
    });
    socket.write(request);
  });
}

/** fetch() with a time bound; does not follow redirects. */
export function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<globalThis.Response> {
  return fetch(url, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
}

/** Serves one request with `handler` and returns what the client got (status and body text). */
export async function once(handler: Handler, settings: Record<string, unknown> = {}): Promise<{ status: number; text: string }> {
  const s = await serve(handler, settings);
  try {
    const res = await get(s.url);
    return { status: res.status, text: await res.text() };
  } finally {
    await s.close();
  }
}
