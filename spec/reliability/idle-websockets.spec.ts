// 10,000 idle WebSockets held at once against one createApp() server. The clients live in a child
// process (each side of a connection is a file descriptor, and one process holding both ends of
// 10,000 connections would need 20,000): the server holds all of them, keeps answering normal
// requests meanwhile, and gives the memory back when they go.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import type { WebSocket } from '../../lib/index.js';
import { assertAnswers, assertReturned, delay, expire, mib, pingApp, report, settledMemory, start } from './support.js';

const WANTED = 10_000;

/** The file-descriptor limit of a process started now (the child inherits ours). */
function fdLimit(): number {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return 1024;
  }
}

// Each process needs one descriptor per connection plus some headroom.
const limit = fdLimit();
const COUNT = Math.min(WANTED, Math.floor(limit - 200));
const skip = COUNT < 1000 ? `ulimit -n is ${limit}: too low to hold even 1,000 WebSockets` : false;

// The child: opens COUNT raw WebSocket connections in batches, prints "ready N", and on any stdin
// input reports how many are still open, closes them all and exits.
const CHILD = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
const req = 'GET /idle HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n';
const sockets = [];
let open = 0, failed = 0;
function one() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    let upgraded = false;
    s.on('data', (d) => {
      if (!upgraded && d.toString('latin1').startsWith('HTTP/1.1 101')) { upgraded = true; open++; resolve(); }
    });
    s.on('close', () => { if (upgraded) open--; else { failed++; resolve(); } });
    s.write(req);
    sockets.push(s);
  });
}
(async () => {
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, one));
  }
  process.stdout.write('ready ' + open + ' ' + failed + '\\n');
  process.stdin.once('data', () => {
    process.stdout.write('still ' + open + '\\n');
    for (const s of sockets) s.destroy();
    setTimeout(() => process.exit(0), 50);
  });
})();
`;

test(`${COUNT.toLocaleString('en')} idle WebSockets held at once`, { skip, timeout: 60_000 }, async () => {
  const app = pingApp({ websocket: { heartbeat: 30_000 } });
  const held = new Set<WebSocket>();
  app.ws('/idle', (ws) => {
    held.add(ws);
    ws.on('close', () => held.delete(ws));
  });
  const running = await start(app);
  running.server.maxConnections = COUNT + 100;
  const child = spawn(process.execPath, ['-e', CHILD, String(running.port), String(COUNT)], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await assertAnswers(running);
    const before = await settledMemory();
    const t0 = Date.now();
    const lines: string[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        lines.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    const line = async (prefix: string, ms: number): Promise<string> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = lines.find((l) => l.startsWith(prefix));
        if (found !== undefined) return found;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not say "${prefix}" (${lines.join(' | ')})`);
        await delay(20);
      }
    };
    const [, opened, failed] = (await line('ready', 45_000)).split(' ').map(Number);
    const openedIn = Date.now() - t0;
    assert.equal(failed, 0, `${failed} handshakes failed`);
    assert.equal(opened, COUNT);
    assert.equal(held.size, COUNT, `the server holds ${held.size}`);
    // While they are all held, a normal request is answered.
    const r0 = Date.now();
    await assertAnswers(running);
    const answeredIn = Date.now() - r0;
    const peak = await settledMemory();
    await delay(300);
    child.stdin.write('go\n');
    const [, still] = (await line('still', 5000)).split(' ').map(Number);
    assert.equal(still, COUNT, 'idle connections were dropped by the server');
    const deadline = Date.now() + 10_000;
    while (held.size > 0 && Date.now() < deadline) await delay(50);
    assert.equal(held.size, 0, `${held.size} WebSockets still held after the clients left`);
    await assertAnswers(running);
    const after = await settledMemory();
    const perSocket = (peak.heapUsed + peak.external - before.heapUsed - before.external) / COUNT;
    report(
      assertReturned(`${COUNT} idle WebSockets`, before, after) +
        `; at peak heap ${mib(peak.heapUsed)} + buffers ${mib(peak.external)} (~${(perSocket / 1024).toFixed(1)} KiB per socket),` +
        ` opened in ${openedIn} ms, /ping answered in ${answeredIn} ms while held`,
    );
  } finally {
    if (child.exitCode === null) child.kill();
    await Promise.race([new Promise((r) => child.once('exit', r)), expire(2000, 0)]);
    await running.close();
  }
});
