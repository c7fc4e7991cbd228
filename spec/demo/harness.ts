// Helpers for the demo's specs: start the demo on port 0, sign in over HTTP, and read a WebSocket's
// JSON events one at a time with a time limit.

import type { AddressInfo } from 'node:net';
import { connect, type WebSocket } from '../../lib/index.js';
import { createDemoApp, type Demo, type DemoOptions } from '../../demo/app.js';

/** A cheap scrypt cost for specs (the default costs tens of ms per sign-in). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface RunningDemo {
  demo: Demo;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const demo = await createDemoApp({ log: false, scrypt: FAST_SCRYPT, ...options });
  return new Promise((resolve, reject) => {
    const server = demo.app.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ demo, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws`, close: () => demo.close() });
    });
    server.once('error', reject);
  });
}

/** Runs `fn` against a fresh demo and always closes it. */
export async function withDemo(fn: (running: RunningDemo) => Promise<void>, options: DemoOptions = {}): Promise<void> {
  const running = await startDemo(options);
  try {
    await fn(running);
  } finally {
    await running.close();
  }
}

/** The `name=value` part of the session cookie a response sets, or undefined. */
export function sessionCookie(response: globalThis.Response): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.slice(0, line.indexOf(';') === -1 ? line.length : line.indexOf(';'));
    if (pair.startsWith('keel.demo.sid=') && pair !== 'keel.demo.sid=') return pair;
  }
  return undefined;
}

export async function signInJson(url: string, name: string, password: string, cookie?: string): Promise<globalThis.Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cookie !== undefined) headers['cookie'] = cookie;
  return fetch(`${url}/signin`, { method: 'POST', headers, body: JSON.stringify({ name, password }), redirect: 'manual' });
}

/** Signs in and returns the session cookie (throws when sign-in fails). */
export async function signIn(url: string, name: string, password = 'correct horse'): Promise<string> {
  const response = await signInJson(url, name, password);
  const body = (await response.json()) as unknown;
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(body)}`);
  const cookie = sessionCookie(response);
  if (cookie === undefined) throw new Error('sign-in set no session cookie');
  return cookie;
}

export interface ChatEvent {
  type: string;
  [key: string]: unknown;
}

/** A WebSocket client whose JSON events queue up until a spec asks for them. */
export class ChatClient {
  readonly ws: WebSocket;
  readonly events: ChatEvent[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.events.push(JSON.parse(String(data)) as ChatEvent);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason })));
    ws.on('error', () => undefined);
  }

  static async open(wsUrl: string, cookie: string, headers: Record<string, string> = {}): Promise<ChatClient> {
    return new ChatClient(await connect(wsUrl, { headers: { cookie, ...headers }, handshakeTimeout: 3000 }));
  }

  send(event: unknown): void {
    this.ws.send(JSON.stringify(event));
  }

  /** The first queued event of `type` matching `where` (removed from the queue), waiting up to `ms`. */
  async next(type: string, where: (e: ChatEvent) => boolean = () => true, ms = 3000): Promise<ChatEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex((e) => e.type === type && where(e));
      if (i !== -1) return this.events.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' event within ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits up to `ms` and says whether an event of `type` (matching `where`) arrived. */
  async saw(type: string, where: (e: ChatEvent) => boolean = () => true, ms = 300): Promise<boolean> {
    try {
      await this.next(type, where, ms);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== 3) this.ws.close(1000);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}

/** Signs `name` in and joins the room; the hello event is already read. */
export async function join(running: RunningDemo, name: string): Promise<ChatClient> {
  const client = await ChatClient.open(running.wsUrl, await signIn(running.url, name));
  await client.next('hello');
  return client;
}
