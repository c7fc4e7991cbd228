// Hostile WebSocket peers against a real createApp() server: 2,000 headers on an upgrade
// (CVE-2024-37890), a ping flood (read and unread), a flood of 1-byte fragments, a handshake flood
// with bad keys, and a peer that never reads (backpressure, then maxBufferedAmount or the heartbeat
// ends it). After each the server answers a normal request and its memory is back near the start.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, frame, handshakeRequest, KEY } from '../websocket/support.js';
import { assertAnswers, assertReturned, collect, connect, delay, expire, MiB, mib, pingApp, report, settledMemory, start } from './support.js';
import type { WebSocket } from '../../lib/index.js';

test('an upgrade with 2,000 headers gets a 4xx, the server lives (CVE-2024-37890)', async () => {
  const app = pingApp();
  let opened = 0;
  app.ws('/ws', () => void opened++);
  const running = await start(app);
  try {
    const before = await settledMemory();
    for (const keyFirst of [false, true]) {
      const filler = Array.from({ length: 2000 }, (_, i) => `X-F${i}: v\r\n`).join('');
      const key = `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`;
      const socket = await connect(running.port);
      const answer = collect(socket, keyFirst ? 500 : 3000);
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + (keyFirst ? key + filler : filler + key) + '\r\n',
      );
      const { data, closedBy } = await answer;
      if (keyFirst) {
        // The headers past maxHeadersCount are dropped; the ones kept make a valid handshake.
        assert.match(data, /^HTTP\/1\.1 101 /, `answer: ${data.slice(0, 40)}`);
      } else {
        // The key arrived past maxHeadersCount and was dropped: a clean 400, not a crash.
        assert.equal(closedBy, 'server');
        assert.match(data, /^HTTP\/1\.1 (400|431) /, `answer: ${data.slice(0, 40)}`);
      }
      socket.destroy();
    }
    await delay(50);
    assert.equal(opened, 1, 'only the upgrade whose key was among the kept headers opened');
    await assertAnswers(running);
    report(assertReturned('upgrade with 2,000 headers', before, await settledMemory()));
  } finally {
    await running.close();
  }
});

test('ping flood: 20,000 pings are all answered when read; an unread flood is ended by maxBufferedAmount', async () => {
  const app = pingApp({ websocket: { maxBufferedAmount: 256 * 1024, heartbeat: 0 } });
  const sockets = new Set<WebSocket>();
  app.ws('/ws', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
  const running = await start(app);
  try {
    const before = await settledMemory();
    const reader = await RawClient.open(running.port, handshakeRequest('/ws'));
    const ping = frame(0x9, 'p');
    reader.send(Buffer.concat(Array.from({ length: 20_000 }, () => ping)));
    await reader.until(() => reader.frames.filter((f) => f.opcode === 0xa).length === 20_000, '20,000 pongs', 10_000);
    reader.destroy();
    reader.frames.length = 0; // the client lives in this process too: drop what it kept

    // A peer that floods pings with 125-byte payloads and never reads the pongs.
    const flooder = await connect(running.port);
    flooder.write(handshakeRequest('/ws'));
    await new Promise((r) => flooder.once('data', r));
    flooder.pause();
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      flooder.once('close', () => resolve(Date.now() - t0));
    });
    const bigPing = frame(0x9, Buffer.alloc(125, 1));
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => bigPing));
    let sent = 0;
    while (!flooder.destroyed && sent < 400) {
      // 400 batches = 52 MB of pings, far more than the kernel buffers: the server must give up.
      if (!flooder.write(batch)) await Promise.race([new Promise((r) => flooder.once('drain', r)), expire(200, 0)]);
      sent++;
      if (sent % 20 === 0) await delay(1);
    }
    const took = await Promise.race([closed, expire(10_000, -1)]);
    assert.notEqual(took, -1, 'the server never ended the unread ping flood');
    await delay(50);
    assert.equal(sockets.size, 0, 'a flooding WebSocket is still open');
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned('ping flood', before, after) + `, 20,000 pongs answered; unread flood ended after ${sent} KiPings`);
  } finally {
    await running.close();
  }
});

test('1-byte fragment flood: closed with 1009 after maxFragments, memory bounded', async () => {
  const app = pingApp({ websocket: { maxFragments: 1024, heartbeat: 0 } });
  let messages = 0;
  app.ws('/ws', (ws) => ws.on('message', () => void messages++));
  const running = await start(app);
  try {
    const before = await settledMemory();
    for (const size of [1, 0]) {
      const c = await RawClient.open(running.port, handshakeRequest('/ws'));
      const parts = [frame(0x1, 'a'.repeat(size), { fin: false })];
      const cont = frame(0x0, 'b'.repeat(size), { fin: false });
      for (let i = 0; i < 100_000; i++) parts.push(cont);
      c.send(Buffer.concat(parts));
      const close = await c.closeFrame(5000);
      assert.equal(close.code, 1009, `${size}-byte fragments closed with ${close.code}`);
      await c.waitEnd(3000);
      c.destroy();
    }
    assert.equal(messages, 0);
    await assertAnswers(running);
    report(assertReturned('1-byte and empty fragment floods (100,000 each)', before, await settledMemory()) + ', closed 1009');
  } finally {
    await running.close();
  }
});

test('handshake flood with bad keys: 2,000 upgrades get 400, none open', async () => {
  const app = pingApp();
  let opened = 0;
  app.ws('/ws', () => void opened++);
  const running = await start(app);
  try {
    const before = await settledMemory();
    const bad = ['', 'short', 'dGhlIHNhbXBsZSBub25jZQ', '!!!!!!!!!!!!!!!!!!!!!!==', 'dGhlIHNhbXBsZSBub25jZQ==x', 'a'.repeat(5000)];
    let refused = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const key = bad[(round * 100 + i) % bad.length]!;
          const socket = await connect(running.port);
          const answer = collect(socket, 3000);
          socket.write(`GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
          const { data } = await answer;
          if (/^HTTP\/1\.1 400 /.test(data)) refused++;
        }),
      );
    }
    assert.equal(refused, 2000);
    assert.equal(opened, 0);
    const left = await running.connections();
    await assertAnswers(running);
    report(assertReturned('bad-key handshake flood ×2,000', before, await settledMemory()) + `, ${left} connections left`);
  } finally {
    await running.close();
  }
});

test('a peer that never reads: send reports backpressure, maxBufferedAmount ends it, memory bounded', async () => {
  const app = pingApp({ websocket: { maxBufferedAmount: 1 * MiB, heartbeat: 0 } });
  let sawBackpressure = false;
  let peakBuffered = 0;
  let ended: Promise<number> | undefined;
  const chunk = Buffer.alloc(64 * 1024, 1);
  app.ws('/ws', (ws) => {
    const t0 = Date.now();
    ended = new Promise((resolve) => ws.on('close', () => resolve(Date.now() - t0)));
    const timer = setInterval(() => {
      for (let i = 0; i < 8; i++) {
        if (!ws.send(chunk)) sawBackpressure = true;
        peakBuffered = Math.max(peakBuffered, ws.bufferedAmount);
      }
    }, 2);
    ws.on('close', () => clearInterval(timer));
  });
  const running = await start(app);
  try {
    const before = await settledMemory();
    const socket = await connect(running.port);
    socket.write(handshakeRequest('/ws'));
    await new Promise((r) => socket.once('data', r));
    socket.pause(); // never reads again
    await waitUntil(() => ended !== undefined, 2000);
    const took = await Promise.race([ended!, expire(10_000, -1)]);
    assert.notEqual(took, -1, 'the server kept a never-reading peer for 10 s');
    assert.ok(sawBackpressure, 'send() never reported backpressure');
    // The queue may exceed the limit by the last send only (8 × 64 KiB per tick at most).
    assert.ok(peakBuffered <= 1 * MiB + 9 * 64 * 1024, `queued ${mib(peakBuffered)} with a 1 MiB limit`);
    socket.destroy();
    await assertAnswers(running);
    report(assertReturned('never-reading peer (maxBufferedAmount 1 MiB)', before, await settledMemory()) + `, peak queue ${mib(peakBuffered)}, ended after ${took} ms`);
  } finally {
    await running.close();
  }
});

test('a peer that never reads nor answers pings is ended by the heartbeat', async () => {
  const app = pingApp({ websocket: { heartbeat: 200 } });
  let ended: Promise<{ code: number; after: number }> | undefined;
  app.ws('/ws', (ws) => {
    const t0 = Date.now();
    ended = new Promise((resolve) => ws.on('close', (code) => resolve({ code, after: Date.now() - t0 })));
  });
  const running = await start(app);
  try {
    const socket = await connect(running.port);
    socket.write(handshakeRequest('/ws'));
    await new Promise((r) => socket.once('data', r));
    socket.pause();
    await waitUntil(() => ended !== undefined, 2000);
    const result = await Promise.race([ended!, expire(3000, undefined)]);
    assert.ok(result !== undefined, 'the heartbeat did not end a silent peer within 3 s');
    // Within 3 s (15 heartbeats) is the only wall-clock bound: a loaded machine may fire timers late.
    socket.destroy();
    await assertAnswers(running);
    report(`silent peer, heartbeat 200 ms: ended after ${result.after} ms (code ${result.code})`);
  } finally {
    await running.close();
  }
});

async function waitUntil(test: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await delay(5);
  }
}
