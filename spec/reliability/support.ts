// Test support for the reliability specs: a forced GC and heap measurement (global.gc when the
// process has --expose-gc, else exposed at run time through v8.setFlagsFromString), raw TCP
// clients, and a check that a server still answers a normal request after an attack.

import assert from 'node:assert/strict';
import type * as http from 'node:http';
import * as net from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { once } from 'node:events';
import { createApp, type App, type AppOptions } from '../../lib/index.js';
import { listen, type Running } from '../helpers/listen.js';

type Gc = () => void;

function exposeGc(): Gc {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (typeof existing === 'function') return existing;
  // The test runner starts each file in its own process without --expose-gc: switch the flag on
  // now and take `gc` from a fresh context, where V8 installs it.
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as Gc;
}

export const gc: Gc = exposeGc();

export interface Memory {
  heapUsed: number;
  rss: number;
  external: number;
}

/** Heap after full collections (several, with turns of the event loop between, so finalisers run). */
export async function settledMemory(): Promise<Memory> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
}

export const MiB = 1024 * 1024;

export function mib(n: number): string {
  return (n / MiB).toFixed(1) + ' MiB';
}

/**
 * Asserts the heap came back near where it started: within `slackMiB` (allocations that stay
 * for good, such as compiled code and caches, are a few MiB at most). Returns a figure for reports.
 */
export function assertReturned(label: string, before: Memory, after: Memory, slackMiB = 8): string {
  const grown = after.heapUsed - before.heapUsed;
  const grownExternal = after.external - before.external;
  const figure = `${label}: heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}, buffers ${mib(before.external)} → ${mib(after.external)}`;
  assert.ok(grown < slackMiB * MiB, `${figure}: heap grew by ${mib(grown)}`);
  assert.ok(grownExternal < slackMiB * MiB, `${figure}: buffers grew by ${mib(grownExternal)}`);
  return figure;
}

/** Prints a figure for the report, in the test output (TAP diagnostic). */
export function report(line: string): void {
  process.stdout.write(`# FIGURE ${line}\n`);
}

/** An app with a /ping route and short server timeouts, so that attacks are cut off quickly. */
export function pingApp(options: AppOptions = {}): App {
  const app = createApp({
    ...options,
    server: { headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 500, responseTimeout: 1500, closeTimeout: 2000, ...options.server },
  });
  app.get('/ping', (req, res) => res.end('pong'));
  return app;
}

/** After an attack: a fresh, normal request is answered at once. */
export async function assertAnswers(running: Running): Promise<void> {
  const res = await fetch(running.url + '/ping', { signal: AbortSignal.timeout(3000) });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'pong');
}

/** Connects a raw TCP socket to the server. */
export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Collects what a raw socket receives until the server closes it (or `ms` pass). */
export function collect(socket: net.Socket, ms: number): Promise<{ data: string; closedBy: 'server' | 'timeout'; after: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closedBy: 'timeout', after: Date.now() - started });
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ data, closedBy: 'server', after: Date.now() - started });
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Started extends Running {
  server: http.Server;
  /** Open TCP connections on the server right now. */
  connections(): Promise<number>;
}

/** Listens on 127.0.0.1:0 and keeps the http.Server at hand (for connection counts). */
export function start(app: App): Promise<Started> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        close: () => app.close(),
        connections: () => new Promise((done) => server.getConnections((err, n) => done(err ? -1 : n))),
      });
    });
    server.once('error', reject);
  });
}

export { listen };
export type { Running };

/** Resolves with `value` after `ms`, on an unref'd timer (for Promise.race deadlines that must not keep the process alive). */
export function expire<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}
