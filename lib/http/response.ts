// Response: Keel's http.ServerResponse, with Express's helpers (status, set, send, json ...).

import http from 'node:http';
import type { Request, RequestApp } from './request.js';

export class Response extends http.ServerResponse<Request> {
  /** The app handling this request. */
  declare app: RequestApp;
  /** Per-request values for templates and later middleware. */
  locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
}
