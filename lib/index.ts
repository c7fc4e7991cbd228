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
