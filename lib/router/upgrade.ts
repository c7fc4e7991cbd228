// The seam between routing and WebSockets: what an upgrade request carries while it runs through
// the middleware stack, so that a `ws` route's endpoint can complete the handshake.

import type { Request, Params } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { WebSocket } from '../websocket/websocket.js';
import type { WebSocketOptions } from '../websocket/options.js';

/** `handler(ws, req)` of `app.ws(path, ...middleware, handler)`: runs after a successful handshake. */
export type WebSocketHandler<P = Params> = (ws: WebSocket, req: Request<P>) => unknown;

/** Set on an upgrade request by the app; read by the endpoint `router.ws()` registers. */
export const kUpgrade: unique symbol = Symbol('keel.upgrade');

export interface UpgradeContext {
  /** Completes the handshake with the route's options and hands the socket to `handler`. */
  accept(req: Request, res: Response, options: WebSocketOptions | undefined, handler: WebSocketHandler): void;
}

export interface UpgradeTagged {
  [kUpgrade]?: UpgradeContext;
}
