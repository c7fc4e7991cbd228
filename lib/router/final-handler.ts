// The last stop of every request nobody answered: a 404 `Cannot GET /path`, an automatic OPTIONS
// answer with `Allow`, or — for an error — the one place that turns an error into a response
// (status from err.status/err.statusCode, message only when safe, stack only outside production).

import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import { escapeHtml } from '../http/escape.js';
import { statusOf } from '../http/errors.js';
import { pathOf } from './url.js';

function page(title: string, body: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<title>${title}</title>\n</head>\n<body>\n<pre>${body}</pre>\n</body>\n</html>\n`
  );
}

const CONTENT_HEADERS = [
  'content-encoding',
  'content-language',
  'content-range',
  'content-disposition',
  'content-location',
  'etag',
  'last-modified',
];

function send(req: Request, res: Response, status: number, body: string, headers?: Record<string, string>): void {
  // Headers that describe the content middleware meant to send must not describe the error
  // page; the rest (CORS, Vary, Set-Cookie, Cache-Control) stay, as with Express's finalhandler.
  for (const name of CONTENT_HEADERS) res.removeHeader(name);
  res.statusCode = status;
  res.statusMessage = http.STATUS_CODES[status] ?? 'Error';
  if (headers !== undefined) for (const k in headers) res.setHeader(k, headers[k]!);
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** No handler answered and no error: 404, or the automatic OPTIONS answer. */
export function notFound(req: Request, res: Response): void {
  if (res.headersSent) return;
  const allowed = (req as { allowedMethods?: string[] }).allowedMethods;
  if (req.method === 'OPTIONS' && allowed !== undefined && allowed.length !== 0) {
    const allow = [...new Set(allowed)].sort().join(', ');
    for (const name of CONTENT_HEADERS) res.removeHeader(name);
    res.statusCode = 200;
    res.setHeader('Allow', allow);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(allow));
    res.end(allow);
    return;
  }
  const target = pathOf(req.originalUrl || req.url || '/');
  send(req, res, 404, page('Error', `Cannot ${escapeHtml(req.method ?? 'GET')} ${escapeHtml(target)}`));
}

/** Whether an error's message may be shown to the client. */
function exposable(err: unknown, status: number): boolean {
  const expose = (err as { expose?: unknown } | null)?.expose;
  return typeof expose === 'boolean' ? expose : status < 500;
}

/**
 * An error reached the end of the stack. Logged to stderr when it is the server's fault (5xx) or
 * when nothing can be sent any more; answered unless the response already started, in which case
 * the connection is destroyed (after the response ends, if it already did) so the client cannot
 * mistake a truncated answer for a whole one.
 */
export function errorResponse(err: unknown, req: Request, res: Response, env: unknown): void {
  const status = statusOf(err) ?? 500;
  if (status >= 500 || res.headersSent) console.error(err);
  if (res.headersSent) {
    const socket = req.socket;
    if (res.writableFinished) socket.destroy();
    else if (res.writableEnded) res.once('finish', () => socket.destroy());
    else socket.destroy();
    return;
  }
  const e = err as { message?: unknown; stack?: unknown; headers?: unknown } | null;
  let text: string;
  if (env !== 'production' && typeof e?.stack === 'string') text = e.stack;
  else if (exposable(err, status) && typeof e?.message === 'string' && e.message !== '') text = e.message;
  else text = http.STATUS_CODES[status] ?? 'Error';
  const headers = e !== null && typeof e?.headers === 'object' ? (e.headers as Record<string, string>) : undefined;
  send(req, res, status, page('Error', escapeHtml(text)), status < 500 ? headers : undefined);
}
