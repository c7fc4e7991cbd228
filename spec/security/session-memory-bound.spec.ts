// Design risk (no CVE): an in-memory session store that grows without bound (express-session's
// MemoryStore). Keel's MemoryStore keeps at most maxSessions; a flood of new sessions evicts the oldest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, session, type Request, type Response } from '../../lib/index.js';
import { Client, start } from '../session/client.js';

test('a flood of cookieless requests cannot grow the store past maxSessions', { timeout: 30_000 }, async () => {
  const store = new MemoryStore({ maxSessions: 50 });
  const running = await start((app) => {
    app.use(session({ secret: 'bound', store, saveUninitialized: true }));
    app.get('/', (req: Request, res: Response) => {
      req.session.padding = 'x'.repeat(100);
      res.end('ok');
    });
  });
  try {
    const survivor = new Client(running.base);
    await survivor.get('/');
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => new Client(running.base).get('/')));
      assert.ok(store.size <= 50, `store holds ${store.size}`);
    }
    assert.equal(store.size, 50);
    assert.equal(await store.length(), 50);
  } finally {
    await running.close();
    store.close();
  }
});

test('the default MemoryStore is bounded too', () => {
  const store = new MemoryStore();
  assert.ok(Number.isSafeInteger(store.maxSessions) && store.maxSessions > 0 && store.maxSessions <= 100_000);
  store.close();
});
