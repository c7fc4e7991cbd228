// The demo's own defences: same-origin checks against cross-site request forgery (for forms, the
// JSON API and the WebSocket), and the headers every page carries (Content-Security-Policy ...).

import type { IncomingMessage } from 'node:http';
import { HttpError, type NextFunction, type Request, type Response } from '../lib/index.js';

/** The origin this request was addressed to, as a browser would write it ('http://host:port'). */
export function ownOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return undefined;
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? 'https' : 'http'}://${host.toLowerCase()}`;
}

/**
 * True when a browser says the request comes from another site. Browsers send `Sec-Fetch-Site`
 * (Fetch Metadata) and `Origin` on every POST and WebSocket handshake; clients that send neither are
 * not browsers, and cannot carry a victim's cookies, so they pass (the approach of Go's
 * http.CrossOriginProtection).
 */
export function isCrossOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  return origin.toLowerCase() !== ownOrigin(req);
}

/** Middleware for state-changing routes: a cross-site request is a 403. */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): unknown {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (isCrossOrigin(req)) throw new HttpError(403, 'Cross-site request refused', { code: 'DEMO_CROSS_SITE' });
  return next();
}

/** The WebSocket `origins` check: the handshake's Origin must be this server's own (or absent). */
export function sameOriginWebSocket(origin: string | undefined, req: IncomingMessage): boolean {
  return origin === undefined || origin.toLowerCase() === ownOrigin(req);
}

/**
 * Pages load only their own scripts and styles (no inline code at all), talk only to their own
 * origin (CSP 'self' covers ws: to the same host), and cannot be framed.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers for every response. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): unknown {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  return next();
}
