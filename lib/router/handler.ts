// The shapes of the functions a Router calls: middleware, route handlers, error handlers, and
// the `next` they receive. `next()` returns a Promise that settles when everything downstream
// has finished, so `await next()` gives onion-style middleware.

import type { Request, Params } from '../http/request.js';
import type { Response } from '../http/response.js';

/**
 * Passes control to the next matching handler. `next(err)` skips to error handlers,
 * `next('route')` skips the rest of the current route, `next('router')` leaves the current router.
 * The returned Promise settles when everything downstream has finished.
 */
export type NextFunction = (err?: unknown) => Promise<void>;

export type RequestHandler<P extends Params = Params> = (
  req: Request<P>,
  res: Response,
  next: NextFunction,
) => unknown;

export type ErrorRequestHandler<P extends Params = Params> = (
  err: unknown,
  req: Request<P>,
  res: Response,
  next: NextFunction,
) => unknown;

/** A handler or error handler; error handlers are told apart by declaring four parameters. */
export type Handler<P extends Params = Params> = RequestHandler<P> | ErrorRequestHandler<P>;

/** What `use` and route methods accept: handlers, arrays of them (nested), or routers/apps. */
export type HandlerArg<P extends Params = Params> = Handler<P> | readonly HandlerArg<P>[];

/** Request handlers only (no error handlers): lets TypeScript infer `(req, res, next)` types. */
export type RequestHandlerArg<P extends Params = Params> = RequestHandler<P> | readonly RequestHandlerArg<P>[];

/** Error handlers only: lets TypeScript infer `(err, req, res, next)` types. */
export type ErrorHandlerArg<P extends Params = Params> = ErrorRequestHandler<P> | readonly ErrorHandlerArg<P>[];

/** `app.param(name, fn)` callbacks. */
export type ParamHandler = (
  req: Request,
  res: Response,
  next: NextFunction,
  value: string,
  name: string,
) => unknown;
