// Faults in user code and in stores, against a real server: a handler that throws, rejects, calls
// next twice or never answers; an error handler that throws; a WebSocket message handler that
// throws or rejects; a session store that errors or hangs. The process never sees an uncaught
// exception or unhandled rejection, each fault is logged exactly once with what is needed to find
// it, and the server keeps answering (other sessions included).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { session, MemoryStore, type SessionRecord, type Store } from '../../lib/index.js';
import { RawClient, frame, handshakeRequest } from '../websocket/support.js';
import { assertAnswers, delay, pingApp, report, start } from './support.js';

const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => void uncaught.push(err);
before(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
after(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  assert.deepEqual(uncaught, [], 'an uncaught exception or unhandled rejection escaped');
});

/** Captures console.error during `fn`, as the text a terminal would show. */
async function logsOf(fn: () => Promise<void>): Promise<string[]> {
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  try {
    await fn();
    await delay(50); // late logs (after the response) count too
  } finally {
    console.error = original;
  }
  return logged;
}

function only(logs: string[], marker: string): string {
  const hits = logs.filter((l) => l.includes(marker));
  assert.equal(hits.length, 1, `"${marker}" logged ${hits.length} times:\n${logs.join('\n---\n')}`);
  return hits[0]!;
}

test('handler faults: throw, reject, next twice, error handler that throws, no answer', { timeout: 20_000 }, async () => {
  const app = pingApp({ server: { responseTimeout: 1000 } });
  app.get('/throws', () => {
    throw new Error('boom-sync');
  });
  app.get('/rejects', async () => {
    await delay(1);
    throw new Error('boom-async');
  });
  app.get(
    '/next-twice',
    (req, res, next) => {
      void next();
      void next();
    },
    (req, res) => {
      res.end('once');
    },
  );
  app.get('/bad-error-handler', () => {
    throw new Error('boom-first');
  });
  app.get('/silent', () => {
    /* never answers */
  });
  app.use((err: unknown, req: unknown, res: unknown, next: unknown) => {
    void next;
    if ((err as Error).message === 'boom-first') throw new Error('boom-in-error-handler');
    throw err;
  });
  const running = await start(app);
  const figures: string[] = [];
  try {
    for (const [path, marker, status] of [
      ['/throws', 'boom-sync', 500],
      ['/rejects', 'boom-async', 500],
      ['/bad-error-handler', 'boom-in-error-handler', 500],
    ] as const) {
      let res: Response | undefined;
      const logs = await logsOf(async () => {
        res = await fetch(running.url + path, { signal: AbortSignal.timeout(3000) });
        await res.text();
      });
      assert.equal(res!.status, status, path);
      const line = only(logs, marker);
      // Enough to find it: the stack names the spec file the handler lives in.
      assert.match(line, /faults\.spec\.js:\d+/, `no location in: ${line}`);
      figures.push(`${path} → ${res!.status}, logged once`);
    }

    let body = '';
    const logs = await logsOf(async () => {
      const res = await fetch(running.url + '/next-twice', { signal: AbortSignal.timeout(3000) });
      assert.equal(res.status, 200);
      body = await res.text();
    });
    assert.equal(body, 'once');
    assert.match(only(logs, 'KEEL_NEXT_CALLED_TWICE'), /GET \/next-twice/);
    figures.push(`/next-twice → 200 'once', the second call ignored and logged once`);

    const t0 = Date.now();
    let status = 0;
    const silentLogs = await logsOf(async () => {
      const res = await fetch(running.url + '/silent', { signal: AbortSignal.timeout(5000) });
      status = res.status;
      await res.text();
    });
    const took = Date.now() - t0;
    assert.equal(status, 503);
    // No upper wall-clock bound a loaded machine could miss: the fetch's 5 s abort stops a 503 that never comes.
    assert.match(only(silentLogs, 'KEEL_RESPONSE_TIMEOUT'), /GET \/silent/);
    figures.push(`/silent → 503 after ${took} ms (responseTimeout 1000), logged once with method and URL`);
    await assertAnswers(running);
  } finally {
    await running.close();
  }
  report('handler faults: ' + figures.join('; '));
});

test('the response timeout never fires early, whenever the request arrives', { timeout: 15_000 }, async () => {
  const limit = 1000;
  const app = pingApp({ server: { responseTimeout: limit } });
  app.get('/silent', () => {
    /* never answers */
  });
  const running = await start(app);
  try {
    const times = await logsOf(async () => {
      // Requests spread over a second, so some arrive just before the server's timer ticks.
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await delay(i * 105);
          const t0 = Date.now();
          const res = await fetch(running.url + '/silent', { signal: AbortSignal.timeout(5000) });
          await res.text();
          return { status: res.status, took: Date.now() - t0 };
        }),
      );
      for (const r of results) assert.equal(r.status, 503);
      const tooks = results.map((r) => r.took);
      report(`responseTimeout ${limit} ms: 503 after ${Math.min(...tooks)}-${Math.max(...tooks)} ms`);
      for (const took of tooks) {
        assert.ok(took >= limit - 20, `503 after ${took} ms with responseTimeout ${limit} (all: ${tooks.join(', ')})`);
        // The upper side is the fetch's 5 s abort: a loaded machine may fire timers late, never early.
      }
    });
    assert.equal(times.length, 10);
  } finally {
    await running.close();
  }
});

test('a WebSocket message handler that throws or rejects closes with 1011, logged once', { timeout: 10_000 }, async () => {
  const app = pingApp();
  app.ws('/sync', (ws) => {
    ws.on('message', () => {
      throw new Error('ws-boom-sync');
    });
  });
  app.ws('/async', (ws) => {
    ws.on('message', async () => {
      await delay(1);
      throw new Error('ws-boom-async');
    });
  });
  app.ws('/handler', async () => {
    await delay(1);
    throw new Error('ws-boom-handler');
  });
  const running = await start(app);
  try {
    for (const [path, marker] of [
      ['/sync', 'ws-boom-sync'],
      ['/async', 'ws-boom-async'],
      ['/handler', 'ws-boom-handler'],
    ] as const) {
      let code = 0;
      const logs = await logsOf(async () => {
        const c = await RawClient.open(running.port, handshakeRequest(path));
        c.send(frame(0x1, 'hello'));
        c.send(frame(0x1, 'again')); // a second message must not log a second time
        code = (await c.closeFrame()).code;
        c.destroy();
      });
      assert.equal(code, 1011, path);
      only(logs, marker);
    }
    await assertAnswers(running);
  } finally {
    await running.close();
  }
  report('ws handler faults: message throw / message reject / handler reject → 1011, logged once each');
});

/** A store whose get/set fail or hang for session ids marked bad; others work. */
class FaultyStore implements Store {
  readonly inner = new MemoryStore();
  mode: 'ok' | 'error' | 'hang' = 'ok';
  get(sid: string, cb: (err?: unknown, s?: SessionRecord | null) => void): void {
    if (this.mode === 'error') return void setImmediate(() => cb(new Error('store-get-down')));
    if (this.mode === 'hang') return;
    this.inner.get(sid, cb);
  }
  set(sid: string, s: SessionRecord, cb: (err?: unknown) => void): void {
    if (this.mode === 'error') return void setImmediate(() => cb(new Error('store-set-down')));
    if (this.mode === 'hang') return;
    this.inner.set(sid, s, cb);
  }
  destroy(sid: string, cb: (err?: unknown) => void): void {
    this.inner.destroy(sid, cb);
  }
}

test('a session store that errors or hangs fails that request cleanly; other sessions keep working', { timeout: 15_000 }, async () => {
  const store = new FaultyStore();
  const app = pingApp({ server: { responseTimeout: 5000 } });
  app.use(session({ secret: 'reliability', store, storeTimeout: 300, resave: false, saveUninitialized: false }));
  app.get('/count', (req, res) => {
    const s = (req as unknown as { session: { n?: number } }).session;
    s.n = (s.n ?? 0) + 1;
    res.end(String(s.n));
  });
  const running = await start(app);
  const get = async (cookie?: string): Promise<{ status: number; body: string; cookie?: string }> => {
    const res = await fetch(running.url + '/count', { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(3000) });
    const set = res.headers.get('set-cookie');
    return { status: res.status, body: await res.text(), cookie: set ? set.split(';')[0] : cookie };
  };
  try {
    const alice = await get();
    assert.equal(alice.body, '1');
    const figures: string[] = [];
    for (const mode of ['error', 'hang'] as const) {
      store.mode = mode;
      const t0 = Date.now();
      let failed = { status: 0, body: '' } as { status: number; body: string };
      const logs = await logsOf(async () => {
        failed = await get(alice.cookie);
      });
      const took = Date.now() - t0;
      assert.ok(failed.status >= 500 && failed.status < 600, `${mode}: status ${failed.status}`);
      // Bounded by the fetch's 3 s abort (10x storeTimeout), not by a tighter wall-clock bound.
      assert.ok(logs.length <= 1, `${mode}: logged ${logs.length} times`);
      if (mode === 'hang') assert.equal(failed.status, 503);
      figures.push(`${mode} → ${failed.status} in ${took} ms, ${logs.length} log line(s)`);
      store.mode = 'ok';
      // Alice's session survives the fault; a new visitor works too.
      const again = await get(alice.cookie);
      assert.equal(again.status, 200);
      const bob = await get();
      assert.equal(bob.body, '1');
    }
    const final = await get(alice.cookie);
    assert.equal(final.status, 200);
    assert.ok(Number(final.body) >= 3, `alice's count ${final.body}`);
    await assertAnswers(running);
    report('session store faults: ' + figures.join('; '));
  } finally {
    await running.close();
  }
});
