// session(): store failures become clean HTTP errors (never a crash or a hang), and both
// callback-style and promise-returning stores work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, type App, type Request, type Response, type SessionRecord, type Store } from '../../lib/index.js';
import { Client, start } from './client.js';

const SECRET = 'store secret';

/** A callback-style store over a Map, with switchable failures. */
class FlakyStore implements Store {
  data = new Map<string, string>();
  fail: 'get' | 'set' | 'touch' | 'destroy' | 'throw-get' | 'hang-get' | 'hang-set' | 'enoent' | undefined = undefined;
  get(sid: string, cb: (err?: unknown, s?: SessionRecord | null) => void): void {
    if (this.fail === 'throw-get') throw new Error('sync throw');
    if (this.fail === 'hang-get') return;
    if (this.fail === 'get') return void setImmediate(() => cb(new Error('store down')));
    if (this.fail === 'enoent') return void setImmediate(() => cb(Object.assign(new Error('no such session'), { code: 'ENOENT' })));
    const json = this.data.get(sid);
    setImmediate(() => cb(undefined, json === undefined ? null : (JSON.parse(json) as SessionRecord)));
  }
  set(sid: string, s: SessionRecord, cb: (err?: unknown) => void): void {
    if (this.fail === 'hang-set') return;
    if (this.fail === 'set') return void setImmediate(() => cb(new Error('disk full')));
    this.data.set(sid, JSON.stringify(s));
    setImmediate(() => cb());
  }
  destroy(sid: string, cb: (err?: unknown) => void): void {
    if (this.fail === 'destroy') return void setImmediate(() => cb(new Error('cannot destroy')));
    this.data.delete(sid);
    setImmediate(() => cb());
  }
}

/** A promise-returning store (ignores callbacks), as modern stores are written. */
class PromiseStore {
  data = new Map<string, string>();
  async get(sid: string): Promise<SessionRecord | null> {
    const json = this.data.get(sid);
    return json === undefined ? null : (JSON.parse(json) as SessionRecord);
  }
  async set(sid: string, s: SessionRecord): Promise<void> {
    this.data.set(sid, JSON.stringify(s));
  }
  async destroy(sid: string): Promise<void> {
    this.data.delete(sid);
  }
  async touch(sid: string, s: SessionRecord): Promise<void> {
    const json = this.data.get(sid);
    if (json !== undefined) this.data.set(sid, JSON.stringify({ ...JSON.parse(json), cookie: s.cookie }));
  }
}

function app(store: Store, errors: unknown[], storeTimeout = 10_000): (app: App) => void {
  return (a) => {
    a.use(session({ secret: SECRET, store, storeTimeout, onError: (err) => errors.push(err) }));
    a.get('/inc', (req: Request, res: Response) => {
      req.session.n = ((req.session.n as number | undefined) ?? 0) + 1;
      res.end(String(req.session.n));
    });
    a.get('/logout', async (req: Request, res: Response) => {
      await req.session.destroy();
      res.end('bye');
    });
  };
}

test('a store error on load is a 500 through next(err); the server lives', { timeout: 10_000 }, async () => {
  const store = new FlakyStore();
  const errors: unknown[] = [];
  const running = await start(app(store, errors));
  try {
    const client = new Client(running.base);
    assert.equal((await client.get('/inc')).body, '1');
    for (const fail of ['get', 'throw-get'] as const) {
      store.fail = fail;
      const reply = await client.get('/inc');
      assert.equal(reply.status, 500);
      assert.deepEqual(reply.setCookies, []);
    }
    store.fail = 'enoent'; // express-session stores may say "not found" this way: a fresh session
    assert.equal((await client.get('/inc')).body, '1');
    store.fail = undefined;
    assert.equal((await client.get('/inc')).status, 200);
  } finally {
    await running.close();
  }
});

test('a store error while saving at the end: 500, no cookie, reported, the server lives', { timeout: 10_000 }, async () => {
  const store = new FlakyStore();
  const errors: unknown[] = [];
  const running = await start(app(store, errors));
  try {
    store.fail = 'set';
    const reply = await new Client(running.base).get('/inc');
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.setCookies, []);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'disk full');
    store.fail = undefined;
    assert.equal((await new Client(running.base).get('/inc')).status, 200);
  } finally {
    await running.close();
  }
});

test('a store error in destroy() goes to the error handler', { timeout: 10_000 }, async () => {
  const store = new FlakyStore();
  const running = await start(app(store, []));
  try {
    const client = new Client(running.base);
    await client.get('/inc');
    store.fail = 'destroy';
    assert.equal((await client.get('/logout')).status, 500);
  } finally {
    await running.close();
  }
});

test('a hanging store fails the request with 503 after storeTimeout, on load and on save', { timeout: 10_000 }, async () => {
  const store = new FlakyStore();
  const errors: unknown[] = [];
  const running = await start(app(store, errors, 200));
  try {
    const client = new Client(running.base);
    await client.get('/inc');
    for (const fail of ['hang-get', 'hang-set'] as const) {
      store.fail = fail;
      const started = Date.now();
      const reply = await client.get('/inc');
      assert.equal(reply.status, 503, fail);
      const took = Date.now() - started;
      // A lower bound only: timers never fire early; the test's timeout stops a request that hangs.
      assert.ok(took >= 150, `${fail} took ${took} ms`);
    }
    assert.equal((errors.at(-1) as { code?: string }).code, 'KEEL_SESSION_STORE_TIMEOUT');
    store.fail = undefined;
    assert.equal((await client.get('/inc')).status, 200);
  } finally {
    await running.close();
  }
});

test('a promise-returning store works for the whole lifecycle', { timeout: 10_000 }, async () => {
  const store = new PromiseStore();
  const running = await start(app(store as unknown as Store, []));
  try {
    const client = new Client(running.base);
    assert.equal((await client.get('/inc')).body, '1');
    assert.equal((await client.get('/inc')).body, '2');
    assert.equal(store.data.size, 1);
    await client.get('/logout');
    assert.equal(store.data.size, 0);
  } finally {
    await running.close();
  }
});
