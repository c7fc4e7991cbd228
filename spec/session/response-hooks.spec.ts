// session(): the cookie is added however the app writes its headers, and the session is stored
// before the response ends, even with a slow store.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, type Request, type Response, type SessionRecord, type Store } from '../../lib/index.js';
import { Client, idOf, start } from './client.js';

/** A promise store whose writes take 150 ms. */
function slowWrites(): Store & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    async get(sid: string) {
      const json = data.get(sid);
      return json === undefined ? null : (JSON.parse(json) as SessionRecord);
    },
    async set(sid: string, s: SessionRecord) {
      await new Promise((r) => setTimeout(r, 150));
      data.set(sid, JSON.stringify(s));
    },
    async destroy(sid: string) {
      data.delete(sid);
    },
  } as Store & { data: Map<string, string> };
}

test('persisted before the response finishes, even when the store is slow', { timeout: 10_000 }, async () => {
  const store = slowWrites();
  const running = await start((app) => {
    app.use(session({ secret: 's', store }));
    app.get('/', (req: Request, res: Response) => {
      req.session.n = 1;
      res.end('done');
    });
  });
  try {
    const client = new Client(running.base);
    const reply = await client.get('/');
    assert.equal(reply.body, 'done');
    const id = idOf(client.jar.get('keel.sid'));
    assert.ok(id !== undefined && store.data.has(id), 'stored by the time the client has the response');
  } finally {
    await running.close();
  }
});

test('send() and json() (which write their head inside end()) also wait for the save and carry the cookie', { timeout: 10_000 }, async () => {
  const store = slowWrites();
  const running = await start((app) => {
    app.use(session({ secret: 's', store }));
    app.get('/text', (req: Request, res: Response) => {
      req.session.n = 1;
      res.send('done');
    });
    app.get('/json', (req: Request, res: Response) => {
      req.session.n = 2;
      res.json({ n: req.session.n });
    });
  });
  try {
    for (const [path, body] of [['/text', 'done'], ['/json', '{"n":2}']] as const) {
      const client = new Client(running.base);
      const reply = await client.get(path);
      assert.equal(reply.body, body);
      const id = idOf(client.jar.get('keel.sid'));
      assert.ok(id !== undefined && store.data.has(id), `${path}: stored by the time the client has the response`);
      assert.equal(JSON.parse(store.data.get(id)!).n, path === '/text' ? 1 : 2);
    }
  } finally {
    await running.close();
  }
});

test('writeHead with headers, streamed writes, and flushHeaders all carry the cookie', { timeout: 10_000 }, async () => {
  const running = await start((app) => {
    app.use(session({ secret: 's' }));
    app.get('/writehead', (req: Request, res: Response) => {
      req.session.a = 1;
      res.writeHead(201, { 'Set-Cookie': 'app=1', 'Content-Type': 'text/plain' });
      res.end('created');
    });
    app.get('/writehead-reason', (req: Request, res: Response) => {
      req.session.a = 1;
      res.writeHead(202, 'Queued', { 'X-Kind': 'queued' });
      res.end();
    });
    app.get('/stream', (req: Request, res: Response) => {
      req.session.a = 1;
      res.write('part 1, ');
      req.session.b = 2; // after the headers: still saved at the end
      setTimeout(() => res.end('part 2'), 20);
    });
    app.get('/flush', (req: Request, res: Response) => {
      req.session.a = 1;
      res.flushHeaders();
      res.end('flushed');
    });
    app.get('/read', (req: Request, res: Response) => res.end(JSON.stringify({ a: req.session.a ?? null, b: req.session.b ?? null })));
  });
  try {
    const wh = await new Client(running.base).get('/writehead');
    assert.equal(wh.status, 201);
    assert.equal(wh.setCookies.length, 2);
    assert.equal(wh.setCookies[0], 'app=1');
    assert.match(wh.setCookies[1], /^keel\.sid=s%3A/);

    const reason = await fetch(running.base + '/writehead-reason', { signal: AbortSignal.timeout(5000) });
    await reason.text();
    assert.equal(reason.status, 202);
    assert.equal(reason.statusText, 'Queued');
    assert.equal(reason.headers.get('x-kind'), 'queued');
    assert.equal(reason.headers.getSetCookie().length, 1);

    const streaming = new Client(running.base);
    const stream = await streaming.get('/stream');
    assert.equal(stream.body, 'part 1, part 2');
    assert.equal(stream.setCookies.length, 1);
    assert.deepEqual(JSON.parse((await streaming.get('/read')).body), { a: 1, b: 2 });

    const flush = await new Client(running.base).get('/flush');
    assert.equal(flush.body, 'flushed');
    assert.equal(flush.setCookies.length, 1);
  } finally {
    await running.close();
  }
});

test('an unserializable session value is a 500 and is reported; the server lives', { timeout: 10_000 }, async () => {
  const errors: unknown[] = [];
  const running = await start((app) => {
    app.use(session({ secret: 's', onError: (err) => errors.push(err) }));
    app.get('/bigint', (req: Request, res: Response) => {
      req.session.n = 10n;
      res.end('never seen');
    });
    app.get('/ok', (req: Request, res: Response) => {
      req.session.n = 1;
      res.end('ok');
    });
  });
  try {
    const bad = await new Client(running.base).get('/bigint');
    assert.equal(bad.status, 500);
    assert.deepEqual(bad.setCookies, []);
    assert.ok(errors[0] instanceof TypeError);
    assert.equal((await new Client(running.base).get('/ok')).status, 200);
  } finally {
    await running.close();
  }
});
