// Response: Keel's http.ServerResponse, with Express's helpers (status, set, send, json, redirect
// ...). Each helper returns `this` so calls chain: res.status(201).json(user).

import { Buffer } from 'node:buffer';
import http from 'node:http';
import type { Request, RequestApp } from './request.js';
import { toStatusCode, statusMessage } from './status.js';
import { normalizeType, lookupType, DEFAULT_TYPE } from './mime.js';
import { withDefaultCharset, setCharset } from './content-type.js';
import { appendVary } from './vary.js';
import { encodeLocation } from './encode-url.js';
import { escapeHtml } from './escape.js';
import { entityTag } from './etag.js';
import { contentDisposition, baseName } from './content-disposition.js';
import { HttpError } from './errors.js';
import { HeaderFields, checkField, kOutHeaders, type FieldValue } from './header-fields.js';
import { setCookie, clearCookie, type ResponseCookieOptions } from '../cookie/response-cookie.js';
import { bareObject } from './bare-object.js';
import { sendFileResponse, downloadResponse, type SendFileCallback, type SendFileOptions } from './send-file.js';

/** A header value as res.set() takes it. */
export type HeaderValue = string | number | boolean | readonly (string | number)[];

/** res.format() handlers by type ('json', 'text/html' ...) and an optional `default`. */
export type FormatHandlers = Record<string, (req: Request, res: Response) => unknown>;

// JSON escaping for 'json escape': the characters that could end a <script> block or start markup.
function escapeJson(json: string): string {
  return json.replace(/[<>&]/g, (c) => (c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : '\\u0026'));
}

export class Response extends http.ServerResponse<Request> {
  /** The app handling this request. */
  declare app: RequestApp;
  /**
   * Per-request values for templates and later middleware. (An initialiser rather than a
   * constructor, so node's (req, options) arguments pass through untouched; adoptResponse()
   * sets the same fields.)
   */
  locals: Record<string, unknown> = bareObject();
  /** @internal When the app started handling this response (a coarse clock), for responseTimeout. */
  startedAt = 0;
  /**
   * @internal The header fields until the head is written (header-fields.ts says why Keel keeps
   * them). Undefined on an adopted response, which keeps node's own store.
   */
  headerFields: HeaderFields | undefined = new HeaderFields();

  // node:http's header methods, over headerFields. Every error case (headers already sent, a bad
  // name or value, a name that is not a string) is left to node's own method, so the errors are
  // node's exactly.

  /**
   * Where send() sets a field whose name and value Keel made itself (a constant type, an integer
   * length, an ETag of hex and base64 characters): nothing to check, since none can hold a
   * character a field may not. Undefined on an adopted response and once the head is written:
   * such a field then goes through setHeader() (node's store, node's errors). Anything built from
   * the app's input always goes through setHeader().
   */
  private ownFields(): HeaderFields | undefined {
    const fields = this.headerFields;
    return fields === undefined || this.headersSent ? undefined : fields;
  }

  override setHeader(name: string, value: number | string | readonly string[]): this {
    const fields = this.headerFields;
    if (fields === undefined || this.headersSent) return super.setHeader(name, value);
    checkField(name, value);
    fields.set(name, value);
    return this;
  }

  override appendHeader(name: string, value: string | readonly string[]): this {
    const fields = this.headerFields;
    if (fields === undefined || this.headersSent) return super.appendHeader(name, value);
    checkField(name, value);
    fields.append(name, value);
    return this;
  }

  override getHeader(name: string): number | string | string[] | undefined {
    const fields = this.headerFields;
    if (fields === undefined || typeof name !== 'string') return super.getHeader(name);
    return fields.get(name.toLowerCase()) as number | string | string[] | undefined;
  }

  /** getHeader('content-type'), with no lowercase copy of the name (see HeaderFields.contentType()). */
  private contentTypeSet(): FieldValue | undefined {
    const fields = this.headerFields;
    return fields === undefined ? (super.getHeader('content-type') as FieldValue | undefined) : fields.contentType();
  }

  override hasHeader(name: string): boolean {
    const fields = this.headerFields;
    if (fields === undefined || typeof name !== 'string') return super.hasHeader(name);
    return fields.has(name.toLowerCase());
  }

  /**
   * node's end(chunk), on a response whose head is not written yet, first measures a string
   * chunk's UTF-8 length (a pass over the whole body) for a Content-Length, and then writes the
   * head. Where a Content-Length is set already (send() and json() always set one), node uses that
   * one and the pass is wasted: writing the head first, as node would next, spares it (~0.2 µs
   * for 1 KiB). This runs inside end(), after anything that wraps res.end (a session being saved,
   * compression) has done its work, so the head goes out exactly when it would have.
   */
  override end(callback?: () => void): this;
  override end(chunk: unknown, callback?: () => void): this;
  override end(chunk: unknown, encoding: BufferEncoding, callback?: () => void): this;
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk === 'string' && !this.headersSent && this.headerFields?.hasContentLength() === true) {
      this.writeHead(this.statusCode);
    }
    return super.end(chunk as string, encoding as BufferEncoding, callback as () => void);
  }

  override removeHeader(name: string): void {
    // node's method checks the name and the state, and records what removing Connection,
    // Content-Length, Transfer-Encoding or Date means for the head it will write.
    super.removeHeader(name);
    this.headerFields?.remove(name.toLowerCase());
  }

  override getHeaders(): http.OutgoingHttpHeaders {
    const fields = this.headerFields;
    return fields === undefined ? super.getHeaders() : fields.toObject();
  }

  override getHeaderNames(): string[] {
    const fields = this.headerFields;
    return fields === undefined ? super.getHeaderNames() : fields.keys();
  }

  /** Names as they were set (node documents this method; its typings do not declare it). */
  getRawHeaderNames(): string[] {
    const fields = this.headerFields;
    if (fields !== undefined) return fields.names();
    return (http.ServerResponse.prototype as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames.call(this);
  }

  /**
   * node's writeHead(), with the fields set so far merged in (the fields given here win, as in
   * node). They go to node in its own header store, which node writes without checking them a
   * second time (see header-fields.ts), or, where that store is not known, as one flat list.
   */
  override writeHead(statusCode: number, statusMessage?: string, headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[]): this;
  override writeHead(statusCode: number, headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[]): this;
  override writeHead(
    statusCode: number,
    reason?: string | http.OutgoingHttpHeaders | http.OutgoingHttpHeader[],
    headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[],
  ): this {
    const fields = this.headerFields;
    const code = statusCode | 0;
    // Adopted responses, a second head, a bad status: node's own method (and its errors). Nothing
    // set before: node's own fast path too (and, as in node, getHeader() will not see these fields).
    if (fields === undefined || fields.isEmpty() || this.headersSent || code < 100 || code > 999) {
      return super.writeHead(statusCode, reason as string, headers);
    }
    const message = typeof reason === 'string' ? reason : undefined;
    const given = message === undefined ? (headers ?? (reason as typeof headers)) : headers;
    if (Array.isArray(given)) {
      if (given.length !== 0 && Array.isArray(given[0])) {
        for (const pair of given as unknown as [string, FieldValue][]) this.setHeader(pair[0], pair[1]);
      } else if (given.length % 2 !== 0) {
        return super.writeHead(statusCode, reason as string, headers); // node's ERR_INVALID_ARG_VALUE
      } else {
        for (let i = 0; i < given.length; i += 2) if (given[i]) this.setHeader(given[i] as string, given[i + 1] as FieldValue);
      }
    } else if (given) {
      // An undefined value gets node's ERR_HTTP_INVALID_HEADER_VALUE from setHeader(), as in node.
      for (const key of Object.keys(given)) if (key) this.setHeader(key, given[key] as FieldValue);
    }
    if (kOutHeaders !== undefined) {
      (this as unknown as Record<symbol, unknown>)[kOutHeaders] = fields.toStore();
      return message === undefined ? super.writeHead(statusCode) : super.writeHead(statusCode, message);
    }
    const list = fields.toList() as http.OutgoingHttpHeader[];
    return message === undefined ? super.writeHead(statusCode, list) : super.writeHead(statusCode, message, list);
  }

  /**
   * Sets a cookie (Express semantics): `maxAge` in milliseconds, objects stored as 'j:' JSON,
   * `signed: true` signs with cookieParser's secret. Every attribute is validated.
   */
  cookie(name: string, value: unknown, options?: ResponseCookieOptions): this {
    setCookie(this, name, value, options, this.req?.secret);
    return this;
  }

  /** Expires a cookie; give the same `path`/`domain` it was set with. */
  clearCookie(name: string, options?: ResponseCookieOptions): this {
    clearCookie(this, name, options);
    return this;
  }

  /** Sets the status code: an integer 100-999, or three digits as a string ('201'). */
  status(code: number | string): this {
    this.statusCode = toStatusCode(code);
    return this;
  }

  /** Sets the status and sends its reason phrase as text/plain ('Not Found'). */
  sendStatus(code: number | string): this {
    const status = toStatusCode(code);
    this.statusCode = status;
    this.type('txt');
    return this.send(statusMessage(status));
  }

  /**
   * Sets a header (or several from an object). Arrays give one header line per element; a
   * Content-Type gets '; charset=utf-8' when it is text and names no charset, and a short name
   * ('json') is expanded.
   */
  set(field: string, value: HeaderValue): this;
  set(fields: Record<string, HeaderValue>): this;
  set(field: string | Record<string, HeaderValue>, value?: HeaderValue): this {
    if (typeof field !== 'string') {
      for (const name in field) this.set(name, field[name]!);
      return this;
    }
    if (Array.isArray(value)) {
      if (field.toLowerCase() === 'content-type') throw new TypeError('Content-Type cannot be set to an Array');
      this.setHeader(field, value.map(String));
    } else {
      let text = String(value);
      if (field.toLowerCase() === 'content-type') text = withDefaultCharset(text.indexOf('/') === -1 ? normalizeType(text) : text);
      this.setHeader(field, text);
    }
    return this;
  }

  /** Same as set(). */
  header(field: string, value: HeaderValue): this;
  header(fields: Record<string, HeaderValue>): this;
  header(field: string | Record<string, HeaderValue>, value?: HeaderValue): this {
    return typeof field === 'string' ? this.set(field, value!) : this.set(field);
  }

  /** A response header as set so far. */
  get(field: string): string | number | string[] | undefined {
    return this.getHeader(field);
  }

  /** Adds a value to a header, keeping what it had (Set-Cookie, Link, Warning ...). */
  append(field: string, value: string | readonly string[]): this {
    const previous = this.getHeader(field);
    if (previous === undefined) return this.set(field, value);
    const before = Array.isArray(previous) ? previous : [String(previous)];
    return this.set(field, before.concat(value));
  }

  /** Sets Content-Type from a type ('text/html') or a short name / extension ('json', '.png'). */
  type(type: string): this {
    return this.set('Content-Type', type.indexOf('/') === -1 ? normalizeType(type) : type);
  }

  /** Adds field names to Vary (RFC 9110 §12.5.5). */
  vary(field: string | readonly string[]): this {
    const current = this.getHeader('vary');
    const text = current === undefined ? '' : Array.isArray(current) ? current.join(', ') : String(current);
    const value = appendVary(text, field);
    if (value !== '') this.setHeader('Vary', value);
    return this;
  }

  /**
   * Sets Location, percent-encoded as Express does. 'back' means the Referer, but only when it is
   * on this same host (CVE-2025-8129); otherwise '/'.
   */
  location(url: string): this {
    if (typeof url !== 'string') throw new TypeError('res.location(url): url must be a string');
    const target = url === 'back' ? this.sameOriginReferrer() : url;
    return this.set('Location', encodeLocation(target));
  }

  private sameOriginReferrer(): string {
    const req = this.req;
    const referrer = req.get('referer');
    const host = req.host;
    if (referrer === undefined || host === undefined) return '/';
    try {
      const parsed = new URL(referrer);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
        // Read our own (already validated) host the same way, so 'shop.test:80' equals 'shop.test'.
        const own = new URL(parsed.protocol + '//' + host).host;
        if (parsed.host === own) return parsed.href;
      }
    } catch {
      // not a URL: fall through
    }
    return '/';
  }

  /**
   * Redirects to `url` with `status` (default 302). The body is negotiated like Express's:
   * text/plain or text/html ("Found. Redirecting to ..."), the URL HTML-escaped and never a link
   * (CVE-2024-43796, CVE-2025-32379: no `javascript:` href to click).
   */
  redirect(url: string): void;
  redirect(status: number | string, url: string): void;
  redirect(statusOrUrl: number | string, maybeUrl?: string): void {
    let status = 302;
    let url: unknown = statusOrUrl;
    if (maybeUrl !== undefined || typeof statusOrUrl === 'number') {
      status = toStatusCode(statusOrUrl);
      url = maybeUrl;
    }
    if (typeof url !== 'string') throw new TypeError('res.redirect(url): url must be a string');
    const address = String(this.location(url).getHeader('location'));
    const req = this.req;
    const message = statusMessage(status);
    let body: string;
    const kind = req.accepts('text', 'html');
    this.vary('Accept');
    if (kind === 'text') {
      this.set('Content-Type', 'text/plain; charset=utf-8');
      body = `${message}. Redirecting to ${address}`;
    } else if (kind === 'html') {
      this.set('Content-Type', 'text/html; charset=utf-8');
      const title = escapeHtml(message);
      body = `<!DOCTYPE html><head><title>${title}</title></head><body><p>${title}. Redirecting to ${escapeHtml(address)}</p></body>`;
    } else {
      body = '';
    }
    this.statusCode = status;
    this.setHeader('Content-Length', Buffer.byteLength(body));
    if (req.method === 'HEAD') this.end();
    else this.end(body);
  }

  /**
   * Sends a body. A string is text/html unless a type is set; a Buffer/Uint8Array is
   * application/octet-stream; other values go to res.json() (null sends an empty body, as in
   * Express). Sets Content-Length and, on GET and HEAD answers, an ETag (setting 'etag'); answers
   * 304 when the request is fresh, and sends no body for HEAD, 204 and 304.
   */
  send(body?: unknown): this {
    // A second response is a bug the caller must hear about, whatever the body: node's own
    // ERR_HTTP_HEADERS_SENT, thrown by setHeader() before anything changes.
    if (this.headersSent) this.setHeader('Content-Length', 0);
    let chunk: string | Uint8Array | undefined;
    switch (typeof body) {
      case 'string':
        chunk = body;
        break;
      case 'undefined':
        chunk = undefined;
        break;
      case 'object':
        if (body === null) {
          chunk = '';
          break;
        }
        if (ArrayBuffer.isView(body)) {
          chunk = body instanceof Uint8Array ? body : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
          if (this.contentTypeSet() === undefined) this.type('bin');
          break;
        }
        return this.json(body);
      default:
        return this.json(body);
    }
    if (typeof chunk === 'string') this.setTextType('text/html; charset=utf-8');
    return this.sendChunk(chunk);
  }

  /**
   * The Content-Type of a text body: `fallback` when none is set (the common case: the final value
   * directly, no parsing on the hot path), else the type that was set, with charset utf-8.
   */
  private setTextType(fallback: string): void {
    const type = this.contentTypeSet();
    if (type === undefined) {
      const fields = this.ownFields();
      if (fields === undefined) this.setHeader('content-type', fallback);
      else fields.setContentType(fallback);
    } else if (typeof type === 'string') {
      const withCharset = setCharset(type, 'utf-8');
      if (withCharset !== type) this.setHeader('Content-Type', withCharset);
    }
  }

  /** The end of send(): length, ETag, freshness (304), and the body rules of 204/205/304/HEAD. */
  private sendChunk(chunk: string | Uint8Array | undefined): this {
    const req = this.req;
    const method = req.method;
    if (chunk !== undefined) {
      // The byte length is computed once, for Content-Length and the ETag both.
      const length = typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
      const fields = this.ownFields();
      if (fields === undefined) this.setHeader('content-length', length);
      else fields.setContentLength(length);
      // The automatic ETag is for GET and HEAD only. An ETag names the selected representation of
      // the target resource (RFC 9110 §8.8.3), and only a GET or HEAD answer carries one: the
      // content of a POST answer is the outcome of the action (§6.4.2), and a tag of it would be
      // a false validator for the resource (for PUT, §9.3.4 forbids sending one unless it
      // describes the stored representation). Express tags every method; an app that wants a
      // tag on another method sets ETag itself.
      if ((method === 'GET' || method === 'HEAD') && (fields === undefined ? this.getHeader('etag') : fields.etag()) === undefined) {
        const setting = etagSetting(this.app);
        if (setting === 'weak' || setting === true || setting === 'strong') {
          const tag = entityTag(chunk, setting !== 'strong', length);
          if (fields === undefined) this.setHeader('etag', tag);
          else fields.setEtag(tag);
        } else if (typeof setting === 'function') {
          // Express's signature: (body, encoding); the body is the string or bytes being sent.
          const tag: unknown = (setting as EtagFunction)(chunk, typeof chunk === 'string' ? 'utf8' : undefined);
          if (typeof tag === 'string') this.setHeader('ETag', tag); // the user's text: checked
        }
      }
    }
    if (req.fresh) this.statusCode = 304;
    const status = this.statusCode;
    if (status === 204 || status === 304) {
      // RFC 9110 §15.3.5 / §15.4.5: no content, so no content headers.
      this.removeHeader('Content-Type');
      this.removeHeader('Content-Length');
      this.removeHeader('Transfer-Encoding');
      chunk = undefined;
    } else if (status === 205) {
      // RFC 9110 §15.3.6: "a server MUST NOT generate content in a 205 response".
      this.setHeader('Content-Length', '0');
      this.removeHeader('Transfer-Encoding');
      chunk = undefined;
    }
    if (method === 'HEAD' || chunk === undefined) this.end();
    else this.end(chunk);
    return this;
  }

  /** Sends `value` as JSON (settings: 'json replacer', 'json spaces', 'json escape'). */
  json(value: unknown): this {
    // The three settings are read with their names written out (not through settingOf()): each
    // read then has a cache of its own that sees one name, where settingOf()'s one keyed read sees
    // every setting's name and goes megamorphic.
    const app = this.app;
    const settings = app === undefined ? undefined : app.settings;
    let replacer: unknown;
    let spaces: unknown;
    let escape: unknown;
    if (settings !== undefined) {
      replacer = settings['json replacer'];
      spaces = settings['json spaces'];
      escape = settings['json escape'];
    } else if (app !== undefined) {
      replacer = app.get('json replacer');
      spaces = app.get('json spaces');
      escape = app.get('json escape');
    }
    let body: string | undefined = JSON.stringify(
      value,
      replacer as ((this: unknown, key: string, value: unknown) => unknown) | undefined,
      spaces as string | number | undefined,
    );
    if (body !== undefined && escape === true) body = escapeJson(body);
    if (this.headersSent) this.setHeader('Content-Length', 0); // node's ERR_HTTP_HEADERS_SENT
    this.setTextType('application/json; charset=utf-8');
    return this.sendChunk(body);
  }

  /**
   * Content-Disposition: attachment (RFC 6266), with the file's base name and, from its
   * extension, the Content-Type.
   */
  attachment(filename?: string): this {
    if (filename !== undefined) {
      const name = baseName(filename);
      const type = name.indexOf('.') === -1 ? undefined : lookupType(name);
      this.set('Content-Type', type ?? DEFAULT_TYPE);
    }
    return this.set('Content-Disposition', contentDisposition(filename));
  }

  /**
   * Sends a file (Express's res.sendFile): an absolute path, or one relative to `options.root`
   * (which it must then stay inside). Content-Type from the extension, ETag, Last-Modified,
   * Cache-Control, 304/412 and single ranges on GET and HEAD, as serveStatic() does. `callback`
   * gets the outcome; without it errors go to `next(err)`.
   */
  sendFile(path: string, callback?: SendFileCallback): void;
  sendFile(path: string, options?: SendFileOptions, callback?: SendFileCallback): void;
  sendFile(path: string, options?: SendFileOptions | SendFileCallback, callback?: SendFileCallback): void {
    sendFileResponse(this, path, options, callback);
  }

  /** sendFile() as an attachment: Content-Disposition with `filename` (default: the file's name). */
  download(path: string, callback?: SendFileCallback): void;
  download(path: string, filename: string, callback?: SendFileCallback): void;
  download(path: string, options: SendFileOptions, callback?: SendFileCallback): void;
  download(path: string, filename: string, options: SendFileOptions, callback?: SendFileCallback): void;
  download(path: string, ...rest: unknown[]): void {
    downloadResponse(this, path, rest[0], rest[1], rest[2]);
  }

  /** Adds to the Link header (RFC 8288): links({ next: '/p/2', last: '/p/9' }). */
  links(links: Record<string, string | readonly string[]>): this {
    const current = this.getHeader('link');
    let value = current === undefined ? '' : String(current);
    for (const rel in links) {
      const targets = links[rel]!;
      for (const target of typeof targets === 'string' ? [targets] : targets) {
        if (value !== '') value += ', ';
        value += `<${target}>; rel="${rel}"`;
      }
    }
    return this.set('Link', value);
  }

  /**
   * Calls the handler for the best type the client accepts ({ json: fn, html: fn, default: fn }),
   * with Content-Type set and Vary: Accept. With no match and no default, throws a 406 HttpError.
   */
  format(handlers: FormatHandlers): this {
    const req = this.req;
    const keys = Object.keys(handlers).filter((k) => k !== 'default');
    const key = keys.length > 0 ? req.accepts(keys) : false;
    this.vary('Accept');
    if (key !== false) {
      this.set('Content-Type', normalizeType(key));
      handlers[key]!(req, this);
    } else if (handlers.default !== undefined) {
      handlers.default(req, this);
    } else {
      throw new HttpError(406, 'Not Acceptable', { code: 'KEEL_NOT_ACCEPTABLE' });
    }
    return this;
  }
}

/** The 'etag' setting ('weak' when unset), its name written out as in json(). */
function etagSetting(app: RequestApp | undefined): unknown {
  if (app === undefined) return 'weak';
  const settings = app.settings;
  const value = settings !== undefined ? settings['etag'] : app.get('etag');
  return value === undefined ? 'weak' : value;
}

/** The 'etag' setting as a function: makes the tag of a GET or HEAD answer's body (or none). */
export type EtagFunction = (body: string | Uint8Array, encoding: BufferEncoding | undefined) => string | undefined;

/** Sets the own fields of a Response; shared by the constructor and adoptResponse() (one shape). */
function initResponse(res: Response): void {
  res.locals = bareObject();
  res.startedAt = 0;
  // Fields may already sit in node's store (set before Keel saw this response): node keeps them.
  res.headerFields = undefined;
}

/**
 * Makes a plain http.ServerResponse (from a server Keel did not create) a Response; a Response
 * is returned as it is.
 */
export function adoptResponse(res: http.ServerResponse): Response {
  if (res instanceof Response) return res;
  Object.setPrototypeOf(res, Response.prototype);
  const adopted = res as Response;
  initResponse(adopted);
  return adopted;
}
