// Route: the handlers registered for one path (`app.route(path).get(...).post(...)`), by method.
// Dispatch walks them in order; `next('route')` leaves the route, `next('router')` the router.

import type { Params } from '../http/request.js';
import type { ErrorHandlerArg, HandlerArg, RequestHandlerArg } from './handler.js';
import { CallKind, invoke, type Dispatcher, type Pending } from './invoke.js';
import { METHODS, type Method } from './methods.js';
import type { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import { bareObjectMaker } from '../http/bare-object.js';

type AnyHandler = (...args: never[]) => unknown;

// Routes' method sets have a constructor of their own (bare-object.ts says why).
const newMethods = bareObjectMaker<Record<string, true>>();

/** The method key WebSocket routes are registered under; an upgrade request dispatches with it. */
export const WS_METHOD = 'ws';

interface RouteEntry {
  /** Lowercased method, or undefined for `all`. */
  readonly method: string | undefined;
  readonly handle: AnyHandler;
  readonly isError: boolean;
}

/** Flattens nested arrays of handlers and checks that each is a function. */
export function flattenHandlers(args: readonly unknown[], where: string): AnyHandler[] {
  const out: AnyHandler[] = [];
  const visit = (a: unknown): void => {
    if (Array.isArray(a)) for (const x of a) visit(x);
    else if (typeof a === 'function') out.push(a as AnyHandler);
    else throw new TypeError(`${where} requires a handler function, got ${a === null ? 'null' : typeof a}`);
  };
  for (const a of args) visit(a);
  return out;
}

interface RouteMethodFn<P extends Params> {
  (...handlers: RequestHandlerArg<P>[]): Route<P>;
  (...handlers: ErrorHandlerArg<P>[]): Route<P>;
  (...handlers: HandlerArg<P>[]): Route<P>;
}
export type RouteMethods<P extends Params> = { [M in Method]: RouteMethodFn<P> };

export interface Route<P extends Params = Params> extends RouteMethods<P> {}

export class Route<P extends Params = Params> {
  readonly path: unknown;
  readonly stack: RouteEntry[] = [];
  /**
   * Methods with at least one handler (lowercase). A bare object rather than Object.create(null),
   * which V8 keeps in slow dictionary mode: methodKey() reads it on every routed request (a
   * dictionary lookup cost about 100 instructions more per request, spec/bench/instructions.mjs).
   */
  private readonly methods: Record<string, true> = newMethods();
  private hasAll = false;

  constructor(path: unknown) {
    this.path = path;
  }

  all(...handlers: RequestHandlerArg<P>[]): this;
  all(...handlers: ErrorHandlerArg<P>[]): this;
  all(...handlers: HandlerArg<P>[]): this;
  all(...handlers: HandlerArg<P>[]): this {
    for (const h of flattenHandlers(handlers, 'Route.all()')) {
      this.stack.push({ method: undefined, handle: h, isError: h.length === 4 });
    }
    this.hasAll = true;
    return this;
  }

  /** Adds handlers for one method (lowercase), as `route.get(...)` does. */
  addHandlers(method: string, handlers: readonly unknown[]): this {
    for (const h of flattenHandlers(handlers, `Route.${method}()`)) {
      this.stack.push({ method, handle: h, isError: h.length === 4 });
    }
    this.methods[method] = true;
    return this;
  }

  /**
   * The method key this route dispatches `method` under, or undefined when it has no handler for
   * it. HEAD falls back to GET (RFC 9110 §9.3.2: HEAD is GET without the content).
   */
  methodKey(method: string): string | undefined {
    if (method === WS_METHOD) return this.methods[WS_METHOD] ? WS_METHOD : undefined;
    if (this.methods[method]) return method;
    if (method === 'head' && this.methods.get) return 'get';
    return this.hasAll ? method : undefined;
  }

  /** Uppercase methods this route answers, for an automatic OPTIONS `Allow` header. */
  allowedMethods(): string[] {
    const out: string[] = [];
    for (const m in this.methods) {
      if (m === WS_METHOD) continue;
      out.push(m.toUpperCase());
      if (m === 'get') out.push('HEAD');
    }
    return out;
  }

  /** Runs this route's handlers for `key` (from methodKey); exits to `parent`. */
  dispatch(req: Request, res: Response, parent: Dispatcher, key: string): Pending {
    const stack = this.stack;
    if (stack.length === 1) {
      // The commonest route, one handler: its next() goes straight to `parent`. That is what a
      // RouteDispatch would do after its last handler, for every value next() can be given
      // ('route' and 'router' included), so the walk needs no object of its own.
      const only = stack[0]!;
      if (!only.isError && (only.method === undefined || only.method === key)) {
        return invoke(parent, only.handle, CallKind.Request, undefined);
      }
    }
    return new RouteDispatch(stack, req, res, parent, key).advance(undefined);
  }
}

for (const method of METHODS) {
  Object.defineProperty(Route.prototype, method, {
    configurable: true,
    writable: true,
    value: function (this: Route, ...handlers: unknown[]) {
      return this.addHandlers(method, handlers);
    },
  });
}

class RouteDispatch implements Dispatcher {
  private i = 0;
  constructor(
    private readonly stack: readonly RouteEntry[],
    readonly req: Request,
    readonly res: Response,
    private readonly parent: Dispatcher,
    private readonly key: string,
  ) {}

  advance(err: unknown): Pending {
    let error: unknown = undefined;
    if (err !== undefined) {
      // (Tested only when set: see RouterDispatch.walk().)
      if (err === 'route') return this.parent.advance(undefined);
      if (err === 'router') return this.parent.advance('router');
      if (err) error = err;
    }
    const stack = this.stack;
    while (this.i < stack.length) {
      const entry = stack[this.i++]!;
      if (entry.method !== undefined && entry.method !== this.key) continue;
      if (error === undefined) {
        if (entry.isError) continue;
        return invoke(this, entry.handle, CallKind.Request, undefined);
      }
      if (!entry.isError) continue;
      return invoke(this, entry.handle, CallKind.Error, error);
    }
    return this.parent.advance(error);
  }
}
