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
