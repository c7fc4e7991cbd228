// Demo: signing in (first sign-in sets the password, scrypt hashes, wrong passwords refused, a new
// session id at sign-in) and signing out (the session is destroyed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionCookie, signIn, signInJson, withDemo } from './harness.js';

test('the first sign-in creates the user; the same password signs in again, another is refused', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const first = await signInJson(url, 'Ada', 'analytical');
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { name: 'Ada', created: true });
    assert.ok(sessionCookie(first));

    const again = await signInJson(url, 'ada', 'analytical'); // names are case-insensitive
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { name: 'Ada', created: false });

    const wrong = await signInJson(url, 'Ada', 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'wrong_password');
    assert.equal(sessionCookie(wrong), undefined);
  });
});

test('a form sign-in answers with 303 redirects, and a failure names a fixed error code', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const form = (name: string, password: string) =>
      fetch(`${url}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name, password }), redirect: 'manual' });
    const ok = await form('Grace', 'cobol-rules');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/chat');
    assert.ok(sessionCookie(ok));
    const wrong = await form('Grace', 'fortran-rules');
    assert.equal(wrong.status, 303);
    assert.equal(wrong.headers.get('location'), '/signin?error=wrong_password');
    const short = await form('Linus', '123');
    assert.equal(short.headers.get('location'), '/signin?error=bad_password');
    const control = await form('bad\u0007name', 'long enough');
    assert.equal(control.headers.get('location'), '/signin?error=bad_name');
  });
});

test('bad names and passwords are 400s', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    for (const [name, password] of [['', 'password'], ['   ', 'password'], ['x'.repeat(33), 'password'], ['a\u202Eb', 'password'], ['ok', '12345'], ['ok', 'p'.repeat(201)]]) {
      const r = await signInJson(url, name, password);
      assert.equal(r.status, 400, `${JSON.stringify(name)} / ${password.length} chars`);
      await r.body?.cancel();
    }
    const notStrings = await fetch(`${url}/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":["a"],"password":{"x":1}}' });
    assert.equal(notStrings.status, 400);
  });
});

test('passwords are stored as salted scrypt hashes only', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, demo }) => {
    await signIn(url, 'one', 'same password');
    await signIn(url, 'two', 'same password');
    const users = demo.store.data.users;
    const text = JSON.stringify(users);
    assert.ok(!text.includes('same password'));
    assert.notEqual(users['one'].salt, users['two'].salt);
    assert.notEqual(users['one'].hash, users['two'].hash);
    assert.equal(Buffer.from(users['one'].hash, 'base64').length, 64);
    assert.equal(Buffer.from(users['one'].salt, 'base64').length, 16);
  });
});

test('the default scrypt cost is used when none is given', { timeout: 10_000 }, async () => {
  await withDemo(
    async ({ url, demo }) => {
      await signIn(url, 'costly', 'a password');
      assert.deepEqual([demo.store.data.users['costly'].N, demo.store.data.users['costly'].r, demo.store.data.users['costly'].p], [16384, 8, 1]);
      const r = await signInJson(url, 'costly', 'a password');
      assert.equal(r.status, 200);
      await r.body?.cancel();
    },
    { scrypt: undefined },
  );
});

test('two simultaneous first sign-ins of one name create it once', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const [a, b] = await Promise.all([signInJson(url, 'Racer', 'password A'), signInJson(url, 'Racer', 'password B')]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 401]);
    await a.body?.cancel();
    await b.body?.cancel();
  });
});

test('sign-in gives a new session id: a cookie from before is not reused (session fixation)', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const before = await signIn(url, 'first', 'password 1');
    const after = await signInJson(url, 'second', 'password 2', before);
    assert.equal(after.status, 200);
    const cookie = sessionCookie(after);
    assert.ok(cookie);
    assert.notEqual(cookie, before);
    const old = await fetch(`${url}/api/me`, { headers: { cookie: before } });
    assert.equal(old.status, 401);
    const me = await fetch(`${url}/api/me`, { headers: { cookie } });
    assert.equal(((await me.json()) as { name: string }).name, 'second');
  });
});

test('sign-out destroys the session and clears the cookie', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const cookie = await signIn(url, 'leaver', 'password');
    const out = await fetch(`${url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/signin');
    assert.ok(out.headers.getSetCookie().some((c) => c.startsWith('keel.demo.sid=;') && /expires=Thu, 01 Jan 1970/i.test(c)));
    const me = await fetch(`${url}/api/me`, { headers: { cookie } });
    assert.equal(me.status, 401);
    const page = await fetch(`${url}/chat`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(page.status, 303);
  });
});

test('past 64 sign-ins hashing at once, more are told "busy" (503) instead of queueing without bound', { timeout: 20_000 }, async () => {
  await withDemo(
    async ({ url }) => {
      const responses = await Promise.all(Array.from({ length: 120 }, (_, i) => signInJson(url, `crowd${i}`, 'a password')));
      const statuses = responses.map((r) => r.status);
      await Promise.all(responses.map((r) => r.body?.cancel()));
      assert.ok(statuses.includes(503), 'some were turned away');
      assert.ok(statuses.filter((s) => s === 200).length >= 64, 'the first 64 got through');
      assert.deepEqual([...new Set(statuses)].sort(), [200, 503]);
      const later = await signInJson(url, 'crowd0', 'a password');
      assert.equal(later.status, 200, 'the server recovers');
      await later.body?.cancel();
    },
    { scrypt: undefined },
  );
});
