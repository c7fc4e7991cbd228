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
export type { HeaderValue, FormatHandlers } from './http/response.js';
export { compileTrust } from './http/proxy.js';
export type { TrustFunction, TrustProxyValue } from './http/proxy.js';
export { escapeHtml } from './http/escape.js';
export { statusMessage } from './http/status.js';
export { parseQuery } from './http/query.js';
export { parseRange } from './http/range.js';

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
