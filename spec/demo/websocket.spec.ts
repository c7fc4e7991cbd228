// Demo: the chat room over WebSocket — refused without a session (401 before the handshake),
// broadcast between clients, presence, typing, history on arrival, size limits, sign-out and
// graceful shutdown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connect } from '../../lib/index.js';
import { ChatClient, join, signIn, startDemo, withDemo } from './harness.js';

test('an upgrade without a valid session gets 401 before any handshake', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, wsUrl }) => {
    await assert.rejects(connect(wsUrl, { handshakeTimeout: 3000 }), /Unexpected server response: 401/);
    await assert.rejects(connect(wsUrl, { headers: { cookie: 'keel.demo.sid=s%3Aforged.sig' }, handshakeTimeout: 3000 }), /401/);

    // On the wire: an HTTP 401 answer, never a 101.
    const port = new URL(url).port;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (text += d));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    });
    assert.match(answer, /^HTTP\/1\.1 401 /);
    assert.doesNotMatch(answer, /Sec-WebSocket-Accept/i);
  });
});

test('two clients: hello with history and who is online, messages to both, presence both ways', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, wsUrl }) => {
    const ada = await ChatClient.open(wsUrl, await signIn(url, 'Ada'));
    const helloAda = await ada.next('hello');
    assert.equal(helloAda['you'], 'Ada');
    assert.deepEqual(helloAda['history'], []);
    assert.deepEqual(helloAda['online'], ['Ada']);
    assert.equal(helloAda['maxLength'], 500);

    const bob = await ChatClient.open(wsUrl, await signIn(url, 'Bob'));
    assert.deepEqual((await bob.next('hello'))['online'], ['Ada', 'Bob']);
    await ada.next('presence', (e) => JSON.stringify(e['online']) === '["Ada","Bob"]');

    ada.send({ type: 'message', text: 'Hi Bob <script>alert(1)</script>' });
    for (const client of [ada, bob]) {
      const event = await client.next('message');
      const message = event['message'] as { user: string; text: string; id: number };
      assert.equal(message.user, 'Ada');
      assert.equal(message.text, 'Hi Bob <script>alert(1)</script>'); // data stays data; the page uses textContent
    }
    bob.send({ type: 'message', text: 'Hello Ada' });
    assert.equal(((await ada.next('message'))['message'] as { text: string }).text, 'Hello Ada');

    await bob.close();
    await ada.next('presence', (e) => JSON.stringify(e['online']) === '["Ada"]');
    await ada.close();
  });
});

test('typing notices go to the others, not back to the typist, and are throttled', { timeout: 10_000 }, async () => {
  await withDemo(async (running) => {
    const ada = await join(running, 'Ada');
    const bob = await join(running, 'Bob');
    try {
      ada.send({ type: 'typing' });
      ada.send({ type: 'typing' });
      ada.send({ type: 'typing' });
      assert.equal((await bob.next('typing'))['name'], 'Ada');
      assert.equal(await bob.saw('typing'), false, 'throttled: one notice per second');
      assert.equal(await ada.saw('typing', () => true, 100), false);
    } finally {
      await ada.close();
      await bob.close();
    }
  });
});

test('a newcomer gets the last 50 messages', { timeout: 15_000 }, async () => {
  await withDemo(async ({ url, wsUrl, demo }) => {
    for (let i = 1; i <= 60; i++) demo.room.post('Seeder', `seed ${i}`);
    const late = await ChatClient.open(wsUrl, await signIn(url, 'Late'));
    const history = (await late.next('hello'))['history'] as { text: string }[];
    assert.equal(history.length, 50);
    assert.equal(history[0].text, 'seed 11');
    assert.equal(history[49].text, 'seed 60');
    await late.close();
  });
});

test('a too-long message gets a clear error and reaches no one; a huge frame closes with 1009', { timeout: 10_000 }, async () => {
  await withDemo(async (running) => {
    const ada = await join(running, 'Ada');
    const bob = await join(running, 'Bob');
    try {
      ada.send({ type: 'message', text: 'x'.repeat(501) });
      const error = await ada.next('error');
      assert.equal(error['code'], 'message_too_long');
      assert.equal(error['message'], 'Messages can be at most 500 characters; this one has 501.');
      assert.equal(await bob.saw('message'), false);

      ada.send({ type: 'message', text: '' });
      assert.equal((await ada.next('error'))['code'], 'empty_message');
      ada.send({ type: 'nonsense' });
      assert.equal((await ada.next('error'))['code'], 'bad_type');
      ada.ws.send('not json');
      assert.equal((await ada.next('error'))['code'], 'bad_json');

      ada.ws.send('x'.repeat(17 * 1024));
      const closed = await ada.closed;
      assert.equal(closed.code, 1009);
      // The server lives on.
      bob.send({ type: 'message', text: 'still here' });
      assert.equal(((await bob.next('message'))['message'] as { text: string }).text, 'still here');
    } finally {
      await ada.close();
      await bob.close();
    }
  });
});

test('a flood of messages is slowed down', { timeout: 10_000 }, async () => {
  await withDemo(async (running) => {
    const ada = await join(running, 'Flood');
    try {
      for (let i = 0; i < 30; i++) ada.send({ type: 'message', text: `m${i}` });
      assert.equal((await ada.next('error'))['code'], 'slow_down');
    } finally {
      await ada.close();
    }
  });
});

test('binary frames are refused with 1003', { timeout: 10_000 }, async () => {
  await withDemo(async (running) => {
    const ada = await join(running, 'Bin');
    ada.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await ada.closed).code, 1003);
  });
});

test('sign-out closes that session’s sockets with 4001 and updates who is online', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url, wsUrl }) => {
    const cookie = await signIn(url, 'Leaver');
    const leaver = await ChatClient.open(wsUrl, cookie);
    const stayer = await ChatClient.open(wsUrl, await signIn(url, 'Stayer'));
    try {
      await leaver.next('hello');
      await stayer.next('hello');
      const out = await fetch(`${url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
      assert.equal(out.status, 303);
      assert.equal((await leaver.closed).code, 4001);
      await stayer.next('presence', (e) => JSON.stringify(e['online']) === '["Stayer"]');
      await assert.rejects(ChatClient.open(wsUrl, cookie), /401/);
    } finally {
      await leaver.close();
      await stayer.close();
    }
  });
});

test('closing the app closes WebSockets with 1001', { timeout: 10_000 }, async () => {
  const running = await startDemo();
  let closed = false;
  try {
    const client = await ChatClient.open(running.wsUrl, await signIn(running.url, 'Bye'));
    await client.next('hello');
    await running.close();
    closed = true;
    assert.equal((await client.closed).code, 1001);
  } finally {
    if (!closed) await running.close();
  }
});
