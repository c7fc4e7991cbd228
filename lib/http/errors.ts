// HttpError: an Error that carries the HTTP status it should produce, and whether its message
// is safe to show to the client (`expose`). Every part of Keel throws these for bad input.

export interface HttpErrorOptions {
  /** Stable machine-readable code, e.g. 'KEEL_BODY_TOO_LARGE'. */
  code?: string;
  /** Whether `message` may be sent to the client. Defaults to true for 4xx, false for 5xx. */
  expose?: boolean;
  cause?: unknown;
  /** Headers the default error handler adds to the response (e.g. `Allow`, `Retry-After`). */
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  readonly status: number;
  readonly statusCode: number;
  readonly expose: boolean;
  readonly code: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`HttpError status must be an integer from 400 to 599, got ${String(status)}`);
    }
    this.name = 'HttpError';
    this.status = status;
    this.statusCode = status;
    this.expose = options.expose ?? status < 500;
    this.code = options.code;
    this.headers = options.headers;
  }
}

/** Reads the HTTP status an error asks for: `err.status` or `err.statusCode` when it is 4xx/5xx. */
export function statusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  const s = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599 ? s : undefined;
}
