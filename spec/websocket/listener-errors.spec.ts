// An exception in a user's listener never crashes the process: it is reported ('error' if someone
// listens, else console.error) and the connection is closed with 1011.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, frame, startServer, waitFor } from './support.js';

test('a throwing message listener: error event with the cause, close 1011, server alive', async () => {
  const errors: { code?: string; cause?: unknown }[] = [];
  const srv = await startServer({}, (ws) => {
    ws.on('error', (e) => errors.push(e as { code?: string; cause?: unknown }));
    ws.on('message', () => {
      throw new Error('user bug');
    });
  });
  try {
    const c = await RawClient.open(srv.port);
    c.send(frame(0x1, 'boom'));
    assert.equal((await c.closeFrame()).code, 1011);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'KEEL_WS_LISTENER_ERROR');
    assert.equal((errors[0].cause as Error).message, 'user bug');
    const again = await RawClient.open(srv.port);
    assert.match(again.response, /^HTTP\/1\.1 101/);
    again.destroy();
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('without an error listener it is logged with console.error, once', async () => {
  const logged: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args[0]);
  const srv = await startServer({}, (ws) =>
    ws.on('message', () => {
      throw new Error('quiet bug');
    }),
  );
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0x1, 'a'), frame(0x1, 'b'), frame(0x1, 'c')]);
    assert.equal((await c.closeFrame()).code, 1011);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(logged.length, 1);
    assert.equal((logged[0] as { code?: string }).code, 'KEEL_WS_LISTENER_ERROR');
    c.destroy();
  } finally {
    console.error = original;
    await srv.close();
  }
});

test('an async listener that rejects is caught the same way', async () => {
  const errors: unknown[] = [];
  const srv = await startServer({}, (ws) => {
    ws.on('error', (e) => errors.push(e));
    ws.on('message', async () => {
      await Promise.resolve();
      throw new Error('async bug');
    });
  });
  try {
    const c = await RawClient.open(srv.port);
    c.send(frame(0x1, 'x'));
    assert.equal((await c.closeFrame()).code, 1011);
    assert.equal(errors.length, 1);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('a throwing close listener does not crash the process', async () => {
  const srv = await startServer({}, (ws) => {
    ws.on('error', () => {});
    ws.on('close', () => {
      throw new Error('close bug');
    });
  });
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    c.destroy();
    // The throwing listener runs first, so later 'close' listeners are skipped (EventEmitter
    // semantics): poll the state instead.
    await waitFor(() => ws.readyState === 3, 'closed');
    const again = await RawClient.open(srv.port);
    assert.match(again.response, /^HTTP\/1\.1 101/);
    again.destroy();
  } finally {
    await srv.close();
  }
});
