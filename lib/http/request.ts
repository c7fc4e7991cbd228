// Request: Keel's http.IncomingMessage. node:http constructs it for every request (see
// createServer's IncomingMessage option), so its helpers cost nothing until they are used.

import http from 'node:http';
import type { Response } from './response.js';

/** Route parameters: `:name` gives a string, `*name` gives an array of segments. */
export type Params = Record<string, string | string[]>;

/** Repeated query keys become arrays. The object has a null prototype. */
export type Query = Record<string, string | string[]>;

/** What a Request needs of its app: settings. Implemented by the app in lib/app.ts. */
export interface RequestApp {
  get(setting: string): unknown;
}

export class Request<P = Params> extends http.IncomingMessage {
  /** The app handling this request (settings: trust proxy, subdomain offset ...). */
  declare app: RequestApp;
  /** The response paired with this request. */
  declare res: Response;
  /** Route parameters of the matched route, decoded. Null prototype. */
  params: P = Object.create(null) as P;
  /** The path this request's router was mounted at ('' at the top). */
  baseUrl = '';
  /** The URL as the client sent it, before any mount-path stripping. */
  originalUrl = '';
  /** The route that matched, while its handlers run. */
  route: unknown = undefined;
  /** Set by body parsers; `undefined` when no parser matched (as in Express 5). */
  body: unknown = undefined;
  /** Set by cookieParser(). */
  cookies: Record<string, string> = Object.create(null) as Record<string, string>;
  /** Set by cookieParser(secret): verified signed cookies; forged ones are `false`. */
  signedCookies: Record<string, string | false> = Object.create(null) as Record<string, string | false>;
  /** Set by cookieParser(secret): the first secret. */
  secret: string | undefined = undefined;
}
