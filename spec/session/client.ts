// Test helpers for session specs: an app on a real port, and a client that keeps one cookie jar.

import { createApp, type App } from '../../lib/index.js';

export interface Running {
  app: App;
  base: string;
  close(): Promise<void>;
}

/** Starts `app` (already configured) on 127.0.0.1, port 0. */
export function listen(app: App): Promise<Running> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ app, base: `http://127.0.0.1:${port}`, close: () => app.close() });
    });
  });
}

export async function start(setup: (app: App) => void): Promise<Running> {
  const app = createApp();
  setup(app);
  return listen(app);
}

export interface Reply {
  status: number;
  body: string;
  setCookies: string[];
}

/** A browser-like client: sends back the cookies it was given (name=value; an Expires well in the past deletes). */
export class Client {
  jar = new Map<string, string>();

  constructor(readonly base: string) {}

  cookieHeader(): string | undefined {
    if (this.jar.size === 0) return undefined;
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader();
    if (cookie !== undefined && !headers.has('cookie')) headers.set('cookie', cookie);
    const res = await fetch(this.base + path, { ...init, headers, signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const semi = line.indexOf(';');
      const pair = semi === -1 ? line : line.slice(0, semi);
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const expires = /;\s*Expires=([^;]+)/i.exec(line);
      // Expires has one-second precision: only a date well in the past counts as a deletion here.
      if (expires !== null && Date.parse(expires[1]) < Date.now() - 2000) this.jar.delete(name);
      else this.jar.set(name, pair.slice(eq + 1));
    }
    return { status: res.status, body, setCookies };
  }

  get(path: string): Promise<Reply> {
    return this.request(path);
  }
}

/** The session id inside a Keel/express-session cookie value ('s%3A' + id + '.' + signature). */
export function idOf(cookieValue: string | undefined): string | undefined {
  if (cookieValue === undefined) return undefined;
  const raw = decodeURIComponent(cookieValue);
  if (!raw.startsWith('s:')) return undefined;
  return raw.slice(2, raw.lastIndexOf('.'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
