// compression(options): compresses responses with br, gzip or deflate as the client prefers
// (Accept-Encoding, RFC 9110 §12.5.3), above a size threshold, for compressible types. Skips
// HEAD, 1xx/204/304, already-encoded and Cache-Control: no-transform (RFC 9111 §5.2.2.6)
// responses; always Vary: Accept-Encoding when the type qualifies. Streams with backpressure.

import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import { describe } from '../http/describe.js';
import { parseBytes } from './bytes.js';
import { negotiateEncoding } from './accept-encoding.js';
import { mediaTypeParser } from './media-type.js';
import { appendVary } from './vary.js';

export interface CompressionOptions {
  /** Responses with a known length below this are sent as they are. Default 1 KiB. */
  threshold?: number | string;
  /** Decides whether a response is worth compressing; default: by Content-Type. */
  filter?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** zlib level for gzip and deflate, -1 (default) to 9. */
  level?: number;
  /** Brotli quality 0..11; default 4 (11, zlib's default, is far too slow for live responses). */
  brotliQuality?: number;
  /** Codings offered, in server preference order for equal q-values. Default ['br', 'gzip', 'deflate']. */
  encodings?: readonly ('br' | 'gzip' | 'deflate')[];
}

export type CompressionMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => unknown;

/** A response compression() may stream through zlib; flush() pushes out what zlib holds (for SSE). */
export interface FlushableResponse extends ServerResponse {
  flush(): void;
}

// Nearly every response of an app carries one of a few Content-Types: the last one parsed is kept.
const parseResponseType = mediaTypeParser();

/** The default filter: text, JSON, XML, JavaScript, SVG and a few other compressible types. */
export function isCompressible(req: IncomingMessage, res: ServerResponse): boolean {
  void req;
  const header = res.getHeader('Content-Type');
  const media = parseResponseType(typeof header === 'string' ? header : undefined);
  if (media === undefined) return false;
  if (media.type === 'text') return true;
  const sub = media.subtype;
  return (
    sub === 'json' || sub === 'xml' || sub === 'javascript' || sub === 'x-javascript' || sub === 'ecmascript' ||
    sub.endsWith('+json') || sub.endsWith('+xml') || sub === 'wasm' || sub === 'x-www-form-urlencoded' ||
    sub === 'vnd.ms-fontobject' || sub === 'x-font-ttf' || (media.type === 'font' && (sub === 'ttf' || sub === 'otf'))
  );
}

function hasNoTransform(value: unknown): boolean {
  if (value === undefined) return false;
  const s = (Array.isArray(value) ? value.join(',') : String(value)).toLowerCase();
  let start = 0;
  while (start < s.length) {
    let end = s.indexOf(',', start);
    if (end === -1) end = s.length;
    if (s.slice(start, end).trim() === 'no-transform') return true;
    start = end + 1;
  }
  return false;
}

interface Settings {
  threshold: number;
  filter: (req: IncomingMessage, res: ServerResponse) => boolean;
  level: number;
  brotliQuality: number;
  encodings: readonly string[];
}

type Write = ServerResponse['write'];
type End = ServerResponse['end'];
type WriteHead = ServerResponse['writeHead'];
type Callback = (err?: Error | null) => void;

/**
 * One per compressed-candidate response. It replaces the response's write/end/writeHead with its
 * own (instance properties, so the shared prototype stays untouched and monomorphic) and decides
 * on compression when the headers are about to go out.
 */
class Compressor {
  stream: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress | undefined = undefined;
  decided = false;
  pendingLength = -1;
  endCallback: Callback | undefined = undefined;
  readonly write: Write;
  readonly end: End;
  readonly writeHead: WriteHead;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly settings: Settings,
    readonly originalWrite: Write,
    readonly originalEnd: End,
    readonly originalWriteHead: WriteHead,
  ) {
    // Bound once per response; these become the response's own methods.
    this.write = this.onWrite.bind(this) as Write;
    this.end = this.onEnd.bind(this) as End;
    this.writeHead = this.onWriteHead.bind(this) as WriteHead;
  }

  onWriteHead(statusCode: number, ...rest: unknown[]): ServerResponse {
    const res = this.res;
    if (!this.decided) {
      // Apply what writeHead was given first, so the decision sees the final status and headers.
      res.statusCode = statusCode;
      if (typeof rest[0] === 'string') res.statusMessage = rest.shift() as string;
      const headers = rest[0];
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1] as string);
      } else if (headers !== null && typeof headers === 'object') {
        for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders)) if (v !== undefined) res.setHeader(k, v);
      }
      this.decide();
      return (this.originalWriteHead as (...a: unknown[]) => ServerResponse).call(res, res.statusCode, res.statusMessage);
    }
    return (this.originalWriteHead as (...a: unknown[]) => ServerResponse).call(res, statusCode, ...rest);
  }

  decide(): void {
    this.decided = true;
    const { req, res, settings } = this;
    const status = res.statusCode;
    // RFC 9110 §15.3.5, §15.4.5: 204 and 304 have no content to encode.
    if (status < 200 || status === 204 || status === 304 || req.method === 'HEAD') return;
    // A 206 part is a byte range of the identity representation (RFC 9233 §4.1); leave it alone.
    if (status === 206 || res.hasHeader('Content-Range')) return;
    const existing = res.getHeader('Content-Encoding');
    if (existing !== undefined && String(existing).toLowerCase() !== 'identity') return;
    if (!settings.filter(req, res)) return;
    appendVary(res, 'Accept-Encoding');
    // RFC 9111 §5.2.2.6: no-transform forbids intermediaries (and us) from changing the content.
    if (hasNoTransform(res.getHeader('Cache-Control'))) return;
    const declared = res.getHeader('Content-Length');
    const length = declared !== undefined ? Number(declared) : this.pendingLength;
    if (length >= 0 && length < settings.threshold) return;
    const coding = negotiateEncoding(req.headers['accept-encoding'], settings.encodings);
    if (coding === 'identity') return;
    res.setHeader('Content-Encoding', coding);
    res.removeHeader('Content-Length');
    // RFC 9110 §8.8.3: a strong ETag names exact bytes; the encoded bytes differ, so weaken it.
    const etag = res.getHeader('ETag');
    if (typeof etag === 'string' && etag.startsWith('"')) res.setHeader('ETag', 'W/' + etag);
    const stream =
      coding === 'br'
        ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: settings.brotliQuality } })
        : coding === 'gzip'
          ? zlib.createGzip({ level: settings.level })
          : zlib.createDeflate({ level: settings.level });
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => {
      // Backpressure: stop pulling from zlib while the socket is full.
      if (!(this.originalWrite as (c: Buffer) => boolean).call(res, chunk)) stream.pause();
    });
    res.on('drain', () => stream.resume());
    // Writers waiting on res 'drain' are waiting on zlib's buffer now.
    stream.on('drain', () => res.emit('drain'));
    stream.on('end', () => {
      (this.originalEnd as (cb?: Callback) => ServerResponse).call(res, this.endCallback);
    });
    stream.on('error', (err) => res.destroy(err));
    res.on('close', () => {
      if (!stream.destroyed) stream.destroy();
    });
  }

  onWrite(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!this.decided && !this.res.headersSent) this.decide();
    // After end(), let node's own write report the mistake as it always does.
    if (this.stream !== undefined && !this.stream.writableEnded) {
      if (typeof encoding === 'function') return this.stream.write(chunk, encoding as Callback);
      return this.stream.write(chunk, encoding as BufferEncoding, callback as Callback);
    }
    return (this.originalWrite as (...a: unknown[]) => boolean).call(this.res, chunk, encoding, callback);
  }

  onEnd(chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse {
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const res = this.res;
    if (!this.decided && !res.headersSent) {
      if (chunk === undefined || chunk === null) this.pendingLength = 0;
      else if (typeof chunk === 'string') this.pendingLength = Buffer.byteLength(chunk, (encoding as BufferEncoding) ?? 'utf8');
      else if (chunk instanceof Uint8Array) this.pendingLength = chunk.byteLength;
      this.decide();
    }
    const stream = this.stream;
    if (stream !== undefined) {
      if (stream.writableEnded) return res;
      this.endCallback = callback as Callback | undefined;
      // zlib flushes everything it holds when its input ends.
      if (chunk === undefined || chunk === null) stream.end();
      else stream.end(chunk, (encoding as BufferEncoding) ?? 'utf8');
      return res;
    }
    return (this.originalEnd as (...a: unknown[]) => ServerResponse).call(res, chunk, encoding, callback);
  }

  flush(): void {
    this.stream?.flush();
  }
}

function integerIn(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`option ${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** Creates the compression middleware. Invalid options throw a TypeError now. */
export function compression(options: CompressionOptions = {}): CompressionMiddleware {
  if (options === null || typeof options !== 'object') throw new TypeError('compression options must be an object');
  const filter = options.filter ?? isCompressible;
  if (typeof filter !== 'function') throw new TypeError('option filter must be a function');
  const encodings = options.encodings ?? ['br', 'gzip', 'deflate'];
  if (!Array.isArray(encodings) || encodings.length === 0 || !encodings.every((e) => e === 'br' || e === 'gzip' || e === 'deflate')) {
    throw new TypeError(`option encodings must list 'br', 'gzip' and/or 'deflate', got ${describe(encodings)}`);
  }
  const settings: Settings = {
    threshold: options.threshold === undefined ? 1024 : parseBytes(options.threshold, 'threshold'),
    filter,
    level: integerIn(options.level, 'level', -1, 9, zlib.constants.Z_DEFAULT_COMPRESSION),
    brotliQuality: integerIn(options.brotliQuality, 'brotliQuality', 0, 11, 4),
    encodings,
  };
  return function compressionMiddleware(req, res, next) {
    // HEAD responses carry no body; nothing to compress.
    if (req.method !== 'HEAD') {
      const c = new Compressor(req, res, settings, res.write, res.end, res.writeHead);
      res.write = c.write;
      res.end = c.end;
      res.writeHead = c.writeHead;
      (res as FlushableResponse).flush = c.flush.bind(c);
    }
    return next();
  };
}
