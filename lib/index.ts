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

// --- Request and Response helpers (lib/http/) ---
export { adoptRequest } from './http/request.js';
export type { Ranges, ByteRange, RangeOptions } from './http/request.js';
export { adoptResponse } from './http/response.js';
export type { HeaderValue, FormatHandlers, EtagFunction } from './http/response.js';
export type { SendFileOptions, SendFileCallback, SendFileError } from './http/send-file.js';
export { compileTrust } from './http/proxy.js';
export type { TrustFunction, TrustProxyValue } from './http/proxy.js';
export { escapeHtml } from './http/escape.js';
export { statusMessage } from './http/status.js';
export { parseQuery } from './http/query.js';
export { parseRange } from './http/range.js';
// Middleware: body parsers, static files, logger, CORS, compression; in-process requests
export { json } from './middleware/json.js';
export type { JsonOptions } from './middleware/json.js';
export { urlencoded } from './middleware/urlencoded.js';
export type { UrlencodedOptions } from './middleware/urlencoded.js';
export type { FormObject, FormValue } from './middleware/urlencoded-parser.js';
export { text } from './middleware/text.js';
export type { TextOptions } from './middleware/text.js';
export { raw } from './middleware/raw.js';
export type { RawOptions } from './middleware/raw.js';
export type { BodyParserOptions, BodyParserMiddleware, VerifyFunction } from './middleware/body-parser.js';
export type { TypeOption } from './middleware/media-type.js';
export { serveStatic } from './middleware/static.js';
export type { StaticOptions, StaticMiddleware } from './middleware/static.js';
export { logger } from './middleware/logger.js';
export type { LoggerOptions, LogFormat, LogTokens, LoggerMiddleware } from './middleware/logger.js';
export { cors } from './middleware/cors.js';
export type { CorsOptions, CorsOrigin, CorsMiddleware } from './middleware/cors.js';
export { compression } from './middleware/compression.js';
export type { CompressionOptions, CompressionMiddleware, FlushableResponse } from './middleware/compression.js';
export { inject } from './inject.js';
export type { InjectRequest, InjectResponse, InjectListener } from './inject.js';

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
