// Keel's public surface: re-exports only.

export { HttpError } from './http/errors.js';
export type { HttpErrorOptions } from './http/errors.js';
export { Request } from './http/request.js';
export type { Params, Query, RequestApp } from './http/request.js';
export { Response } from './http/response.js';
export type {
  NextFunction,
  RequestHandler,
  ErrorRequestHandler,
  Handler,
  HandlerArg,
  RequestHandlerArg,
  ErrorHandlerArg,
  ParamHandler,
} from './router/handler.js';

// Core: app and router
export { createApp } from './app.js';
export type { App, AppOptions, ServerOptions } from './app.js';
export { Router } from './router/router.js';
export type { RouterOptions, RouterCore, RouteMethod, ParamsOf } from './router/router.js';
export { Route } from './router/route.js';
export type { Method } from './router/methods.js';
export type { PathInput, RouteParams } from './router/path.js';

// WebSocket (RFC 6455): lib/websocket/
export { WebSocket } from './websocket/websocket.js';
export type { SendOptions, WebSocketData, WebSocketReadyState } from './websocket/websocket.js';
export { connect } from './websocket/client.js';
export type { ConnectOptions } from './websocket/client.js';
export { acceptUpgrade } from './websocket/handshake.js';
export { TopicRegistry } from './websocket/topics.js';
export type { PublishOptions } from './websocket/topics.js';
export { resolveWebSocketOptions } from './websocket/options.js';
export type {
  WebSocketOptions,
  ResolvedWebSocketOptions,
  OriginCheck,
  ProtocolHandler,
  PublishOverflowPolicy,
} from './websocket/options.js';
export { WebSocketError } from './websocket/errors.js';
export type { WebSocketErrorCode } from './websocket/errors.js';

// Cookies and sessions (issue 4).
export { parseCookie } from './cookie/parse.js';
export type { ParseCookieOptions, CookieMap } from './cookie/parse.js';
export { serializeCookie } from './cookie/serialize.js';
export type { CookieOptions, CookieSameSite, CookiePriority } from './cookie/serialize.js';
export { signCookie, unsignCookie } from './cookie/sign.js';
export type { CookieSecret } from './cookie/sign.js';
export { setCookie, clearCookie } from './cookie/response-cookie.js';
export type { ResponseCookieOptions } from './cookie/response-cookie.js';
export { cookieParser, parseJsonCookie } from './middleware/cookie-parser.js';
export type { CookieParserOptions, CookieParserMiddleware } from './middleware/cookie-parser.js';
export { session } from './middleware/session.js';
export type { SessionOptions, SessionMiddleware } from './middleware/session.js';
export { Session } from './session/session.js';
export type { SessionData, SessionCallback } from './session/session.js';
export { SessionCookie } from './session/cookie.js';
export type { SessionCookieData, SessionCookieOptions, SessionCookieAttributes } from './session/cookie.js';
export { MemoryStore } from './session/memory-store.js';
export type { MemoryStoreOptions } from './session/memory-store.js';
export type { Store, StoreCallback, SessionRecord } from './session/store.js';
