// Soak test (`npm run soak`, minutes; not part of `npm test`): mixed HTTP, WebSocket and session
// traffic against one Keel server for a set time (default 3 minutes, `--seconds N`). The server
// runs in a child process started with --expose-gc and reports its RSS and heap after a full GC
// every few seconds; the load generator runs here. The run fails if any request fails, or if the
// server's retained heap keeps growing (last samples against the first after warm-up).

import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { fileURLToPath } from 'node:url';
import { connect, createApp, json, session, MemoryStore, type WebSocket } from '../../lib/index.js';

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  external: number;
  sessions: number;
  websockets: number;
}

const MiB = 1024 * 1024;
const mib = (n: number): string => (n / MiB).toFixed(1);

// --- server (child process) ------------------------------------------------------------------

function runServer(): void {
  const store = new MemoryStore();
  const app = createApp();
  let websockets = 0;
  app.use(session({ secret: 'soak secret', store, resave: false, saveUninitialized: false }));
  app.get('/', (req, res) => res.end('hello'));
  app.post('/echo', json(), (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(req.body));
  });
  app.get('/visit', (req, res) => {
    const s = (req as unknown as { session: { visits?: number } }).session;
    s.visits = (s.visits ?? 0) + 1;
    res.end(String(s.visits));
  });
  app.get('/logout', (req, res) => {
    (req as unknown as { session: { destroy(cb: () => void): void } }).session.destroy(() => res.end('bye'));
  });
  app.get('/missing-handler-error', () => {
    throw Object.assign(new Error('expected 418'), { status: 418, expose: true });
  });
  app.ws('/chat', (ws) => {
    websockets++;
    ws.subscribe('room');
    ws.on('message', (data) => {
      ws.send(data);
      if (typeof data === 'string' && data.startsWith('all:')) app.publish('room', data);
    });
    ws.on('close', () => websockets--);
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const server = app.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    process.send!({ type: 'listening', port });
  });
  const t0 = Date.now();
  const sample = (): void => {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    store.length((err, n) => {
      const s: Sample = { t: Date.now() - t0, rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, sessions: n ?? -1, websockets };
      process.send!({ type: 'sample', sample: s });
    });
  };
  const timer = setInterval(sample, 5000);
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'sample') sample();
    if (msg.type === 'stop') {
      clearInterval(timer);
      void app.close().then(() => process.exit(0));
    }
  });
  // No console noise from the deliberate 418s: they are not 5xx, so Keel does not log them.
}

// --- load generator (parent) -------------------------------------------------------------------

interface Stats {
  requests: number;
  failures: number;
  wsMessages: number;
  wsFailures: number;
  wsConnections: number;
  firstFailure?: string;
}

function fail(stats: Stats, what: string): void {
  stats.failures++;
  stats.firstFailure ??= what;
}

function httpRequest(agent: http.Agent, port: number, method: string, path: string, body?: string, cookie?: string): Promise<{ status: number; body: string; setCookie?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (cookie !== undefined) headers['cookie'] = cookie;
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const set = res.headers['set-cookie'];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), setCookie: set?.[0]?.split(';')[0] });
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function httpWorker(port: number, until: number, stats: Stats, agent: http.Agent, user: number): Promise<void> {
  let cookie: string | undefined;
  let visits = 0;
  let n = 0;
  while (Date.now() < until) {
    n++;
    try {
      const kind = n % 10;
      if (kind < 4) {
        const r = await httpRequest(agent, port, 'GET', '/');
        if (r.status !== 200 || r.body !== 'hello') fail(stats, `GET / → ${r.status}`);
      } else if (kind < 7) {
        const payload = JSON.stringify({ user, n, text: 'x'.repeat(n % 500) });
        const r = await httpRequest(agent, port, 'POST', '/echo', payload);
        if (r.status !== 200 || r.body !== payload) fail(stats, `POST /echo → ${r.status}`);
      } else if (kind < 9) {
        const r = await httpRequest(agent, port, 'GET', '/visit', undefined, cookie);
        if (r.setCookie !== undefined) cookie = r.setCookie;
        visits++;
        if (r.status !== 200 || Number(r.body) !== visits) fail(stats, `GET /visit → ${r.status} ${r.body}, expected ${visits}`);
      } else if (n % 100 === 9) {
        // Now and then a user logs out: the store must shrink again.
        const r = await httpRequest(agent, port, 'GET', '/logout', undefined, cookie);
        if (r.status !== 200) fail(stats, `GET /logout → ${r.status}`);
        cookie = undefined;
        visits = 0;
      } else {
        const r = await httpRequest(agent, port, 'GET', '/missing-handler-error');
        if (r.status !== 418) fail(stats, `GET /missing-handler-error → ${r.status}`);
      }
      stats.requests++;
    } catch (err) {
      fail(stats, String(err));
    }
  }
}

async function wsWorker(port: number, until: number, stats: Stats, id: number): Promise<void> {
  while (Date.now() < until) {
    let ws: WebSocket;
    try {
      ws = await connect(`ws://127.0.0.1:${port}/chat`);
      stats.wsConnections++;
    } catch (err) {
      stats.wsFailures++;
      stats.firstFailure ??= `ws connect: ${String(err)}`;
      continue;
    }
    // Each connection lives for 50 round trips, then a new one replaces it (churn).
    for (let i = 0; i < 50 && Date.now() < until; i++) {
      const text = (i % 10 === 0 ? 'all:' : '') + `m${id}-${i}`;
      const got = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        const onMessage = (data: string | Buffer): void => {
          if (data === text) {
            clearTimeout(timer);
            ws.off('message', onMessage);
            resolve(true);
          }
        };
        ws.on('message', onMessage);
        ws.send(text);
      });
      if (got) stats.wsMessages++;
      else {
        stats.wsFailures++;
        stats.firstFailure ??= `ws echo of ${text} missing`;
      }
    }
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000);
    });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = i === -1 ? 180 : Number(process.argv[i + 1]);
  if (!Number.isFinite(seconds) || seconds < 20) throw new TypeError('--seconds must be a number ≥ 20');
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const samples: Sample[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (msg: { type: string; port?: number; sample?: Sample }) => {
      if (msg.type === 'listening') resolve(msg.port!);
      if (msg.type === 'sample') {
        samples.push(msg.sample!);
        const s = msg.sample!;
        console.log(
          `t=${(s.t / 1000).toFixed(0).padStart(4)}s rss ${mib(s.rss).padStart(6)} MiB  heap ${mib(s.heapUsed).padStart(6)} MiB  buffers ${mib(s.external).padStart(5)} MiB  sessions ${s.sessions}  websockets ${s.websockets}`,
        );
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stats: Stats = { requests: 0, failures: 0, wsMessages: 0, wsFailures: 0, wsConnections: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const started = Date.now();
  const until = started + seconds * 1000;
  console.log(`soak: ${seconds} s of mixed traffic against 127.0.0.1:${port} (48 HTTP users, 16 WebSocket clients)`);
  await Promise.all([
    ...Array.from({ length: 48 }, (_, u) => httpWorker(port, until, stats, agent, u)),
    ...Array.from({ length: 16 }, (_, w) => wsWorker(port, until, stats, w)),
  ]);
  agent.destroy();
  const elapsed = (Date.now() - started) / 1000;
  // A last sample once the load has stopped and the clients are gone.
  await new Promise((r) => setTimeout(r, 1500));
  const last = await new Promise<Sample>((resolve) => {
    child.on('message', (msg: { type: string; sample?: Sample }) => {
      if (msg.type === 'sample') resolve(msg.sample!);
    });
    child.send({ type: 'sample' });
  });
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));

  // Warm-up: the first 20 % of the run (JIT, pools, the session store filling up).
  const warm = samples.filter((s) => s.t >= seconds * 200);
  const third = Math.max(1, Math.floor(warm.length / 3));
  const early = median(warm.slice(0, third).map((s) => s.heapUsed));
  const late = median(warm.slice(-third).map((s) => s.heapUsed));
  const peakRss = Math.max(...samples.map((s) => s.rss));
  const growth = late - early;
  const earlyBuffers = median(warm.slice(0, third).map((s) => s.external));
  const lateBuffers = median(warm.slice(-third).map((s) => s.external));
  const allowed = Math.max(8 * MiB, early * 0.25);
  console.log('');
  console.log(`requests: ${stats.requests} HTTP (${(stats.requests / elapsed).toFixed(0)}/s), ${stats.failures} failed`);
  console.log(`websocket: ${stats.wsConnections} connections, ${stats.wsMessages} echoed messages, ${stats.wsFailures} failed`);
  console.log(`heap after GC: ${mib(early)} MiB early → ${mib(late)} MiB late (growth ${mib(growth)} MiB, allowed ${mib(allowed)}); idle at the end ${mib(last.heapUsed)} MiB`);
  console.log(`rss: first ${mib(samples[0]?.rss ?? 0)} MiB, peak ${mib(peakRss)} MiB, idle at the end ${mib(last.rss)} MiB; sessions at the end ${last.sessions}`);
  let ok = true;
  if (stats.failures + stats.wsFailures > 0) {
    ok = false;
    console.log(`FAIL: ${stats.failures + stats.wsFailures} failures; first: ${stats.firstFailure}`);
  }
  console.log(`buffers after GC: ${mib(earlyBuffers)} MiB early → ${mib(lateBuffers)} MiB late`);
  if (warm.length >= 3 && lateBuffers - earlyBuffers > allowed) {
    ok = false;
    console.log('FAIL: retained buffers kept growing');
  }
  if (warm.length >= 3 && growth > allowed) {
    ok = false;
    console.log('FAIL: the retained heap kept growing');
  }
  if (stats.requests === 0 || stats.wsMessages === 0) {
    ok = false;
    console.log('FAIL: no traffic');
  }
  console.log(ok ? 'soak: PASS' : 'soak: FAIL');
  process.exitCode = ok ? 0 : 1;
}

if (process.argv.includes('--server')) runServer();
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
