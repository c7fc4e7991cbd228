// Topics: subscribe/unsubscribe, publish encoding once to every subscriber, skipping or closing
// subscribers that are backed up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, frame, startServer, within } from './support.js';
import { connect } from '../../lib/websocket/client.js';

test('publish reaches every subscriber of the topic, and only them', async () => {
  const srv = await startServer({}, (ws) => {
    ws.on('message', (d) => {
      const [cmd, topic] = String(d).split(' ');
      if (cmd === 'sub') ws.subscribe(topic);
      if (cmd === 'unsub') ws.unsubscribe(topic);
      ws.send('ok');
    });
  });
  try {
    const clients = await Promise.all([0, 1, 2].map(() => connect(`ws://127.0.0.1:${srv.port}/`)));
    const inbox: string[][] = [[], [], []];
    clients.forEach((c, i) => c.on('message', (d) => inbox[i].push(String(d))));
    const acked = (i: number, n: number): Promise<void> =>
      within(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (inbox[i].filter((x) => x === 'ok').length >= n) resolve();
            else setTimeout(check, 5);
          };
          check();
        }),
        2000,
        'ack',
      );
    clients[0].send('sub news');
    clients[1].send('sub news');
    clients[2].send('sub other');
    await Promise.all([acked(0, 1), acked(1, 1), acked(2, 1)]);
    assert.equal(srv.topics.subscriberCount('news'), 2);
    assert.equal(srv.topics.publish('news', 'headline'), 2);
    assert.equal(srv.topics.publish('news', Buffer.from([1, 2, 3])), 2);
    assert.equal(srv.topics.publish('nobody', 'x'), 0);
    clients[1].send('unsub news');
    await acked(1, 2);
    assert.equal(srv.topics.publish('news', 'second'), 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(inbox[0].filter((x) => x !== 'ok'), ['headline', '\x01\x02\x03', 'second']);
    assert.deepEqual(inbox[1].filter((x) => x !== 'ok'), ['headline', '\x01\x02\x03']);
    assert.deepEqual(inbox[2].filter((x) => x !== 'ok'), []);
    // ws.publish excludes the sender.
    assert.equal(srv.sockets[0].publish('news', 'from 0'), 0);
    srv.sockets[1].subscribe('news');
    assert.equal(srv.sockets[0].publish('news', 'from 0'), 1);
    // closed sockets leave their topics
    const closed = new Promise((resolve) => srv.sockets[0].once('close', resolve));
    clients[0].terminate();
    await within(closed, 2000, 'close');
    assert.equal(srv.topics.subscriberCount('news'), 1);
    for (const c of clients) c.terminate();
  } finally {
    await srv.close();
  }
});

test('publish checks data types and writes one identical frame to each subscriber', async () => {
  const srv = await startServer({}, (ws) => ws.subscribe('t'));
  try {
    const a = await RawClient.open(srv.port);
    const b = await RawClient.open(srv.port);
    assert.throws(() => srv.topics.publish('t', 12 as unknown as string), TypeError);
    assert.throws(() => srv.topics.publish('t', Buffer.from([0xff]), { binary: false }), TypeError);
    assert.equal(srv.topics.publish('t', 'text', { binary: true }), 2);
    const fa = await a.frame(0x2);
    const fb = await b.frame(0x2);
    assert.equal(fa.payload.toString(), 'text');
    assert.deepEqual(fa, fb);
    a.destroy();
    b.destroy();
  } finally {
    await srv.close();
  }
});

for (const policy of ['skip', 'close'] as const) {
  test(`a subscriber over maxBufferedAmount is ${policy === 'skip' ? 'skipped' : 'closed'} (publishOverflow: '${policy}')`, async () => {
    const srv = await startServer({ maxBufferedAmount: 64 * 1024, publishOverflow: policy }, (ws) => ws.subscribe('t'));
    try {
      const slow = await RawClient.open(srv.port);
      const fast = await RawClient.open(srv.port);
      slow.socket.pause();
      const slowClosed = new Promise((r) => srv.sockets[0].once('close', r));
      const big = Buffer.alloc(32 * 1024);
      let lastCount = 2;
      for (let i = 0; i < 400 && lastCount === 2; i++) {
        lastCount = srv.topics.publish('t', big);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(lastCount, 1, 'the slow subscriber was left out');
      if (policy === 'close') {
        await within(slowClosed, 2000, 'slow closed');
        assert.equal(srv.topics.subscriberCount('t'), 1);
      } else {
        assert.equal(srv.sockets[0].readyState, 1);
      }
      fast.send(frame(0x1, 'still here'));
      slow.destroy();
      fast.destroy();
    } finally {
      await srv.close();
    }
  });
}

test('client sockets cannot subscribe', async () => {
  const srv = await startServer();
  try {
    const c = await connect(`ws://127.0.0.1:${srv.port}/`);
    assert.throws(() => c.subscribe('t'), TypeError);
    c.terminate();
  } finally {
    await srv.close();
  }
});
