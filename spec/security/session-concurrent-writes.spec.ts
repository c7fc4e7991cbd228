// Design risk (no CVE): two concurrent requests of one session overwrite each other's writes.
// Keel merges at top-level key granularity and serializes saves per id (lib/session/lifecycle.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, session, type Request, type Response, type SessionRecord, type Store } from '../../lib/index.js';
import { Client, start } from '../session/client.js';

/** A MemoryStore whose calls take a random 0-15 ms, so store operations interleave. */
function slowStore(): MemoryStore {
  const store = new MemoryStore();
  const delay = (): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 15));
  const get = store.get.bind(store);
  const set = store.set.bind(store);
  store.get = ((sid: string, cb: (e: unknown, v?: SessionRecord | null) => void) => void delay().then(() => get(sid, cb))) as Store['get'] as MemoryStore['get'];
  store.set = ((sid: string, s: SessionRecord, cb: (e: unknown) => void) => void delay().then(() => set(sid, s, cb))) as Store['set'] as MemoryStore['set'];
  return store;
}

/** Resolves when `count` requests have reached it: every request loaded its session before any saves. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

test('two concurrent requests that set different keys both persist', { timeout: 20_000 }, async () => {
  for (let round = 0; round < 10; round++) {
    const store = slowStore();
    let wait = barrier(2);
    const running = await start((app) => {
      app.use(session({ secret: 'concurrency', store }));
      app.get('/init', (req: Request, res: Response) => {
        req.session.base = true;
        res.end();
      });
      app.get('/set/:key', async (req: Request, res: Response) => {
        await wait();
        req.session[req.params.key as string] = `value-${req.params.key}`;
        res.end();
      });
      app.get('/delete/:key', async (req: Request, res: Response) => {
        await wait();
        delete req.session[req.params.key as string];
        res.end();
      });
      app.get('/read', (req: Request, res: Response) => res.end(JSON.stringify(req.session)));
    });
    try {
      const client = new Client(running.base);
      await client.get('/init');
      const [a, b] = await Promise.all([client.get('/set/a'), client.get('/set/b')]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      let data = JSON.parse((await client.get('/read')).body) as Record<string, unknown>;
      assert.equal(data.a, 'value-a', `round ${round}: a lost`);
      assert.equal(data.b, 'value-b', `round ${round}: b lost`);
      assert.equal(data.base, true);

      // A delete and a set of different keys, concurrently: both apply.
      wait = barrier(2);
      await Promise.all([client.get('/delete/a'), client.get('/set/c')]);
      data = JSON.parse((await client.get('/read')).body) as Record<string, unknown>;
      assert.equal(data.a, undefined, `round ${round}: delete lost`);
      assert.equal(data.c, 'value-c', `round ${round}: c lost`);
      assert.equal(data.b, 'value-b');
    } finally {
      await running.close();
      store.close();
    }
  }
});

test('same key: the last save wins, whole value; a concurrent destroy is not undone', { timeout: 20_000 }, async () => {
  const store = slowStore();
  let wait = barrier(2);
  const running = await start((app) => {
    app.use(session({ secret: 'concurrency', store }));
    app.get('/set/:value', async (req: Request, res: Response) => {
      await wait();
      req.session.k = req.params.value;
      res.end();
    });
    app.get('/logout', async (req: Request, res: Response) => {
      await wait();
      await req.session.destroy();
      res.end();
    });
    app.get('/init', (req: Request, res: Response) => {
      req.session.k = 'initial';
      res.end();
    });
    app.get('/read', (req: Request, res: Response) => res.end(JSON.stringify({ k: req.session.k ?? null, id: req.sessionID })));
    app.get('/write-late', async (req: Request, res: Response) => {
      await wait();
      await new Promise((r) => setTimeout(r, 50)); // saves after the destroy finished
      req.session.k = 'late';
      res.end();
    });
  });
  try {
    const client = new Client(running.base);
    await client.get('/init');
    await Promise.all([client.get('/set/x'), client.get('/set/y')]);
    const read = JSON.parse((await client.get('/read')).body) as { k: unknown; id: string };
    assert.ok(read.k === 'x' || read.k === 'y', `one whole value survives, got ${String(read.k)}`);
    const id = read.id;

    wait = barrier(2);
    const cookie = client.jar.get('keel.sid');
    const other = new Client(running.base);
    other.jar.set('keel.sid', cookie ?? '');
    await Promise.all([client.get('/logout'), other.get('/write-late')]);
    assert.equal(store.size, 0, 'the destroyed session stays destroyed');
    const after = JSON.parse((await other.get('/read')).body) as { k: unknown; id: string };
    assert.equal(after.k, null);
    assert.notEqual(after.id, id);
  } finally {
    await running.close();
    store.close();
  }
});
