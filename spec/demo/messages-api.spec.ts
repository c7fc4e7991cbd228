// Demo: GET/POST /api/messages — posting, the size limit, the 50-message history, and the
// broadcast of API posts to the WebSocket room.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, signIn, withDemo } from './harness.js';

interface Message {
  id: number;
  user: string;
  text: string;
  at: number;
}

function post(url: string, cookie: string, body: unknown): Promise<globalThis.Response> {
  return fetch(`${url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('POST /api/messages stores the message; GET returns it', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const cookie = await signIn(url, 'Poster');
    const created = await post(url, cookie, { text: '  hello world  ' });
    assert.equal(created.status, 201);
    const { message } = (await created.json()) as { message: Message };
    assert.equal(message.user, 'Poster');
    assert.equal(message.text, 'hello world');
    const list = await fetch(`${url}/api/messages`, { headers: { cookie } });
    assert.equal(list.headers.get('cache-control'), 'no-store');
    const { messages } = (await list.json()) as { messages: Message[] };
    assert.deepEqual(messages, [message]);
  });
});

test('the size limit: 500 characters pass, 501 get a 413 with a clear message', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const cookie = await signIn(url, 'Verbose');
    const ok = await post(url, cookie, { text: 'a'.repeat(500) });
    assert.equal(ok.status, 201);
    const tooLong = await post(url, cookie, { text: 'a'.repeat(501) });
    assert.equal(tooLong.status, 413);
    assert.deepEqual(await tooLong.json(), {
      error: { code: 'message_too_long', message: 'Messages can be at most 500 characters; this one has 501.' },
    });
    const empty = await post(url, cookie, { text: '   ' });
    assert.equal(empty.status, 400);
    const notText = await post(url, cookie, { text: { html: '<b>' } });
    assert.equal(notText.status, 400);
    const hugeBody = await post(url, cookie, { text: 'a'.repeat(20_000) });
    assert.equal(hugeBody.status, 413); // the JSON body parser's own limit (16 KiB)
    const badJson = await fetch(`${url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"text":' });
    assert.equal(badJson.status, 400);
    const { messages } = (await (await fetch(`${url}/api/messages`, { headers: { cookie } })).json()) as { messages: Message[] };
    assert.equal(messages.length, 1);
  });
});

test('the limit is an option', { timeout: 10_000 }, async () => {
  await withDemo(
    async ({ url }) => {
      const cookie = await signIn(url, 'Terse');
      assert.equal((await post(url, cookie, { text: '12345' })).status, 201);
      assert.equal((await post(url, cookie, { text: '123456' })).status, 413);
    },
    { maxMessageLength: 5 },
  );
});

test('GET /api/messages gives the last 50, oldest first', { timeout: 15_000 }, async () => {
  await withDemo(async ({ url }) => {
    const cookie = await signIn(url, 'Chatty');
    for (let i = 1; i <= 60; i++) assert.equal((await post(url, cookie, { text: `message ${i}` })).status, 201);
    const { messages } = (await (await fetch(`${url}/api/messages`, { headers: { cookie } })).json()) as { messages: Message[] };
    assert.equal(messages.length, 50);
    assert.equal(messages[0].text, 'message 11');
    assert.equal(messages[49].text, 'message 60');
  });
});

test('a message posted through the API reaches every WebSocket in the room', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, wsUrl }) => {
    const cookie = await signIn(url, 'Api');
    const listener = await ChatClient.open(wsUrl, await signIn(url, 'Listener'));
    try {
      await listener.next('hello');
      const created = await post(url, cookie, { text: 'from the API' });
      const { message } = (await created.json()) as { message: Message };
      const event = await listener.next('message');
      assert.deepEqual(event['message'], message);
    } finally {
      await listener.close();
    }
  });
});
