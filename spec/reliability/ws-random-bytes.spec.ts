// Random bytes after a valid WebSocket handshake, against a real createApp() server: seeded
// streams (pure noise, and valid frames followed by noise), written in random pieces. The server
// never crashes, every connection ends with a valid close code or stays open waiting for the
// rest of a frame, and a normal request is answered afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RawClient, frame, handshakeRequest } from '../websocket/support.js';
import { SEED } from '../property/support.js';
import { assertAnswers, assertReturned, delay, pingApp, report, settledMemory, start } from './support.js';

const STREAMS = 60;

test(`${STREAMS} seeded random byte streams after a handshake: clean closes, the server lives`, { timeout: 30_000 }, async () => {
  const app = pingApp({ websocket: { maxPayload: 64 * 1024, heartbeat: 0, closeTimeout: 500 } });
  let messages = 0;
  app.ws('/ws', (ws) => ws.on('message', () => void messages++));
  const running = await start(app);
  const streams = fc.sample(
    fc.tuple(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 4000 }).map((b) => Buffer.from(b)),
        fc.tuple(fc.string({ maxLength: 50 }), fc.uint8Array({ minLength: 1, maxLength: 2000 })).map(([text, noise]) => Buffer.concat([frame(0x1, text), Buffer.from(noise)])),
      ),
      fc.array(fc.nat(), { maxLength: 10 }),
    ),
    { seed: SEED, numRuns: STREAMS },
  );
  const closes: Record<string, number> = Object.create(null) as Record<string, number>;
  try {
    const before = await settledMemory();
    await Promise.all(
      streams.map(async ([bytes, rawCuts], i) => {
        const c = await RawClient.open(running.port, handshakeRequest('/ws'));
        const cuts = [...new Set(rawCuts.map((x) => x % bytes.length))].sort((a, b) => a - b);
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          if (cut > at) c.send(bytes.subarray(at, cut));
          at = cut;
          await delay(1);
        }
        try {
          const { code } = await c.closeFrame(1000);
          closes[code] = (closes[code] ?? 0) + 1;
          assert.ok(code >= 1000 && code <= 1011 && code !== 1004 && code !== 1006, `stream ${i} (seed ${SEED}): close code ${code}`);
        } catch {
          // No Close: the stream ended inside a frame, and the server waits for the rest.
          closes['waiting'] = (closes['waiting'] ?? 0) + 1;
        }
        c.destroy();
      }),
    );
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned(`${STREAMS} random byte streams`, before, after) + `, endings ${JSON.stringify(closes)}, ${messages} messages`);
    assert.ok((closes['1002'] ?? 0) > STREAMS / 3, 'most noise should be a protocol error (1002)');
  } finally {
    await running.close();
  }
});
