// Reads a request body into one Buffer with a byte limit, inflating gzip/deflate/br bodies
// (RFC 9110 §8.4 Content-Encoding). The limit counts the bytes actually received and, for encoded
// bodies, the inflated bytes too: a chunked body or a zip bomb stops at the limit with a 413.

import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { HttpError } from '../http/errors.js';

export interface ReadBodyOptions {
  /** Maximum bytes, counted both on the wire and after inflation. */
  limit: number;
  /** Whether gzip, deflate and br bodies are inflated (otherwise they are refused with 415). */
  inflate: boolean;
}

/** True when a body parser already consumed this request's body (a body is never read twice). */
export function bodyWasRead(req: IncomingMessage): boolean {
  // `_body` is the flag Express's body-parser sets: a body it read is not read again here.
  return (req as IncomingMessage & { _body?: unknown })._body === true || req.readableEnded;
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

function aborted(): HttpError {
  return new HttpError(400, 'request aborted', { code: 'KEEL_BODY_ABORTED' });
}

function unsupportedEncoding(encoding: string): HttpError {
  return new HttpError(415, `content encoding unsupported: ${safeToken(encoding)}`, {
    code: 'KEEL_BODY_UNSUPPORTED_ENCODING',
    headers: CLOSE,
  });
}

type Inflater = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

// RFC 9110 §8.4.1: the content codings a body may carry here, and what undoes each. A Map, since
// the key comes from the client ('__proto__' finds nothing here).
const INFLATERS = new Map<string, () => Inflater>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  ['deflate', () => zlib.createInflate()],
  ['br', () => zlib.createBrotliDecompress()],
]);

/** Receives the whole body, or the HttpError that ended the reading. Called exactly once. */
export type BodyCallback = (err: HttpError | undefined, body: Buffer | undefined) => void;

const EMPTY = Buffer.alloc(0);

/**
 * Reads the whole body, then calls `done` once: with the body, or with HttpError 413 (too large),
 * 415 (unsupported encoding), 400 (corrupt encoding, aborted). The request is marked as read
 * (`_body`) first. On an error the request is left paused and nothing more is collected, so
 * nothing stays pending. A callback, not a Promise: the body parsers make the one Promise a
 * request needs themselves, and a body read is on the path of every POST.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions, done: BodyCallback): void {
  (req as IncomingMessage & { _body: boolean })._body = true;
  const limit = options.limit;
  const encodingHeader = req.headers['content-encoding'];
  const encoding = encodingHeader === undefined ? 'identity' : encodingHeader.trim().toLowerCase();
  const plain = encoding === 'identity' || encoding === '';
  const createInflater = plain || !options.inflate ? undefined : INFLATERS.get(encoding);
  if (!plain && createInflater === undefined) return done(unsupportedEncoding(encoding), undefined);
  // A declared length past the limit is refused at once, before reading a byte.
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return done(tooLarge(limit), undefined);
  if (createInflater === undefined) readPlain(req, limit, done);
  else readEncoded(req, limit, encoding, createInflater(), done);
}

/**
 * An unencoded body: the chunks as they arrive, counted against the limit. Once the body is
 * complete its listeners stay on the request (inert, and the request is done with): removing them
 * cost more than the rest of the reading on a small body. Until then, 'close' before 'end' means
 * the client went away (see listen()).
 */
function readPlain(req: IncomingMessage, limit: number, done: BodyCallback): void {
  let first: Buffer | undefined; // most bodies arrive in one chunk: no array for them
  let chunks: Buffer[] | undefined;
  let received = 0;
  let settled = false;

  const fail = (err: HttpError): void => {
    if (settled) return;
    settled = true;
    unlisten(req, onData, onEnd, onClose);
    req.pause();
    first = chunks = undefined;
    done(err, undefined);
  };
  const onData = (chunk: Buffer): void => {
    if (settled) return;
    received += chunk.length;
    if (received > limit) return fail(tooLarge(limit));
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  };
  const onEnd = (): void => {
    if (settled) return;
    settled = true;
    const body = chunks !== undefined ? Buffer.concat(chunks, received) : first ?? EMPTY;
    first = chunks = undefined;
    done(undefined, body);
  };
  // 'close' before 'end': the client went away mid-body. (Every request emits 'close' once done;
  // after 'end', `settled` is set and no error is made.)
  const onClose = (): void => {
    if (!settled) fail(aborted());
  };

  listen(req, onData, onEnd, onClose);
}

/** A gzip, deflate or br body: the limit counts the bytes received and the bytes inflated. */
function readEncoded(
  req: IncomingMessage,
  limit: number,
  encoding: string,
  inflater: Inflater,
  done: BodyCallback,
): void {
  const chunks: Buffer[] = [];
  let received = 0; // bytes from the socket
  let decoded = 0; // bytes after inflation
  let ended = false; // the request's 'end' came (the inflater may still be working)
  let settled = false;

  const cleanup = (): void => {
    settled = true;
    unlisten(req, onData, onEnd, onClose);
    inflater.removeListener('data', onDecoded);
    inflater.removeListener('end', onDecodedEnd);
    inflater.removeListener('error', onInflateError);
    // Keep a no-op listener: zlib may still report an error after destroy().
    inflater.on('error', noop);
    inflater.destroy();
  };
  const fail = (err: HttpError): void => {
    if (settled) return;
    cleanup();
    req.pause();
    chunks.length = 0;
    done(err, undefined);
  };
  const onDecoded = (chunk: Buffer): void => {
    decoded += chunk.length;
    if (decoded > limit) return fail(tooLarge(limit));
    chunks.push(chunk);
  };
  const onDecodedEnd = (): void => {
    if (settled) return;
    cleanup();
    done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded));
  };
  const onInflateError = (): void => {
    fail(new HttpError(400, `invalid ${encoding} body`, { code: 'KEEL_BODY_INVALID_ENCODING', headers: CLOSE }));
  };
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limit) return fail(tooLarge(limit));
    // Backpressure: pause the socket while the inflater is busy.
    if (!inflater.write(chunk)) {
      req.pause();
      inflater.once('drain', resume);
    }
  };
  const resume = (): void => {
    if (!settled) req.resume();
  };
  const onEnd = (): void => {
    ended = true;
    if (!settled) inflater.end();
  };
  // 'close' before 'end': the client went away mid-body.
  const onClose = (): void => {
    if (!ended) fail(aborted());
  };

  inflater.on('data', onDecoded);
  inflater.on('end', onDecodedEnd);
  inflater.on('error', onInflateError);
  listen(req, onData, onEnd, onClose);
}

type OnData = (chunk: Buffer) => void;
type OnEvent = () => void;

/**
 * Attaches a reader's listeners to the request and lets the body flow. No 'error' listener: a
 * request is destroyed when its client goes (or on any stream error), a destroyed request always
 * emits 'close' after any 'error', and with no 'error' listener node does not emit the error at
 * all (IncomingMessage's _destroy checks for listeners), so 'close' before 'end' is the one sign
 * of a body that will not complete, and nothing goes unhandled.
 */
function listen(req: IncomingMessage, onData: OnData, onEnd: OnEvent, onClose: OnEvent): void {
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onClose);
  if (req.isPaused()) req.resume();
}

function unlisten(req: IncomingMessage, onData: OnData, onEnd: OnEvent, onClose: OnEvent): void {
  req.removeListener('data', onData);
  req.removeListener('end', onEnd);
  req.removeListener('close', onClose);
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
