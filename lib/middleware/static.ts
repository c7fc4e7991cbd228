// serveStatic(root, options): the static file middleware, for GET and HEAD. The engine (paths,
// validators, ranges, the proof that a file lies inside the root) is http/file-server.ts, which
// res.sendFile() shares.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileServer, type FileServerMode, type StaticOptions } from '../http/file-server.js';

export type { StaticOptions };

/** Returns nothing: the response, or the call to next(), follows from file system callbacks. */
export type StaticMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => unknown) => void;

// GET and HEAD only (405 otherwise); dotfile rules apply to every segment below the root.
const SERVE_STATIC: FileServerMode = { anyMethod: false, dotfileNameOnly: false };

/** Creates the static file middleware. Invalid options throw a TypeError now. */
export function serveStatic(root: string, options: StaticOptions = {}): StaticMiddleware {
  if (typeof root !== 'string' || root.length === 0) throw new TypeError('serveStatic(root): root must be a non-empty string');
  if (options === null || typeof options !== 'object') throw new TypeError('serveStatic options must be an object');
  const serve = fileServer(root, options, SERVE_STATIC);
  return function serveStaticMiddleware(req, res, next) {
    serve(req, res, next, req.url ?? '/');
  };
}
