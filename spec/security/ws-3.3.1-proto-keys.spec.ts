// ws 3.3.1 (2017): extension and parameter names like `__proto__` or `constructor` collided with
// Object.prototype and crashed the handshake. Keel keys header parameters in null-prototype maps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, frame, handshakeRequest, startServer } from '../websocket/support.js';

const offers = [
  '__proto__',
  'constructor',
  'hasOwnProperty; toString=1',
  'permessage-deflate; __proto__; constructor=2',
  'toString, valueOf, __defineGetter__',
];

for (const value of offers) {
  test(`Sec-WebSocket-Extensions: ${value} → 101 without extensions; the socket works`, async () => {
    const srv = await startServer();
    try {
      const c = await RawClient.open(srv.port, handshakeRequest('/', `Sec-WebSocket-Extensions: ${value}\r\n`));
      assert.match(c.response, /^HTTP\/1\.1 101 /);
      assert.ok(!/Sec-WebSocket-Extensions/i.test(c.response));
      c.send(frame(0x1, 'still fine'));
      assert.equal((await c.frame(0x1)).payload.toString(), 'still fine');
      c.destroy();
      assert.equal(({} as Record<string, unknown>).constructor, Object);
    } finally {
      await srv.close();
    }
  });
}

test('a subprotocol named __proto__ is an ordinary token', async () => {
  const srv = await startServer({ protocols: ['__proto__'] });
  try {
    const c = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Protocol: constructor, __proto__\r\n'));
    assert.ok(c.response.includes('Sec-WebSocket-Protocol: __proto__\r\n'));
    c.destroy();
  } finally {
    await srv.close();
  }
});
