// Layer: one entry of a Router's stack — a path matcher plus either a middleware function, a
// mounted router, or a Route (the handlers of one path, by method).

import type { Request, Params } from '../http/request.js';
import { bareObject } from '../http/bare-object.js';
import type { Response } from '../http/response.js';
import type { PathMatcher } from './path.js';
import type { Dispatcher, Pending } from './invoke.js';
import type { Route } from './route.js';

/** What a mounted router or app offers its parent: dispatch without allocating a `next` closure. */
export interface Mountable {
  dispatch(req: Request, res: Response, parent: Dispatcher): Pending;
}

export const kMountable: unique symbol = Symbol('keel.mountable');

type AnyHandler = (...args: never[]) => unknown;

export class Layer {
  readonly matcher: PathMatcher;
  readonly handle: AnyHandler | undefined;
  /** Set for `router.route(path)` layers. */
  readonly route: Route | undefined;
  /** Set when `handle` is a Keel Router or app: it is entered directly. */
  readonly mounted: Mountable | undefined;
  /** Error middleware is recognised, as in Express, by declaring four parameters. */
  readonly isError: boolean;
  /** Param names of the path, for app.param() callbacks. */
  readonly keys: readonly string[];
  /** Whether the path was compiled case-sensitively (route lookup groups by it). */
  readonly caseSensitive: boolean;
  /**
   * The matcher's everyPath, copied here: read once per layer per request, and a Layer field is
   * one monomorphic load where matchers of several classes would make the read polymorphic.
   */
  readonly everyPath: boolean;
  /**
   * Plain middleware at the root: matches every path, strips nothing, takes no params, is not
   * error middleware, a route or a mounted router. The router steps over such layers on a short
   * path (see RouterDispatch.advance()).
   */
  readonly plain: boolean;

  constructor(matcher: PathMatcher, handle: AnyHandler | undefined, route: Route | undefined, caseSensitive: boolean) {
    this.matcher = matcher;
    this.caseSensitive = caseSensitive;
    this.handle = handle;
    this.route = route;
    const m = handle === undefined ? undefined : (handle as unknown as { [kMountable]?: Mountable })[kMountable];
    this.mounted = m;
    this.isError = handle !== undefined && m === undefined && handle.length === 4;
    this.keys = matcher.keys;
    this.everyPath = matcher.everyPath === true;
    this.plain = this.everyPath && route === undefined && m === undefined && !this.isError && this.keys.length === 0;
  }
}

/** A fresh params object (no inherited keys) holding `parent`'s values, then `own`'s. */
export function mergeParams(parent: Params, own: Params): Params {
  const out = bareObject<Params>();
  for (const k in parent) out[k] = parent[k]!;
  for (const k in own) out[k] = own[k]!;
  return out;
}
