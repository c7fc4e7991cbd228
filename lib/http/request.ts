// Request: Keel's http.IncomingMessage. node:http constructs it for every request (see
// createServer's IncomingMessage option), so its helpers cost nothing until they are used: every
// getter computes on first use, and the expensive ones (path, query) cache their result.

import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import net from 'node:net';
import type { Response } from './response.js';
import { parseQuery, DEFAULT_QUERY_LIMIT } from './query.js';
import type { Query } from './query.js';
import { mediaTypeOf, matchType } from './content-type.js';
import { lookupType } from './mime.js';
import { preferredMediaTypes, preferredEncodings, preferredCharsets, preferredLanguages } from './negotiate.js';
import { trustOf, settingOf } from './settings.js';
import { walkForwarded, firstForwardedValue } from './proxy.js';
import { hostnameEnd } from './host.js';
import { bareObject } from './bare-object.js';
import { isFresh } from './fresh.js';
import { parseRange } from './range.js';
import type { Ranges, RangeOptions } from './range.js';

export type { Query } from './query.js';
export type { Ranges, ByteRange, RangeOptions } from './range.js';

/** A cookie as cookieParser() gives it: the string, or for a 'j:' cookie its parsed JSON. */
export type CookieValue = string | number | boolean | null | CookieValue[] | { [key: string]: CookieValue };

/** Route parameters: `:name` gives a string, `*name` gives an array of segments. */
export type Params = Record<string, string | string[]>;

/** What a Request needs of its app: settings. Implemented by the app in lib/app.ts. */
export interface RequestApp {
  get(setting: string): unknown;
  /** The settings object, when the app has one (read directly on hot paths). */
  readonly settings?: Record<string, unknown>;
}

/** A list of types given either as arguments or as one array: `accepts('json', 'html')`. */
type TypeList = [readonly string[]] | string[];

function flatten(args: TypeList): readonly string[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as string[]);
}

/** Turns 'json' or '.json' into 'application/json'; a full type is kept; unknown names give undefined. */
function toMediaType(type: string): string | undefined {
  if (type.indexOf('/') !== -1) return type;
  const full = lookupType(type);
  return full === undefined ? undefined : mediaTypeOf(full);
}

export class Request<P = Params> extends http.IncomingMessage {
  /** The app handling this request (settings: trust proxy, subdomain offset ...). */
  declare app: RequestApp;
  /** The response paired with this request. */
  declare res: Response;
  /** Route parameters of the matched route, decoded. Inherits nothing (http/bare-object.ts). */
  declare params: P;
  /** The path this request's router was mounted at ('' at the top). */
  declare baseUrl: string;
  /** The URL as the client sent it, before any mount-path stripping. */
  declare originalUrl: string;
  /** The route that matched, while its handlers run. */
  declare route: unknown;
  /** Set by body parsers; `undefined` when no parser matched (as in Express 5). */
  declare body: unknown;
  /**
   * The `next` of the handler running now (as Express sets it): where res.sendFile() sends its
   * errors when it is given no callback.
   */
  declare next: ((err?: unknown) => Promise<void>) | undefined;
  /** Set by cookieParser(): strings, or parsed JSON for 'j:' cookies. Inherits nothing. */
  declare cookies: Record<string, CookieValue>;
  /** Set by cookieParser(secret): verified signed cookies; forged ones are `false`. */
  declare signedCookies: Record<string, CookieValue | false>;
  /** Set by cookieParser(secret): the first secret. */
  declare secret: string | undefined;
  /**
   * True once a body parser has consumed the body (the flag Express's body-parser sets and reads,
   * so Keel's parsers and body-parser's each skip a body the other read).
   */
  declare _body: boolean;
  /** @internal Cache of `query` (undefined until first read). */
  declare queryCache: Query | undefined;
  /** @internal The `url` that `pathCache` was computed from. */
  declare pathUrl: string | undefined;
  /** @internal Cache of `path`. */
  declare pathCache: string;

  constructor(socket: net.Socket) {
    super(socket);
    initRequest(this);
  }

  /** The path part of `req.url` (no query string); follows `url` as routers strip mount paths. */
  get path(): string {
    const url = this.url ?? '/';
    if (url === this.pathUrl) return this.pathCache;
    let end = url.length;
    const q = url.indexOf('?');
    if (q !== -1) end = q;
    const hash = url.indexOf('#');
    if (hash !== -1 && hash < end) end = hash;
    let path = url.slice(0, end);
    if (path.charCodeAt(0) !== 0x2f && path !== '*') {
      // absolute-form request-target (RFC 9112 §3.2.2), as sent to proxies
      try {
        path = new URL(path).pathname;
      } catch {
        // leave it as sent
      }
    }
    this.pathUrl = url;
    this.pathCache = path;
    return path;
  }

  /**
   * The query string as an object that inherits nothing: repeated keys give arrays, '+' is a
   * space, keys stay flat ('a[b]'). Parsed on first read and cached; at most the 'query parameter
   * limit' setting's number of pairs (default 1000) are read.
   */
  get query(): Query {
    if (this.queryCache !== undefined) return this.queryCache;
    const url = this.url ?? '';
    const q = url.indexOf('?');
    let query: Query;
    if (q === -1) {
      query = bareObject<Query>();
    } else {
      let end = url.indexOf('#', q);
      if (end === -1) end = url.length;
      const limit = settingOf(this.app, 'query parameter limit', DEFAULT_QUERY_LIMIT);
      const max = typeof limit === 'number' && limit >= 1 ? limit : DEFAULT_QUERY_LIMIT;
      query = parseQuery(url.slice(q + 1, end), max);
    }
    this.queryCache = query;
    return query;
  }

  /** Middleware may replace the query object (sanitizers do). */
  set query(value: Query) {
    this.queryCache = value;
  }

  /** A request header; 'Referer' and 'Referrer' are the same; 'set-cookie' gives an array. */
  get(name: 'set-cookie' | 'Set-Cookie'): string[] | undefined;
  get(name: string): string | undefined;
  get(name: string): string | string[] | undefined {
    if (typeof name !== 'string') throw new TypeError('req.get(name): name must be a string');
    const lower = name.toLowerCase();
    if (lower === 'referer' || lower === 'referrer') return this.headers.referer ?? (this.headers.referrer as string | undefined);
    return this.headers[lower];
  }

  /** Same as get(). */
  header(name: 'set-cookie' | 'Set-Cookie'): string[] | undefined;
  header(name: string): string | undefined;
  header(name: string): string | string[] | undefined {
    return this.get(name);
  }

  /**
   * Whether the request body's Content-Type matches one of `types` ('json', 'text/*', '+json',
   * 'urlencoded', 'multipart'): the matching type, false when none matches, null when the request
   * has no body. With no types, the body's media type.
   */
  is(...types: TypeList): string | false | null {
    const headers = this.headers;
    const length = headers['content-length'];
    const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '' && !Number.isNaN(Number(length)));
    if (!hasBody) return null;
    const contentType = headers['content-type'];
    const actual = contentType === undefined ? undefined : mediaTypeOf(contentType);
    if (actual === undefined) return false;
    const list = flatten(types);
    if (list.length === 0) return actual;
    return matchType(actual, list);
  }

  /**
   * The best of `types` by the Accept header (RFC 9110 §12.5.1): the type as given, or false. With
   * no Accept header, the first type. With no types, every accepted type, best first.
   */
  accepts(): string[];
  accepts(...types: TypeList): string | false;
  accepts(...types: TypeList): string | false | string[] {
    const list = flatten(types);
    const header = this.headers.accept;
    if (list.length === 0) return preferredMediaTypes(header);
    if (header === undefined) return list[0]!;
    const mediaTypes: string[] = [];
    const offered: string[] = [];
    for (const type of list) {
      const media = typeof type === 'string' ? toMediaType(type) : undefined;
      if (media !== undefined) {
        mediaTypes.push(media);
        offered.push(type);
      }
    }
    const best = preferredMediaTypes(header, mediaTypes)[0];
    return best === undefined ? false : offered[mediaTypes.indexOf(best)]!;
  }

  /** The best content coding by Accept-Encoding (RFC 9110 §12.5.3), or false; no arguments: all. */
  acceptsEncodings(): string[];
  acceptsEncodings(...encodings: TypeList): string | false;
  acceptsEncodings(...encodings: TypeList): string | false | string[] {
    return pick(preferredEncodings, this.headers['accept-encoding'], flatten(encodings));
  }

  /** The best charset by Accept-Charset (RFC 9110 §12.5.2), or false; no arguments: all. */
  acceptsCharsets(): string[];
  acceptsCharsets(...charsets: TypeList): string | false;
  acceptsCharsets(...charsets: TypeList): string | false | string[] {
    return pick(preferredCharsets, headerText(this.headers['accept-charset']), flatten(charsets));
  }

  /** The best language by Accept-Language (RFC 9110 §12.5.4), or false; no arguments: all. */
  acceptsLanguages(): string[];
  acceptsLanguages(...languages: TypeList): string | false;
  acceptsLanguages(...languages: TypeList): string | false | string[] {
    return pick(preferredLanguages, this.headers['accept-language'], flatten(languages));
  }

  /**
   * 'https' on a TLS socket, else 'http'; when the peer is a trusted proxy, what X-Forwarded-Proto
   * says (its first value, when it is a valid URI scheme).
   */
  get protocol(): string {
    const proto = (this.socket as TLSSocket | null)?.encrypted === true ? 'https' : 'http';
    const header = this.headers['x-forwarded-proto'];
    if (typeof header !== 'string' || !trustOf(this.app)(this.socket?.remoteAddress ?? '', 0)) return proto;
    const forwarded = firstForwardedValue(header).toLowerCase();
    return isScheme(forwarded) ? forwarded : proto;
  }

  /** Whether the request came over TLS (protocol is 'https'). */
  get secure(): boolean {
    return this.protocol === 'https';
  }

  /** The client's address: the socket's, or, through trusted proxies, the X-Forwarded-For entry. */
  get ip(): string | undefined {
    const remote = this.socket?.remoteAddress;
    if (remote === undefined) return undefined;
    return walkForwarded(remote, forwardedFor(this), trustOf(this.app));
  }

  /** X-Forwarded-For addresses a trusted proxy vouched for, client first; [] when none. */
  get ips(): string[] {
    const remote = this.socket?.remoteAddress ?? '';
    const chain: string[] = [];
    walkForwarded(remote, forwardedFor(this), trustOf(this.app), chain);
    return chain.slice(1).reverse();
  }

  /**
   * The Host header (or, from a trusted proxy, X-Forwarded-Host), with any port, when it is a
   * valid `host[:port]`; undefined otherwise (CVE-2026-27959).
   */
  get host(): string | undefined {
    const value = this.trustedHost();
    return value !== undefined && hostnameEnd(value) !== -1 ? value : undefined;
  }

  /** The host name of `host`, without the port; IPv6 literals keep their brackets. */
  get hostname(): string | undefined {
    const value = this.trustedHost();
    if (value === undefined) return undefined;
    const end = hostnameEnd(value);
    return end === -1 ? undefined : value.slice(0, end);
  }

  private trustedHost(): string | undefined {
    const forwarded = this.headers['x-forwarded-host'];
    if (typeof forwarded === 'string' && trustOf(this.app)(this.socket?.remoteAddress ?? '', 0)) {
      return firstForwardedValue(forwarded);
    }
    return this.headers.host;
  }

  /** Subdomains of `hostname`, nearest the top first, minus the 'subdomain offset' setting (2). */
  get subdomains(): string[] {
    const hostname = this.hostname;
    if (hostname === undefined || hostname.charCodeAt(0) === 0x5b || net.isIP(hostname) !== 0) return [];
    const offset = settingOf(this.app, 'subdomain offset', 2);
    return hostname.split('.').reverse().slice(typeof offset === 'number' ? offset : 2);
  }

  /** Whether X-Requested-With is XMLHttpRequest. */
  get xhr(): boolean {
    const value = this.headers['x-requested-with'];
    return typeof value === 'string' && value.toLowerCase() === 'xmlhttprequest';
  }

  /**
   * Whether the client's cached copy is still valid for the response as it stands (ETag and
   * Last-Modified set on res): only GET/HEAD and 2xx/304 responses can be fresh.
   */
  get fresh(): boolean {
    const method = this.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    // Most requests are not conditional: answer before looking at the response's validators.
    const headers = this.headers;
    if (headers['if-none-match'] === undefined && headers['if-modified-since'] === undefined) return false;
    const res = this.res;
    if (res === undefined) return false;
    const status = res.statusCode;
    if ((status < 200 || status >= 300) && status !== 304) return false;
    const etag = res.getHeader('etag');
    const modified = res.getHeader('last-modified');
    return isFresh(this.headers, etag === undefined ? undefined : String(etag), modified === undefined ? undefined : String(modified));
  }

  /** Not fresh. */
  get stale(): boolean {
    return !this.fresh;
  }

  /**
   * The Range header for a representation of `size` bytes: an array of { start, end } with
   * `.type` ('bytes'), -1 when unsatisfiable, -2 when malformed or too many ranges, undefined
   * without a Range header.
   */
  range(size: number, options?: RangeOptions): Ranges | -1 | -2 | undefined {
    const header = this.headers.range;
    if (header === undefined) return undefined;
    return parseRange(size, header, options);
  }
}

/** With no offers, every value the header accepts; else the best offer or false. */
function pick(prefer: (header: string | undefined, offers?: readonly string[]) => string[], header: string | undefined, offers: readonly string[]): string | false | string[] {
  if (offers.length === 0) return prefer(header);
  return prefer(header, offers)[0] ?? false;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function forwardedFor(req: http.IncomingMessage): string | undefined {
  const value = req.headers['x-forwarded-for'];
  return typeof value === 'string' ? value : undefined;
}

/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
function isScheme(text: string): boolean {
  if (text.length === 0 || text.length > 32) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alpha = c >= 0x61 && c <= 0x7a;
    if (!alpha && (i === 0 || !((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e))) return false;
  }
  return true;
}

// Until a router or cookieParser() fills them, params and cookies are this one frozen empty
// object, not three fresh objects per request. Routers give every layer its own params;
// cookieParser() makes new objects. (In Express, req.cookies is not even there without
// cookie-parser.)
const NOTHING: Readonly<Record<string, never>> = Object.freeze(bareObject<Record<string, never>>());

/**
 * Sets the own fields of a Request. Shared by the constructor and adoptRequest() so both give
 * objects of one shape (same fields, same order: V8 then sees one hidden class).
 */
function initRequest(req: Request<unknown>): void {
  req.params = NOTHING;
  req.baseUrl = '';
  req.originalUrl = '';
  req.route = undefined;
  req.body = undefined;
  req._body = false;
  req.next = undefined;
  req.cookies = NOTHING;
  req.signedCookies = NOTHING;
  req.secret = undefined;
  req.queryCache = undefined;
  req.pathUrl = undefined;
  req.pathCache = '';
}

/**
 * Makes a plain http.IncomingMessage (from a server Keel did not create) a Request; a Request is
 * returned as it is.
 */
export function adoptRequest(req: http.IncomingMessage): Request {
  if (req instanceof Request) return req;
  Object.setPrototypeOf(req, Request.prototype);
  const adopted = req as Request;
  initRequest(adopted);
  return adopted;
}
