// session(): the lifecycle over real sockets: create, persist, reload, regenerate, destroy,
// expiry, rolling, saveUninitialized, resave, secure, path, unset.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, session, type App, type SessionOptions, type SessionRecord, type Request, type Response } from '../../lib/index.js';
import { Client, idOf, sleep, start, type Running } from './client.js';

const SECRET = 'lifecycle secret';

function json(res: Response, value: unknown): void {
  const body = JSON.stringify(value ?? null);
  res.setHeader('Content-Type', 'application/json');
  res.end(body);
}

/** An app with the routes the tests use. */
function routes(options: Partial<SessionOptions> = {}, store = new MemoryStore()): (app: App) => void {
  return (app) => {
    app.use(session({ secret: SECRET, store, ...options }));
    app.get('/inc', (req: Request, res: Response) => {
      req.session.views = ((req.session.views as number | undefined) ?? 0) + 1;
      json(res, { views: req.session.views, id: req.sessionID });
    });
    app.get('/read', (req: Request, res: Response) => json(res, { views: req.session.views ?? null, user: req.session.user ?? null, id: req.sessionID }));
    app.get('/login', async (req: Request, res: Response) => {
      await req.session.regenerate();
      req.session.user = 'alice';
      json(res, { id: req.sessionID });
    });
    app.get('/logout', async (req: Request, res: Response) => {
      await req.session.destroy();
      json(res, { destroyed: true });
    });
    app.get('/unset', (req: Request, res: Response) => {
      (req as { session: unknown }).session = null;
      json(res, {});
    });
    app.get('/save-then-change', async (req: Request, res: Response) => {
      req.session.a = 1;
      await req.session.save();
      req.session.b = 2;
      json(res, {});
    });
    app.get('/reload', async (req: Request, res: Response) => {
      req.session.views = 999; // not saved: reload discards it
      await req.session.reload();
      json(res, { views: req.session.views ?? null });
    });
    app.get('/remember', (req: Request, res: Response) => {
      req.session.cookie.maxAge = 30 * 86_400_000; // "remember me": only the cookie changes
      json(res, {});
    });
    app.get('/callbacks', (req: Request, res: Response) => {
      req.session.cb = true;
      req.session.save((err) => {
        if (err) throw err;
        req.session.reload((err2) => json(res, { ok: err2 === undefined, cb: req.session.cb }));
      });
    });
  };
}

async function withServer(setup: (app: App) => void, fn: (running: Running, client: Client) => Promise<void>): Promise<void> {
  const running = await start(setup);
  try {
    await fn(running, new Client(running.base));
  } finally {
    await running.close();
  }
}

const storeGet = (store: MemoryStore, id: string | undefined): Promise<SessionRecord | null> => store.get(id ?? '') as Promise<SessionRecord | null>;

test('create, persist and read back a session; the cookie is signed, HttpOnly, SameSite=Lax, Path=/', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (_, client) => {
    const first = await client.get('/inc');
    assert.equal(first.status, 200);
    assert.equal(JSON.parse(first.body).views, 1);
    assert.equal(first.setCookies.length, 1);
    const line = first.setCookies[0];
    assert.match(line, /^keel\.sid=s%3A[A-Za-z0-9_-]{43}\.[A-Za-z0-9%]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const id = idOf(client.jar.get('keel.sid'));
    assert.equal(id, JSON.parse(first.body).id);
    assert.equal((await storeGet(store, id))?.views, 1, 'persisted before the response ended');

    const second = await client.get('/inc');
    assert.equal(JSON.parse(second.body).views, 2);
    assert.equal(JSON.parse(second.body).id, id);
    assert.deepEqual(second.setCookies, [], 'browser-session cookie: not re-sent when only data changed');
    assert.equal(JSON.parse((await client.get('/read')).body).views, 2);
  });
});

test('saveUninitialized off: an untouched session gets no cookie and is not stored', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (_, client) => {
    const reply = await client.get('/read');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.setCookies, []);
    assert.equal(store.size, 0);
  });
  const store2 = new MemoryStore();
  await withServer(routes({ saveUninitialized: true }, store2), async (_, client) => {
    const reply = await client.get('/read');
    assert.equal(reply.setCookies.length, 1);
    assert.equal(store2.size, 1);
  });
});

test('regenerate at login: new id, old id gone from the store', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (_, client) => {
    await client.get('/inc');
    const before = idOf(client.jar.get('keel.sid'));
    assert.ok(before !== undefined && (await storeGet(store, before)) !== null);
    const login = await client.get('/login');
    const after = idOf(client.jar.get('keel.sid'));
    assert.equal(JSON.parse(login.body).id, after);
    assert.notEqual(after, before);
    assert.equal(await storeGet(store, before), null, 'the pre-login session is destroyed');
    assert.equal((await storeGet(store, after))?.user, 'alice');
    const read = JSON.parse((await client.get('/read')).body);
    assert.equal(read.user, 'alice');
    assert.equal(read.views, null, 'regenerate starts empty');
  });
});

test('destroy removes the session and clears the cookie; the old cookie then gives a fresh session', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (running, client) => {
    await client.get('/inc');
    const cookie = client.jar.get('keel.sid');
    const id = idOf(cookie);
    const out = await client.get('/logout');
    assert.equal(out.status, 200);
    assert.equal(out.setCookies.length, 1);
    assert.match(out.setCookies[0], /^keel\.sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    assert.equal(await storeGet(store, id), null);
    const replay = new Client(running.base);
    replay.jar.set('keel.sid', cookie ?? '');
    const read = JSON.parse((await replay.get('/read')).body);
    assert.equal(read.views, null);
    assert.notEqual(read.id, id);
  });
});

test('expiry: a session past its cookie maxAge is not loaded', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({ cookie: { maxAge: 1000 } }, store), async (running, client) => {
    const first = await client.get('/inc');
    assert.match(first.setCookies[0], /; Expires=/);
    const cookie = client.jar.get('keel.sid') ?? '';
    assert.equal(JSON.parse((await client.get('/inc')).body).views, 2);
    await sleep(1300);
    const late = new Client(running.base);
    late.jar.set('keel.sid', cookie); // a client that ignores Expires
    assert.equal(JSON.parse((await late.get('/read')).body).views, null);
  });
});

test('with maxAge, a modified session re-sends the cookie with a later expiry; unmodified does not', { timeout: 10_000 }, async () => {
  await withServer(routes({ cookie: { maxAge: 60_000 } }), async (_, client) => {
    await client.get('/inc');
    await sleep(1100);
    const again = await client.get('/inc');
    assert.equal(again.setCookies.length, 1);
    const unchanged = await client.get('/read');
    assert.deepEqual(unchanged.setCookies, []);
  });
});

test('changing only cookie.maxAge (remember me) re-sends the cookie and stores the new lifetime', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (_, client) => {
    const first = await client.get('/inc');
    assert.doesNotMatch(first.setCookies[0], /Expires/);
    const remember = await client.get('/remember');
    assert.equal(remember.setCookies.length, 1);
    const expires = Date.parse(/Expires=([^;]+)/.exec(remember.setCookies[0])?.[1] ?? '');
    assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 5000);
    const stored = await storeGet(store, idOf(client.jar.get('keel.sid')));
    assert.equal(stored?.cookie.originalMaxAge, 30 * 86_400_000);
    assert.equal(stored?.views, 1);
    assert.deepEqual((await client.get('/read')).setCookies, [], 'unchanged afterwards');
  });
});

test('rolling: every response carries the cookie, with a fresh expiry', { timeout: 10_000 }, async () => {
  await withServer(routes({ rolling: true, cookie: { maxAge: 60_000 } }), async (_, client) => {
    const first = await client.get('/inc');
    const expires1 = Date.parse(/Expires=([^;]+)/.exec(first.setCookies[0])?.[1] ?? '');
    await sleep(1100);
    const second = await client.get('/read');
    assert.equal(second.setCookies.length, 1);
    const expires2 = Date.parse(/Expires=([^;]+)/.exec(second.setCookies[0])?.[1] ?? '');
    assert.ok(expires2 > expires1, 'expiry moved forward');
  });
});

test('resave off: an unchanged session is touched, not written; resave on writes it', { timeout: 10_000 }, async () => {
  for (const resave of [false, true]) {
    const store = new MemoryStore();
    let sets = 0;
    let touches = 0;
    const set = store.set.bind(store);
    const touch = store.touch.bind(store);
    store.set = (sid, sess, cb) => (sets++, set(sid, sess, cb));
    store.touch = (sid, sess, cb) => (touches++, touch(sid, sess, cb));
    await withServer(routes({ resave }, store), async (_, client) => {
      await client.get('/inc');
      assert.equal(sets, 1);
      await client.get('/read');
      await client.get('/read');
      assert.equal(sets, resave ? 3 : 1);
      assert.equal(touches, resave ? 0 : 2);
    });
  }
});

test('save() during the request, then later changes are saved at the end too', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  await withServer(routes({}, store), async (_, client) => {
    const reply = await client.get('/save-then-change');
    assert.equal(reply.setCookies.length, 1);
    const stored = await storeGet(store, idOf(client.jar.get('keel.sid')));
    assert.equal(stored?.a, 1);
    assert.equal(stored?.b, 2);
  });
});

test('reload() discards unsaved changes; callback forms work', { timeout: 10_000 }, async () => {
  await withServer(routes(), async (_, client) => {
    await client.get('/inc');
    assert.equal(JSON.parse((await client.get('/reload')).body).views, 1);
    assert.deepEqual(JSON.parse((await client.get('/callbacks')).body), { ok: true, cb: true });
  });
});

test("unset: 'keep' leaves the stored session, 'destroy' removes it", { timeout: 10_000 }, async () => {
  for (const unset of ['keep', 'destroy'] as const) {
    const store = new MemoryStore();
    await withServer(routes({ unset }, store), async (_, client) => {
      await client.get('/inc');
      const id = idOf(client.jar.get('keel.sid'));
      await client.get('/unset');
      assert.equal((await storeGet(store, id)) === null, unset === 'destroy');
    });
  }
});

test("secure: 'auto' follows the request; proxy: true trusts X-Forwarded-Proto", { timeout: 10_000 }, async () => {
  await withServer(routes({ proxy: true }), async (_, client) => {
    const plain = await client.get('/inc');
    assert.doesNotMatch(plain.setCookies[0], /Secure/);
    const viaProxy = await new Client(client.base).request('/inc', { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(viaProxy.setCookies[0], /; Secure/);
  });
  await withServer(routes({ proxy: false }), async (_, client) => {
    const ignored = await client.request('/inc', { headers: { 'x-forwarded-proto': 'https' } });
    assert.doesNotMatch(ignored.setCookies[0], /Secure/);
  });
  // secure: true over plain HTTP: the session works but the cookie is not sent.
  await withServer(routes({ cookie: { secure: true } }), async (_, client) => {
    const reply = await client.get('/inc');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.setCookies, []);
  });
});

test('no session outside cookie.path; custom name and genid', { timeout: 10_000 }, async () => {
  let n = 0;
  await withServer((app) => {
    app.use(session({ secret: SECRET, name: 'sid', cookie: { path: '/app' }, genid: () => `id-${++n}` }));
    app.get('/app/inc', (req: Request, res: Response) => {
      req.session.x = 1;
      json(res, { id: req.sessionID });
    });
    app.get('/other', (req: Request, res: Response) => json(res, { has: req.session !== undefined }));
  }, async (_, client) => {
    const reply = await client.get('/app/inc');
    assert.equal(JSON.parse(reply.body).id, 'id-1');
    assert.match(reply.setCookies[0], /^sid=s%3Aid-1\.[^;]+; Path=\/app;/);
    assert.deepEqual(JSON.parse((await client.get('/other')).body), { has: false });
  });
});

test('invalid options are TypeErrors at configuration time', () => {
  const bad: unknown[] = [
    undefined,
    {},
    { secret: '' },
    { secret: [] },
    { secret: ['ok', 3] },
    { secret: 's', name: 'bad name' },
    { secret: 's', name: 'a;b' },
    { secret: 's', store: {} },
    { secret: 's', cookie: { maxAge: -1 } },
    { secret: 's', cookie: { maxAge: 'long' } },
    { secret: 's', cookie: { secure: 'yes' } },
    { secret: 's', cookie: { sameSite: 'none', secure: false } },
    { secret: 's', cookie: { sameSite: 'sideways' } },
    { secret: 's', cookie: { path: 'nope' } },
    { secret: 's', cookie: { domain: 'a;b' } },
    { secret: 's', cookie: { priority: 'urgent' } },
    { secret: 's', name: '__Host-sid', cookie: { secure: false } },
    { secret: 's', storeTimeout: 0 },
    { secret: 's', storeTimeout: 'never' },
    { secret: 's', genid: 'x' },
    { secret: 's', resave: 'yes' },
    { secret: 's', rolling: 1 },
    { secret: 's', unset: 'drop' },
  ];
  for (const options of bad) {
    assert.throws(() => session(options as SessionOptions), TypeError, JSON.stringify(options));
  }
});
