// MemoryStore: the Store contract (callbacks and promises), copies, expiry, bounds, the sweep.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryStore, type SessionRecord } from '../../lib/index.js';
import { sleep } from './client.js';

const record = (data: Record<string, unknown>, expires: Date | null = null): SessionRecord => ({
  cookie: { originalMaxAge: expires === null ? null : expires.getTime() - Date.now(), expires },
  ...data,
});

test('promise API: set, get, touch, destroy, all, length, clear', async () => {
  const store = new MemoryStore();
  await store.set('a', record({ x: 1 }));
  await store.set('b', record({ y: 2 }));
  assert.equal((await store.get('a'))?.x, 1);
  assert.equal(await store.get('missing'), null);
  assert.equal(await store.length(), 2);
  assert.deepEqual(Object.keys((await store.all()) ?? {}).sort(), ['a', 'b']);
  await store.destroy('a');
  assert.equal(await store.get('a'), null);
  await store.clear();
  assert.equal(await store.length(), 0);
  store.close();
});

test('callback API (express-session contract), called asynchronously', async () => {
  const store = new MemoryStore();
  let sync = true;
  const got = await new Promise<SessionRecord | null | undefined>((resolve, reject) => {
    store.set('s', record({ v: 'cb' }), (err) => {
      if (err) return reject(err);
      store.get('s', (err2, value) => (err2 ? reject(err2) : resolve(value)));
    });
    assert.equal(sync, true);
    sync = false;
  });
  assert.equal(got?.v, 'cb');
  const length = await new Promise((resolve) => store.length((_, n) => resolve(n)));
  assert.equal(length, 1);
  const err = await new Promise((resolve) => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    store.set('bad', record(cyclic), resolve);
  });
  assert.ok(err instanceof TypeError, 'a value JSON cannot hold is reported through the callback');
  store.close();
});

test('stores copies: later mutation of the object does not leak in or out', async () => {
  const store = new MemoryStore();
  const sess = record({ list: [1] });
  await store.set('s', sess);
  (sess.list as number[]).push(2);
  const a = await store.get('s');
  assert.deepEqual(a?.list, [1]);
  (a?.list as number[]).push(3);
  assert.deepEqual((await store.get('s'))?.list, [1]);
  store.close();
});

// The lifetimes below are a second long so that a machine that stalls for a few hundred
// milliseconds (a busy CI runner) cannot expire an entry before the test looks at it.
test('entries expire with their cookie; touch extends them', async () => {
  const store = new MemoryStore();
  await store.set('short', record({}, new Date(Date.now() + 1000)));
  await store.set('long', record({}, new Date(Date.now() + 1000)));
  await store.touch('long', record({}, new Date(Date.now() + 10_000)));
  await sleep(1150);
  assert.equal(await store.get('short'), null);
  assert.notEqual(await store.get('long'), null);
  store.close();
});

test('sessions without an expiry live for ttl since their last write', async () => {
  const store = new MemoryStore({ ttl: 1000 });
  await store.set('s', record({}));
  assert.notEqual(await store.get('s'), null);
  await sleep(1150);
  assert.equal(await store.get('s'), null);
  store.close();
});

test('bounded: past maxSessions the least recently written or touched is evicted', async () => {
  const store = new MemoryStore({ maxSessions: 3 });
  for (const id of ['1', '2', '3']) await store.set(id, record({ id }));
  await store.touch('1', record({}));
  await store.set('4', record({ id: '4' }));
  await store.set('5', record({ id: '5' }));
  assert.equal(store.size, 3);
  assert.equal(await store.get('2'), null);
  assert.equal(await store.get('3'), null);
  assert.equal((await store.get('1'))?.id, '1');
  for (let i = 0; i < 10_000; i++) await store.set(`many-${i}`, record({ i }));
  assert.equal(store.size, 3);
  store.close();
});

test('the periodic sweep drops expired entries without any get', async () => {
  const store = new MemoryStore({ sweepInterval: 30 });
  for (let i = 0; i < 50; i++) await store.set(`s${i}`, record({}, new Date(Date.now() + 20)));
  assert.equal(store.size, 50);
  await sleep(200);
  assert.equal(store.size, 0);
  store.close();
});

test("the sweep timer is unref'd: a process holding a store exits on its own", () => {
  const module = fileURLToPath(new URL('../../lib/session/memory-store.js', import.meta.url));
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `const { MemoryStore } = await import(${JSON.stringify(module)}); new MemoryStore({ sweepInterval: 10 });`], { timeout: 5000 });
  assert.equal(child.status, 0, String(child.stderr));
  assert.ok(Date.now() - started < 5000);
});

test('invalid options are TypeErrors', () => {
  for (const options of [{ maxSessions: 0 }, { maxSessions: 1.5 }, { maxSessions: '10' }, { ttl: -1 }, { ttl: Infinity }, { sweepInterval: 0 }, { sweepInterval: NaN }]) {
    assert.throws(() => new MemoryStore(options as never), TypeError, JSON.stringify(options));
  }
});
