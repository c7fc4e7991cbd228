// Signing in and out, and the guards in front of pages (redirect to the sign-in page) and of the
// JSON API and the WebSocket (401). The session comes from Keel's session() middleware.

import { HttpError, Router, json, urlencoded, type NextFunction, type Request, type Response } from '../lib/index.js';
import { sameOrigin } from './security.js';
import type { Users } from './users.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'keel.demo.sid';

/** The signed-in user's display name, or undefined. */
export function currentUser(req: Request): string | undefined {
  const user = req.session?.['user'];
  return typeof user === 'string' ? user : undefined;
}

/** Pages: without a session, go to the sign-in page (and come back after). */
export function requirePage(req: Request, res: Response, next: NextFunction): unknown {
  if (currentUser(req) !== undefined) return next();
  res.redirect(303, '/signin');
  return undefined;
}

/** API and WebSocket: without a session, 401 (for an upgrade, before the handshake). */
export function requireApi(req: Request, _res: Response, next: NextFunction): unknown {
  if (currentUser(req) !== undefined) return next();
  throw new HttpError(401, 'Sign in first', { code: 'DEMO_SIGNED_OUT' });
}

/** Error codes the sign-in page knows how to explain (never free text from the request). */
const SIGN_IN_ERRORS = new Set(['bad_name', 'bad_password', 'wrong_password', 'busy', 'expired']);

const SIGN_IN_STATUS: Record<string, number> = { wrong_password: 401, busy: 503 };

export interface AuthHooks {
  /** Called after a session ends (sign-out), so its WebSockets can be closed. */
  signedOut(sessionId: string): void;
}

/**
 * POST /signin and POST /signout, as HTML forms (urlencoded, answered with 303 redirects) or as
 * JSON (answered with JSON), both same-origin only.
 */
export function authRoutes(users: Users, hooks: AuthHooks): Router {
  const router = Router();
  const bodies = [urlencoded({ limit: '4kb' }), json({ limit: '4kb' })];

  router.post('/signin', sameOrigin, ...bodies, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const wantsJson = req.is('json') === 'json';
    const result = await users.signIn(body['name'], body['password']);
    if (!result.ok) {
      if (wantsJson) {
        res.status(SIGN_IN_STATUS[result.code] ?? 400).json({ error: { code: result.code, message: result.message } });
      } else {
        res.redirect(303, `/signin?error=${SIGN_IN_ERRORS.has(result.code) ? result.code : 'bad_name'}`);
      }
      return;
    }
    // A new session id at sign-in: an id planted before sign-in (session fixation) is worth nothing.
    await req.session.regenerate();
    req.session['user'] = result.name;
    if (wantsJson) res.json({ name: result.name, created: result.created });
    else res.redirect(303, '/chat');
  });

  router.post('/signout', sameOrigin, ...bodies, async (req, res) => {
    const id = req.sessionID;
    if (req.session !== undefined) await req.session.destroy();
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    if (id !== undefined) hooks.signedOut(id);
    if (req.is('json') === 'json' || req.accepts('html', 'json') === 'json') res.status(204).end();
    else res.redirect(303, '/signin');
  });

  return router;
}
