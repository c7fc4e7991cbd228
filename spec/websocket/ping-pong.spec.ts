// Ping and pong (RFC 6455 §5.5.2-3) and the heartbeat option.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, echo, frame, startServer, within } from './support.js';
import { connect } from '../../lib/websocket/client.js';

test('a ping is answered with a pong carrying the same payload; the ping event fires', async () => {
  const pings: string[] = [];
  const srv = await startServer({}, (ws) => ws.on('ping', (p) => pings.push(p.toString())));
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0x9, 'abc'), frame(0x9), frame(0x9, Buffer.alloc(125, 0x7a))]);
    assert.equal((await c.frame(0xa)).payload.toString(), 'abc');
    assert.equal((await c.frame(0xa)).payload.length, 0);
    assert.equal((await c.frame(0xa)).payload.toString(), 'z'.repeat(125));
    assert.deepEqual(pings, ['abc', '', 'z'.repeat(125)]);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('unsolicited pongs are fine and reported', async () => {
  const pongs: string[] = [];
  const srv = await startServer({}, (ws) => {
    echo(ws);
    ws.on('pong', (p) => pongs.push(p.toString()));
  });
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0xa, 'hey'), frame(0x1, 'still open')]);
    assert.equal((await c.frame(0x1)).payload.toString(), 'still open');
    assert.deepEqual(pongs, ['hey']);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('ping()/pong() send control frames; payloads are type-checked and ≤ 125 bytes', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    assert.equal(ws.ping('p1'), true);
    ws.ping(new Uint8Array([1, 2]));
    ws.pong(Buffer.from('p2'));
    ws.ping();
    assert.throws(() => ws.ping(10 as unknown as string), TypeError);
    assert.throws(() => ws.pong({} as unknown as string), TypeError);
    assert.throws(() => ws.ping('x'.repeat(126)), TypeError);
    assert.equal((await c.frame(0x9)).payload.toString(), 'p1');
    assert.deepEqual([...(await c.frame(0x9)).payload], [1, 2]);
    assert.equal((await c.frame(0xa)).payload.toString(), 'p2');
    assert.equal((await c.frame(0x9)).payload.length, 0);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('heartbeat: a peer that answers pings stays; a dead peer is terminated', async () => {
  const srv = await startServer({ heartbeat: 100 });
  try {
    // Keel's client answers pings by itself.
    const alive = await connect(`ws://127.0.0.1:${srv.port}/`);
    // A raw peer that never answers and sends nothing.
    const dead = await RawClient.open(srv.port);
    const deadWs = srv.sockets[1];
    const closed = new Promise<number>((resolve) => deadWs.once('close', resolve));
    assert.equal(await within(closed, 2000, 'dead peer terminated'), 1006);
    await dead.frame(0x9); // it was pinged first
    assert.equal(srv.sockets[0].readyState, 1, 'the live peer is still open');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(srv.sockets[0].readyState, 1);
    alive.terminate();
  } finally {
    await srv.close();
  }
});

test('heartbeat: 0 turns it off', async () => {
  const srv = await startServer({ heartbeat: 0 });
  try {
    const c = await RawClient.open(srv.port);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.frames.length, 0);
    assert.equal(srv.sockets[0].readyState, 1);
    c.destroy();
  } finally {
    await srv.close();
  }
});
