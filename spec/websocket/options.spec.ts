// resolveWebSocketOptions: defaults, inheritance from app-wide settings, and a TypeError naming
// the option for every invalid value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveWebSocketOptions, DEFAULT_WEBSOCKET_OPTIONS, type WebSocketOptions } from '../../lib/websocket/options.js';

test('defaults', () => {
  const o = resolveWebSocketOptions(undefined);
  assert.equal(o.maxPayload, 16 * 1024 * 1024);
  assert.equal(o.maxFragments, 1024);
  assert.equal(o.maxBufferedMessageBytes, 32 * 1024 * 1024);
  assert.equal(o.heartbeat, 30000);
  assert.equal(o.closeTimeout, 5000);
  assert.equal(o.maxBufferedAmount, 16 * 1024 * 1024);
  assert.equal(o.publishOverflow, 'skip');
  assert.deepEqual(o.protocols, []);
  assert.equal(o.origins, undefined);
  assert.equal(o, DEFAULT_WEBSOCKET_OPTIONS);
});

test('route options inherit from app-wide ones', () => {
  const app = resolveWebSocketOptions({ maxPayload: 1000, heartbeat: 0, origins: ['https://A.example'] });
  assert.equal(app.maxBufferedMessageBytes, 65536, 'derived from maxPayload, at least 64 KiB');
  const route = resolveWebSocketOptions({ closeTimeout: 100 }, app);
  assert.equal(route.maxPayload, 1000);
  assert.equal(route.heartbeat, 0);
  assert.equal(route.closeTimeout, 100);
  assert.deepEqual(route.origins, ['https://a.example']);
  const bigger = resolveWebSocketOptions({ maxPayload: 1 << 20 }, app);
  assert.equal(bigger.maxBufferedMessageBytes, 2 << 20);
});

const invalid: [WebSocketOptions, RegExp][] = [
  [{ maxPayload: 0 }, /maxPayload/],
  [{ maxPayload: -1 }, /maxPayload/],
  [{ maxPayload: 1.5 }, /maxPayload/],
  [{ maxPayload: Infinity }, /maxPayload/],
  [{ maxPayload: '10' as unknown as number }, /maxPayload/],
  [{ maxFragments: 0 }, /maxFragments/],
  [{ maxBufferedMessageBytes: NaN }, /maxBufferedMessageBytes/],
  [{ heartbeat: -5 }, /heartbeat/],
  [{ heartbeat: 2 ** 31 }, /heartbeat/],
  [{ closeTimeout: 0 }, /closeTimeout/],
  [{ maxBufferedAmount: -1 }, /maxBufferedAmount/],
  [{ publishOverflow: 'drop' as 'skip' }, /publishOverflow/],
  [{ protocols: 'chat' as unknown as string[] }, /protocols/],
  [{ protocols: ['a b'] }, /protocols/],
  [{ protocols: ['a', 'a'] }, /protocols/],
  [{ handleProtocols: 'x' as unknown as () => undefined }, /handleProtocols/],
  [{ origins: 'https://a' as unknown as string[] }, /origins/],
  [{ origins: [''] }, /origins/],
  [{ maxPayLoad: 10 } as unknown as WebSocketOptions, /maxPayLoad/],
  [null as unknown as WebSocketOptions, /options/],
];

for (const [options, name] of invalid) {
  test(`invalid ${JSON.stringify(options)} is a TypeError naming it`, () => {
    assert.throws(() => resolveWebSocketOptions(options), (e: Error) => e instanceof TypeError && name.test(e.message));
  });
}
