// logger(format, { stream }): one line per request, written when the response finishes or the
// client goes away first. Formats: 'dev' (colored status), 'combined' and 'common' (Apache/NCSA),
// 'tiny', or your own function of the request's tokens.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe } from '../http/describe.js';

/** Everything a log line can use, computed once when the request ends. */
export interface LogTokens {
  method: string;
  /** originalUrl when a router set it, else url. */
  url: string;
  /** The status sent, or undefined when the client left before the headers went out. */
  status: number | undefined;
  /** Milliseconds from the middleware call to the end, with three decimals. */
  responseTime: number;
  /** The Content-Length header of the response, if any. */
  contentLength: string | undefined;
  remoteAddress: string | undefined;
  httpVersion: string;
  referrer: string | undefined;
  userAgent: string | undefined;
  /** The request's start, as a Date. */
  date: Date;
  /** True when the client went away before the response finished. */
  aborted: boolean;
  req: IncomingMessage;
  res: ServerResponse;
}

export type LogFormat = 'dev' | 'combined' | 'common' | 'tiny' | ((tokens: LogTokens) => string | undefined | null);

export interface LoggerOptions {
  /** Where lines go (default process.stdout); each line ends with '\n'. */
  stream?: { write(line: string): unknown };
  /** Return true to skip logging a request. */
  skip?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export type LoggerMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => unknown;

/**
 * Replaces control characters and '"' in client-supplied values, so a line cannot be split or
 * carry terminal escape sequences (log injection).
 */
export function sanitize(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22) {
      out += value.slice(from, i) + (c === 0x22 ? '\\"' : '\\x' + c.toString(16).padStart(2, '0'));
      from = i + 1;
    }
  }
  return from === 0 ? value : out + value.slice(from);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Common Log Format date: 10/Oct/2000:13:55:36 +0000 (always UTC). */
export function clfDate(d: Date): string {
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

function common(t: LogTokens): string {
  return `${sanitize(t.remoteAddress)} - - [${clfDate(t.date)}] "${t.method} ${sanitize(t.url)} HTTP/${t.httpVersion}" ${t.status ?? '-'} ${t.contentLength ?? '-'}`;
}

function combined(t: LogTokens): string {
  return `${common(t)} "${sanitize(t.referrer)}" "${sanitize(t.userAgent)}"`;
}

function tiny(t: LogTokens): string {
  return `${t.method} ${sanitize(t.url)} ${t.status ?? '-'} ${t.contentLength ?? '-'} - ${t.responseTime.toFixed(3)} ms`;
}

function dev(t: LogTokens): string {
  const s = t.status;
  // red 5xx, yellow 4xx, cyan 3xx, green 2xx, no color otherwise
  const color = s === undefined ? 0 : s >= 500 ? 31 : s >= 400 ? 33 : s >= 300 ? 36 : s >= 200 ? 32 : 0;
  const status = color === 0 ? String(s ?? '-') : `\x1b[${color}m${s}\x1b[0m`;
  const aborted = t.aborted ? ' (aborted)' : '';
  return `${t.method} ${sanitize(t.url)} ${status} ${t.responseTime.toFixed(3)} ms - ${t.contentLength ?? '-'}${aborted}`;
}

const FORMATS = { dev, combined, common, tiny } as const;

/** Creates the logger. An unknown format or a stream without write() is a TypeError now. */
export function logger(format: LogFormat = 'dev', options: LoggerOptions = {}): LoggerMiddleware {
  const formatLine = typeof format === 'function' ? format : (FORMATS as Record<string, (t: LogTokens) => string>)[format];
  if (typeof formatLine !== 'function') throw new TypeError(`logger format must be 'dev', 'combined', 'common', 'tiny' or a function, got ${describe(format)}`);
  const stream = options.stream ?? process.stdout;
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
    throw new TypeError('option stream must have a write(line) method');
  }
  const skip = options.skip;
  if (skip !== undefined && typeof skip !== 'function') throw new TypeError('option skip must be a function');

  return function loggerMiddleware(req, res, next) {
    const start = process.hrtime.bigint();
    const date = new Date();
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      res.removeListener('finish', log);
      res.removeListener('close', log);
      if (skip !== undefined && skip(req, res)) return;
      const length = res.getHeader('Content-Length');
      const tokens: LogTokens = {
        method: req.method ?? '-',
        url: (req as IncomingMessage & { originalUrl?: string }).originalUrl || req.url || '-',
        status: res.headersSent ? res.statusCode : undefined,
        responseTime: Number(process.hrtime.bigint() - start) / 1e6,
        contentLength: length === undefined ? undefined : String(length),
        remoteAddress: req.socket?.remoteAddress,
        httpVersion: req.httpVersion,
        referrer: (req.headers.referer ?? req.headers.referrer) as string | undefined,
        userAgent: req.headers['user-agent'],
        date,
        aborted: !res.writableFinished,
        req,
        res,
      };
      let line: string | undefined | null;
      try {
        line = formatLine(tokens);
      } catch {
        line = undefined; // a broken custom format must not break the response
      }
      if (line !== undefined && line !== null) stream.write(line + '\n');
    };
    // 'finish': the response was handed to the OS; 'close' alone: the client went away first.
    res.on('finish', log);
    res.on('close', log);
    return next();
  };
}
