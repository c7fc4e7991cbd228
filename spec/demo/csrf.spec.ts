// Demo: state-changing requests must come from the demo's own origin (Origin / Sec-Fetch-Site), and
// so must the WebSocket handshake.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, signIn, withDemo } from './harness.js';

test('cross-site POSTs are refused with 403; same-origin ones pass', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const cookie = await signIn(url, 'Victim');
    const send = (headers: Record<string, string>) =>
      fetch(`${url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"text":"csrf"}' });
    assert.equal((await send({ origin: 'http://evil.example' })).status, 403);
    assert.equal((await send({ 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await send({ 'sec-fetch-site': 'same-site', origin: url })).status, 403);
    assert.equal((await send({ origin: url })).status, 201);
    assert.equal((await send({ 'sec-fetch-site': 'same-origin', origin: url })).status, 201);

    const signOut = await fetch(`${url}/signout`, { method: 'POST', headers: { cookie, origin: 'http://evil.example' }, redirect: 'manual' });
    assert.equal(signOut.status, 403);
    const me = await fetch(`${url}/api/me`, { headers: { cookie } });
    assert.equal(me.status, 200, 'the forged sign-out did not end the session');

    const signInForged = await fetch(`${url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: 'name=Mallory&password=secret123',
      redirect: 'manual',
    });
    assert.equal(signInForged.status, 403);
  });
});

test('a WebSocket handshake from another origin is refused, even with a valid session', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, wsUrl }) => {
    const cookie = await signIn(url, 'Victim');
    await assert.rejects(ChatClient.open(wsUrl, cookie, { origin: 'http://evil.example' }), /403/);
    const own = await ChatClient.open(wsUrl, cookie, { origin: url });
    await own.next('hello');
    await own.close();
  });
});
