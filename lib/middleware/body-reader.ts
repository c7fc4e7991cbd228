// Reads a request body into one Buffer with a byte limit, inflating gzip/deflate/br bodies
// (RFC 9110 §8.4 Content-Encoding). The limit counts the bytes actually received and, for encoded
// bodies, the inflated bytes too: a chunked body or a zip bomb stops at the limit with a 413.

import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { HttpError } from '../http/errors.js';

export interface ReadBodyOptions {
  /** Maximum bytes, counted both on the wire and after inflation. */
  limit: number;
  /** Whether gzip, deflate and br bodies are inflated (otherwise they are refused with 415). */
  inflate: boolean;
}

const READ = Symbol('keel.bodyRead');

/** True when a body parser already consumed this request's body (a body is never read twice). */
export function bodyWasRead(req: IncomingMessage): boolean {
  return (req as unknown as Record<symbol, unknown>)[READ] === true || req.readableEnded;
}

/** True when the request announces a body: Transfer-Encoding or Content-Length (RFC 9112 §6.3). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

// Connection: close on a 413 makes node close the socket after answering instead of draining
// (reading and discarding) the rest of a huge body.
const CLOSE = { Connection: 'close' };

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `request entity too large (limit ${limit} bytes)`, {
    code: 'KEEL_BODY_TOO_LARGE',
    headers: CLOSE,
  });
}

function createInflater(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads the whole body. Rejects with HttpError 413 (too large), 415 (unsupported encoding),
 * 400 (corrupt encoding, aborted). Every listener is removed when the promise settles; on a
 * rejection the request is left paused and unpiped, so nothing stays pending.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  (req as unknown as Record<symbol, unknown>)[READ] = true;
  const limit = options.limit;
  const encodingHeader = req.headers['content-encoding'];
  const encoding = encodingHeader === undefined ? 'identity' : encodingHeader.trim().toLowerCase();
  let inflater: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
  if (encoding !== 'identity' && encoding !== '') {
    if (!options.inflate) {
      return Promise.reject(
        new HttpError(415, `content encoding unsupported: ${safeToken(encoding)}`, {
          code: 'KEEL_BODY_UNSUPPORTED_ENCODING',
          headers: CLOSE,
        }),
      );
    }
    inflater = createInflater(encoding);
    if (inflater === undefined) {
      return Promise.reject(
        new HttpError(415, `content encoding unsupported: ${safeToken(encoding)}`, {
          code: 'KEEL_BODY_UNSUPPORTED_ENCODING',
          headers: CLOSE,
        }),
      );
    }
  }
  // A declared length past the limit is refused at once, before reading a byte.
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0; // bytes from the socket
    let decoded = 0; // bytes after inflation (equals received without an encoding)
    let done = false;

    const cleanup = (): void => {
      done = true;
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onClose);
      if (inflater !== undefined) {
        inflater.removeListener('data', onDecoded);
        inflater.removeListener('end', onDecodedEnd);
        inflater.removeListener('error', onInflateError);
        // Keep a no-op listener: zlib may still report an error after destroy().
        inflater.on('error', noop);
        inflater.destroy();
      }
    };
    const fail = (err: HttpError): void => {
      if (done) return;
      cleanup();
      req.pause();
      chunks.length = 0;
      reject(err);
    };
    const onDecoded = (chunk: Buffer): void => {
      decoded += chunk.length;
      if (decoded > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    const onDecodedEnd = (): void => {
      if (done) return;
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded));
    };
    const onInflateError = (): void => {
      fail(new HttpError(400, `invalid ${encoding} body`, { code: 'KEEL_BODY_INVALID_ENCODING', headers: CLOSE }));
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) return fail(tooLarge(limit));
      if (inflater === undefined) onDecoded(chunk);
      // Backpressure: pause the socket while the inflater is busy.
      else if (!inflater.write(chunk)) {
        req.pause();
        inflater.once('drain', resume);
      }
    };
    const resume = (): void => {
      if (!done) req.resume();
    };
    const onEnd = (): void => {
      if (inflater === undefined) onDecodedEnd();
      else inflater.end();
    };
    const onError = (): void => {
      fail(new HttpError(400, 'request aborted', { code: 'KEEL_BODY_ABORTED' }));
    };
    const onClose = (): void => {
      // 'close' before 'end': the client went away mid-body.
      if (!req.complete) onError();
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    if (inflater !== undefined) {
      inflater.on('data', onDecoded);
      inflater.on('end', onDecodedEnd);
      inflater.on('error', onInflateError);
    }
    if (req.isPaused()) req.resume();
  });
}

function noop(): void {}

/** Keeps a client-supplied token printable and short before it goes into an error message. */
function safeToken(s: string): string {
  let out = '';
  for (let i = 0; i < s.length && i < 32; i++) {
    const c = s.charCodeAt(i);
    out += c > 32 && c < 127 && c !== 60 && c !== 62 && c !== 38 ? s[i] : '?';
  }
  return out;
}
