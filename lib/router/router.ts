// Router: an ordered stack of layers (middleware, mounted routers, routes) and the loop that walks
// it for a request, with Express 5 semantics: `next()`, `next(err)`, `next('route')`,
// `next('router')`, error middleware by arity, mount-path stripping restored on the way out.

import type { Request, Params } from '../http/request.js';
import { bareObject } from '../http/bare-object.js';
import type { Response } from '../http/response.js';
import type { ErrorHandlerArg, HandlerArg, NextFunction, ParamHandler, RequestHandlerArg } from './handler.js';
import { RESOLVED } from '../http/resolved.js';
import { CallKind, invoke, type Dispatcher, type Pending } from './invoke.js';
import { kMountable, Layer, mergeParams, type Mountable } from './layer.js';
import { METHODS, methodKey, type Method } from './methods.js';
import { compilePath, type PathInput, type RouteParams } from './path.js';
import { flattenHandlers, Route, WS_METHOD } from './route.js';
import { pathOf } from './url.js';
import { resolveWebSocketOptions, type WebSocketOptions } from '../websocket/options.js';
import { kUpgrade, type UpgradeTagged, type WebSocketHandler } from './upgrade.js';
import { buildRouteIndex, firstSegmentOf, type RouteIndex } from './route-index.js';

export interface RouterOptions {
  /** '/Users' and '/users' are different paths. Default false. */
  caseSensitive?: boolean;
  /** '/users' and '/users/' are different paths. Default false. */
  strict?: boolean;
  /** Params of the path this router is mounted at are visible in its handlers. Default false. */
  mergeParams?: boolean;
}

/** Route params typed from a path literal; `Params` for anything else. */
export type ParamsOf<Path> = Path extends string ? RouteParams<Path> : Params;

/**
 * `router.get(path, ...handlers)` and friends. The overloads exist for type inference: plain
 * request handlers, then error handlers, then any mix (whose parameters you annotate).
 */
export interface RouteMethod<Self> {
  <const Path extends PathInput>(path: Path, ...handlers: RequestHandlerArg<ParamsOf<Path>>[]): Self;
  <const Path extends PathInput>(path: Path, ...handlers: ErrorHandlerArg<ParamsOf<Path>>[]): Self;
  <const Path extends PathInput>(path: Path, ...handlers: HandlerArg<ParamsOf<Path>>[]): Self;
}

export type RouterMethods<Self> = { [M in Exclude<Method, 'get'>]: RouteMethod<Self> };

/** What routers and apps share: use, route methods, all, route, param. */
export interface RouterCore<Self> extends RouterMethods<Self> {
  /** Middleware for every request whose path starts with `path` (default '/'). */
  use(...handlers: RequestHandlerArg[]): Self;
  use(...handlers: ErrorHandlerArg[]): Self;
  use(...handlers: HandlerArg[]): Self;
  use<const Path extends PathInput>(path: Path, ...handlers: RequestHandlerArg<ParamsOf<Path>>[]): Self;
  use<const Path extends PathInput>(path: Path, ...handlers: ErrorHandlerArg<ParamsOf<Path>>[]): Self;
  use<const Path extends PathInput>(path: Path, ...handlers: HandlerArg<ParamsOf<Path>>[]): Self;
  /** Handlers for every method at `path`. */
  all: RouteMethod<Self>;
  /** A Route for `path`, to chain methods: `router.route('/a').get(f).post(g)`. */
  route<const Path extends PathInput>(path: Path): Route<ParamsOf<Path>>;
  /** Callbacks run once per request when a matched path has the parameter `name`. */
  param(name: string, fn: ParamHandler): Self;
  /**
   * A WebSocket route: matches only upgrade requests, which run through the whole stack first
   * (so cookies, sessions, auth apply); `handler(ws, req)` runs after the handshake. Options for
   * this route (maxPayload, protocols, origins ...) may come right after the path.
   */
  ws<const Path extends PathInput>(
    path: Path,
    ...args: [...RequestHandlerArg<ParamsOf<Path>>[], WebSocketHandler<ParamsOf<Path>>]
  ): Self;
  ws<const Path extends PathInput>(
    path: Path,
    options: WebSocketOptions,
    ...args: [...RequestHandlerArg<ParamsOf<Path>>[], WebSocketHandler<ParamsOf<Path>>]
  ): Self;
  /** The layers, in order. */
  readonly stack: Layer[];
}

export interface Router extends RouterCore<Router> {
  get: RouteMethod<Router>;
  /** A router is itself middleware. */
  (req: Request, res: Response, next: NextFunction): Promise<void>;
}

/** Fields every router (and app) carries; kept in one shape for the engine. */
interface RouterState {
  /** The public `stack`: `layers` seen through a proxy that counts every change made through it. */
  stack: Layer[];
  /** The layers themselves, read directly by dispatch. */
  layers: Layer[];
  /** Changes made to the stack so far (use(), route(), or the app's own splice/unshift/assignment). */
  stackVersion: number;
  /** Lookup for long runs of routes, rebuilt when the stack has changed since it was built. */
  routeIndex: RouteIndex | undefined;
  indexedVersion: number;
  params: Record<string, ParamHandler[]> | undefined;
  caseSensitive: boolean;
  strict: boolean;
  mergeParams: boolean;
}

type RouterThis = RouterState & RouterInternals;

interface RouterInternals {
  layerOptions(): { caseSensitive: boolean; strict: boolean };
  onMount?(child: unknown, path: PathInput): void;
  dispatch(req: Request, res: Response, parent: Dispatcher): Pending;
}

function isPathArg(a: unknown): boolean {
  if (Array.isArray(a)) return a.length !== 0 && typeof a[0] !== 'function' && !Array.isArray(a[0]);
  return typeof a === 'string' || a instanceof RegExp;
}

/** Methods shared by Router and the app (which is a router with settings). */
export const routerPrototype = {
  use(this: RouterThis, ...args: unknown[]) {
    let path: PathInput = '/';
    if (args.length > 0 && isPathArg(args[0])) path = args.shift() as PathInput;
    const handlers = flattenHandlers(args, 'use()');
    if (handlers.length === 0) throw new TypeError('use() requires at least one handler function');
    const { caseSensitive } = this.layerOptions();
    for (const fn of handlers) {
      const matcher = compilePath(path, { end: false, strict: false, caseSensitive });
      this.stack.push(new Layer(matcher, fn, undefined, caseSensitive));
      this.onMount?.(fn, path);
    }
    return this;
  },

  route(this: RouterThis, path: PathInput): Route {
    const { caseSensitive, strict } = this.layerOptions();
    const matcher = compilePath(path, { end: true, strict, caseSensitive });
    const route = new Route(path);
    this.stack.push(new Layer(matcher, undefined, route, caseSensitive));
    return route;
  },

  all(this: RouterThis & { route(p: PathInput): Route }, path: PathInput, ...handlers: unknown[]) {
    this.route(path).all(...(handlers as HandlerArg[]));
    return this;
  },

  param(this: RouterThis, name: string, fn: ParamHandler) {
    if (typeof name !== 'string' || name === '') throw new TypeError('param() requires a parameter name');
    if (typeof fn !== 'function') throw new TypeError('param() requires a callback function');
    if (this.params === undefined) this.params = Object.create(null) as Record<string, ParamHandler[]>;
    (this.params[name] ??= []).push(fn);
    return this;
  },

  ws(this: RouterThis & { route(p: PathInput): Route }, path: PathInput, ...args: unknown[]) {
    let options: WebSocketOptions | undefined;
    const first = args[0];
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
      options = args.shift() as WebSocketOptions;
      resolveWebSocketOptions(options); // validates now: a bad option is a TypeError at registration
    }
    const handler = args.pop();
    if (typeof handler !== 'function') throw new TypeError('ws() requires a handler function (ws, req) as its last argument');
    const middleware = flattenHandlers(args, 'ws()');
    const endpoint = function webSocketEndpoint(req: Request, res: Response, next: NextFunction): unknown {
      const upgrade = (req as UpgradeTagged)[kUpgrade];
      if (upgrade === undefined) return next();
      upgrade.accept(req, res, options, handler as WebSocketHandler);
      return undefined;
    };
    this.route(path).addHandlers(WS_METHOD, [...middleware, endpoint]);
    return this;
  },

  layerOptions(this: RouterState) {
    return { caseSensitive: this.caseSensitive, strict: this.strict };
  },

  /** Entered by a parent router (or the app) for a request: walks this stack, then exits to parent. */
  dispatch(this: RouterThis, req: Request, res: Response, parent: Dispatcher): Pending {
    return new RouterDispatch(this, req, res, parent).advance(undefined);
  },
};

// Routers and apps are functions (middleware, request listeners): keep call/apply/bind reachable.
Object.setPrototypeOf(routerPrototype, Function.prototype);

for (const method of METHODS) {
  Object.defineProperty(routerPrototype, method, {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function (this: { route(p: PathInput): Route }, path: PathInput, ...handlers: unknown[]) {
      this.route(path).addHandlers(method, handlers);
      return this;
    },
  });
}

/** Adapts a `next` function to the Dispatcher its exit calls. */
class NextExit implements Dispatcher {
  constructor(
    readonly req: Request,
    readonly res: Response,
    private readonly next: NextFunction,
  ) {}
  advance(err: unknown): Pending {
    return this.next(err);
  }
}

/** Creates a Router: `const r = Router(); r.get('/', handler); app.use('/base', r)`. */
export function Router(options: RouterOptions = {}): Router {
  if (options === null || typeof options !== 'object') throw new TypeError('Router options must be an object');
  const router = function (req: Request, res: Response, next: NextFunction): Promise<void> {
    return router.dispatch(req, res, new NextExit(req, res, next)) ?? RESOLVED;
  } as unknown as Router & RouterThis;
  Object.setPrototypeOf(router, routerPrototype);
  initRouter(router, options);
  return router;
}

/** Gives a router function its own state. Also used by createApp(). */
export function initRouter(router: object, options: RouterOptions): void {
  const r = router as RouterThis & { [kMountable]: Mountable };
  const layers: Layer[] = [];
  r.layers = layers;
  r.stackVersion = 0;
  // Apps change their stack behind the router's back (Express apps move or replace layers with
  // splice/unshift/assignment); any such change, even one that keeps its length, must rebuild the
  // route index. Writes through this proxy are counted; dispatch reads `layers` directly.
  r.stack = new Proxy(layers, {
    set(target, key, value) {
      r.stackVersion++;
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      r.stackVersion++;
      return Reflect.deleteProperty(target, key);
    },
    defineProperty(target, key, descriptor) {
      r.stackVersion++;
      return Reflect.defineProperty(target, key, descriptor);
    },
  });
  r.routeIndex = undefined;
  r.indexedVersion = -1;
  r.params = undefined;
  r.caseSensitive = options.caseSensitive === true;
  r.strict = options.strict === true;
  r.mergeParams = options.mergeParams === true;
  r[kMountable] = r;
}

/** The method key a request dispatches under: lowercase method, or 'ws' for WebSocket upgrades. */
export const kMethodKey: unique symbol = Symbol('keel.methodKey');
export interface DispatchTagged {
  [kMethodKey]?: string;
}

/** The state of one router's walk for one request. */
class RouterDispatch implements Dispatcher {
  private i = 0;
  /** Inside an indexed run of routes: the stack indices still to try, and the position in them. */
  private candidates: readonly number[] | undefined = undefined;
  private c = 0;
  private blockEnd = 0;
  /** Prefix removed from req.url by the layer now running ('' when none). */
  private removed = '';
  private slashAdded = false;
  private readonly baseUrl: string;
  private readonly url: string;
  private readonly parentParams: Params;
  private readonly method: string;
  /** Param values already run through app.param() callbacks, for this request. */
  private paramCalled: Record<string, string> | undefined;
  /** Methods of routes whose path matched, for an automatic OPTIONS answer. */
  private allowed: string[] | undefined;
  /** req.params for layers that match every path (advance() and walk()); made on first use. */
  private noParams: Params | undefined = undefined;
  /** The path of `pathUrl` (req.url changes where a layer strips a mount path, or middleware rewrites). */
  private pathUrl: string;
  private path: string;
  /**
   * Whether `path` starts with '/' (a request for '*' does not). Derived from `path` and set with
   * it (constructor, walk()): the fast step in advance() reads it once per middleware, where a
   * character read of the string is a dozen instructions more.
   */
  private rooted: boolean;

  // The router's fields, read once per dispatch into this object, whose one shape keeps the reads
  // of the loop below (once per layer) monomorphic: routers and apps are functions of several
  // kinds (a Router, an app, a sub-app).
  private readonly stack: readonly Layer[];
  private readonly index: RouteIndex;
  private readonly mergeParams: boolean;
  private readonly paramHandlerMap: Record<string, ParamHandler[]> | undefined;

  constructor(
    router: RouterThis,
    readonly req: Request,
    readonly res: Response,
    private readonly parent: Dispatcher,
  ) {
    const stack = router.layers;
    if (router.indexedVersion !== router.stackVersion) {
      router.routeIndex = buildRouteIndex(stack);
      router.indexedVersion = router.stackVersion;
    }
    this.stack = stack;
    this.index = router.routeIndex!;
    this.mergeParams = router.mergeParams;
    this.paramHandlerMap = router.params;
    this.baseUrl = req.baseUrl;
    this.url = req.url!;
    this.pathUrl = this.url;
    this.path = pathOf(this.url);
    this.rooted = this.path.charCodeAt(0) === 47; // '/'
    this.parentParams = req.params;
    this.method = (req as DispatchTagged)[kMethodKey] ?? methodKey(req.method!);
  }

  /**
   * Runs the next matching layer. This is what every `next()` calls, so the commonest step has a
   * short path of its own: the next layer is plain middleware (Layer.plain), nothing is to be
   * restored, and the URL is the one whose path was computed. Everything else is walk()'s. (Kept
   * small on purpose: with walk() folded in, each pass-through middleware cost about 12 ns more,
   * measured over 10 and 100 layers.)
   */
  advance(err: unknown): Pending {
    if (err === undefined && this.candidates === undefined && this.removed === '' && !this.slashAdded) {
      const layer = this.stack[this.i];
      const req = this.req;
      // (`=== true`: one comparison, where a truthiness test of a field is several; see invoke.ts.)
      if (layer !== undefined && layer.plain === true && req.url === this.pathUrl && this.rooted === true) {
        this.i++;
        this.setParams(req, (this.noParams ??= bareObject<Params>()));
        return invoke(this, layer.handle!, CallKind.Request, undefined);
      }
    }
    return this.walk(err);
  }

  /** The general step: undo a mount-path strip, then find the next layer that matches, and run it. */
  private walk(err: unknown): Pending {
    const req = this.req;
    if (this.removed !== '' || this.slashAdded) {
      // Undo the previous layer's mount-path stripping.
      const url = this.slashAdded ? req.url!.slice(1) : req.url!;
      req.url = this.removed + url;
      req.baseUrl = this.baseUrl;
      this.removed = '';
      this.slashAdded = false;
    }
    // `err` is undefined on almost every step: test that first, so the comparisons with 'router'
    // and 'route' (which V8 makes through a generic equality when `err` may be anything) are skipped.
    let error: unknown = undefined;
    if (err !== undefined) {
      if (err === 'router') return this.exit(undefined);
      if (err !== 'route' && err) error = err;
    }

    const stack = this.stack;
    const index = this.index;
    const url = req.url!;
    if (url !== this.pathUrl) {
      this.pathUrl = url;
      this.path = pathOf(url);
      this.rooted = this.path.charCodeAt(0) === 47; // '/'
    }
    const path = this.path;
    for (;;) {
      let layer: Layer;
      if (this.candidates !== undefined) {
        if (this.c < this.candidates.length) {
          layer = stack[this.candidates[this.c++]!]!;
        } else {
          this.i = this.blockEnd;
          this.candidates = undefined;
          continue;
        }
      } else {
        if (this.i >= stack.length) break;
        const block = index[this.i];
        if (block !== undefined) {
          if (error !== undefined) {
            this.i = block.end; // routes never take errors: skip the whole run
            continue;
          }
          const seg = firstSegmentOf(path, block.caseSensitive);
          this.candidates = block.byFirstSegment.get(seg) ?? block.varying;
          this.c = 0;
          this.blockEnd = block.end;
          continue;
        }
        layer = stack[this.i++]!;
      }
      if (error !== undefined && layer.route !== undefined) continue;
      let matched = 0;
      let params: Params;
      if (layer.everyPath && this.rooted) {
        // Middleware used at the root, the commonest layer: no match() call, no match object, and
        // one empty params object shared by all such layers of this dispatch (so a key one of them
        // writes into req.params is seen by the next; Express gives each layer its own object, at
        // about 6 ns a layer more, measured).
        params = this.noParams ??= bareObject<Params>();
      } else {
        let m;
        try {
          m = layer.matcher.match(path);
        } catch (e) {
          // A param that fails to %-decode: a 400 that error handlers can see.
          if (error === undefined) error = e;
          continue;
        }
        if (m === null) continue;
        matched = m.matched;
        params = m.params;
      }
      const route = layer.route;
      let key: string | undefined;
      if (route !== undefined) {
        if (error !== undefined) continue;
        key = route.methodKey(this.method);
        if (key === undefined) {
          if (this.method === 'options') (this.allowed ??= []).push(...route.allowedMethods());
          continue;
        }
      } else if (error === undefined ? layer.isError : !layer.isError) {
        continue; // error middleware only sees errors, other middleware (and routers) only requests
      }

      this.setParams(req, params);
      if (this.paramHandlerMap !== undefined && layer.keys.length !== 0) {
        return new ParamDispatch(this, layer, key, matched, path, error).advance(undefined);
      }
      return this.call(layer, key, matched, path, error);
    }
    return this.exit(error);
  }

  /** req.params for a matched layer: its own, or (mergeParams) the parent's with its own over them. */
  private setParams(req: Request, params: Params): void {
    req.params = this.mergeParams ? mergeParams(this.parentParams, params) : params;
  }

  /** Runs a matched layer (after its param callbacks). */
  call(layer: Layer, key: string | undefined, matched: number, path: string, error: unknown): Pending {
    const req = this.req;
    if (layer.route !== undefined) {
      req.route = layer.route;
      return layer.route.dispatch(req, this.res, this, key!);
    }
    if (matched !== 0) {
      // Strip the mount path: the layer sees req.url relative to where it is mounted.
      const removed = path.slice(0, matched);
      let url = req.url!.slice(matched);
      if (url.charCodeAt(0) !== 47 /* / */) {
        url = '/' + url;
        this.slashAdded = true;
      }
      req.url = url;
      req.baseUrl = this.baseUrl + removed;
      this.removed = removed;
    }
    if (layer.mounted !== undefined) return layer.mounted.dispatch(req, this.res, this);
    if (error !== undefined) return invoke(this, layer.handle!, CallKind.Error, error);
    return invoke(this, layer.handle!, CallKind.Request, undefined);
  }

  /** Leaves this router: restores what it changed on req, then continues in the parent. */
  private exit(err: unknown): Pending {
    const req = this.req;
    req.baseUrl = this.baseUrl;
    req.url = this.url;
    req.params = this.parentParams;
    if (this.allowed !== undefined && err === undefined) {
      (req as { allowedMethods?: string[] }).allowedMethods = this.allowed;
    }
    return this.parent.advance(err);
  }

  /** Whether app.param() callbacks already ran for `name` with `value` in this request. */
  paramSeen(name: string, value: string): boolean {
    if (this.paramCalled === undefined) this.paramCalled = Object.create(null) as Record<string, string>;
    if (this.paramCalled[name] === value) return true;
    this.paramCalled[name] = value;
    return false;
  }

  paramHandlers(name: string): ParamHandler[] | undefined {
    return this.paramHandlerMap?.[name];
  }
}

/** Runs app.param() callbacks for a matched layer's params, in order, then the layer. */
class ParamDispatch implements Dispatcher {
  private keyIndex = 0;
  private fnIndex = 0;
  private fns: ParamHandler[] | undefined;
  private name = '';
  private value = '';
  readonly req: Request;
  readonly res: Response;

  constructor(
    private readonly owner: RouterDispatch,
    private readonly layer: Layer,
    private readonly key: string | undefined,
    private readonly matched: number,
    private readonly path: string,
    private readonly error: unknown,
  ) {
    this.req = owner.req;
    this.res = owner.res;
  }

  advance(err: unknown): Pending {
    if (err) return this.owner.advance(err);
    for (;;) {
      if (this.fns !== undefined && this.fnIndex < this.fns.length) {
        const fn = this.fns[this.fnIndex++]!;
        return invoke(this, fn, CallKind.Param, undefined, this.value, this.name);
      }
      if (this.keyIndex >= this.layer.keys.length) {
        return this.owner.call(this.layer, this.key, this.matched, this.path, this.error);
      }
      const name = this.layer.keys[this.keyIndex++]!;
      const raw = this.req.params[name];
      const fns = this.owner.paramHandlers(name);
      this.fns = undefined;
      if (fns === undefined || raw === undefined) continue;
      const value = Array.isArray(raw) ? raw.join('/') : raw;
      if (this.owner.paramSeen(name, value)) continue;
      this.fns = fns;
      this.fnIndex = 0;
      this.name = name;
      this.value = value;
    }
  }
}

