// SessionCookie: the settings of a session's cookie and its expiry, stored with the session as
// express-session stores it ({ originalMaxAge, expires, secure, httpOnly, domain, path, sameSite }).

import type { CookiePriority, CookieSameSite } from '../cookie/serialize.js';

/** The cookie attributes a session cookie carries. */
export interface SessionCookieAttributes {
  httpOnly?: boolean;
  domain?: string;
  path?: string;
  sameSite?: CookieSameSite;
  partitioned?: boolean;
  priority?: CookiePriority;
}

/** The cookie as stored: what `JSON.stringify(session.cookie)` gives (express-session's shape). */
export interface SessionCookieData extends SessionCookieAttributes {
  originalMaxAge: number | null;
  expires?: Date | string | null;
  secure?: boolean;
}

/** Cookie settings given to session({ cookie }). `maxAge` is in milliseconds; null = browser session. */
export interface SessionCookieOptions extends SessionCookieAttributes {
  maxAge?: number | null;
  /** true, false, or 'auto' (secure exactly when the request is). Default 'auto'. */
  secure?: boolean | 'auto';
}

export class SessionCookie {
  /** The lifetime the cookie was given, in ms (null: ends with the browser session). */
  originalMaxAge: number | null = null;
  secure: boolean | undefined = undefined;
  httpOnly: boolean | undefined = true;
  domain: string | undefined = undefined;
  path: string | undefined = '/';
  sameSite: CookieSameSite | undefined = undefined;
  partitioned: boolean | undefined = undefined;
  priority: CookiePriority | undefined = undefined;

  #expires: Date | null = null;

  /** When the cookie (and the session) expires; null for a browser-session cookie. */
  get expires(): Date | null {
    return this.#expires;
  }

  /** Setting it also sets the lifetime that touch() restarts from (as express-session does). */
  set expires(date: Date | null) {
    if (date !== null && !(date instanceof Date && Number.isFinite(date.getTime()))) {
      throw new TypeError('cookie.expires must be a valid Date or null');
    }
    this.#expires = date;
    this.originalMaxAge = date === null ? null : date.getTime() - Date.now();
  }

  /** Milliseconds left before expiry (null for a browser-session cookie). Setting it moves `expires`. */
  get maxAge(): number | null {
    return this.expires === null ? null : this.expires.getTime() - Date.now();
  }

  set maxAge(ms: number | null) {
    if (ms === null || ms === undefined) {
      this.#expires = null;
    } else {
      if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('cookie.maxAge must be a number of ms or null');
      this.#expires = new Date(Date.now() + ms);
    }
    this.originalMaxAge = ms ?? null;
  }

  /** Restarts the lifetime: expires = now + originalMaxAge (express-session's resetMaxAge). */
  resetMaxAge(): void {
    if (this.originalMaxAge !== null) this.#expires = new Date(Date.now() + this.originalMaxAge);
  }

  /** True when the cookie has an expiry and it has passed. */
  isExpired(now: number): boolean {
    return this.#expires !== null && this.#expires.getTime() <= now;
  }

  toJSON(): SessionCookieData {
    return {
      originalMaxAge: this.originalMaxAge,
      expires: this.#expires,
      secure: this.secure,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite,
      partitioned: this.partitioned,
      priority: this.priority,
    };
  }

  /**
   * Takes the lifetime from stored data (an express-session record's `cookie`): `expires` and
   * `originalMaxAge`. The attributes (secure, path, sameSite ...) always come from the current
   * options, so a configuration change applies to existing sessions at once. False when the data
   * is not a usable cookie record.
   */
  restore(data: unknown): boolean {
    if (data === null || typeof data !== 'object') return false;
    const d = data as Record<string, unknown>;
    const expires = d.expires;
    if (typeof expires === 'string' || expires instanceof Date) {
      const date = new Date(expires);
      if (!Number.isFinite(date.getTime())) return false;
      this.#expires = date;
    } else if (expires === null || expires === undefined) {
      this.#expires = null;
    } else {
      return false;
    }
    const original = d.originalMaxAge;
    this.originalMaxAge = typeof original === 'number' && Number.isFinite(original) ? original : null;
    return true;
  }
}
