// WebSocket load client (the same one for every server), run by the runner in its own process
// pinned to core 1. Talks to the runner over IPC:
//   echo:      opens `conns` connections, sends `size`-byte messages (text or binary), each
//              connection keeping WINDOW messages in flight (one sent per echo received);
//              every first echo is compared byte for byte, later ones by length and kind.
//   handshake: `conns` loops of open + close (client-initiated close handshake).
//   idle:      opens `conns` connections and holds them until told to close.
// Messages to the runner: {type:'start'} when measuring starts, {type:'done', count, seconds}
// when it ends; {type:'error', message} fails the run.
//
// Echo and handshake loads come from a lean raw-socket client (below), not from the `ws` client,
// for the reason wrk is used for HTTP: a load generator that saturates its own core measures
// itself. The `ws` client spent about 5 µs of CPU per echoed message, as much as the servers, so
// its core was the limit for both; worse, a server that answered sooner left that client paying
// for waking it up (on loopback, TCP delivery runs in the sender's system calls), so the rate
// could not show a faster server. This client pre-masks its frames once and answers the echoes
// completed in a chunk with one write (a server then sees several frames per read, as from any
// busy peer); its CPU per message is a fraction of a server's, so the rate is the server's.
// Set KEEL_BENCH_WS_CLIENT=ws to load with the `ws` client instead (one write per message).
import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';

const [mode, url, connsArg, sizeArg, kindArg, durationArg] = process.argv.slice(2);
const conns = Number(connsArg);
const size = Number(sizeArg);
const binary = kindArg === 'binary';
const durationMs = Number(durationArg) * 1000;

function fail(message) {
  process.send?.({ type: 'error', message: String(message) });
  process.exit(1);
}
process.on('disconnect', () => process.exit(0));
setTimeout(() => fail(`${mode}: timed out`), durationMs + 60_000).unref();

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function openMany(n, opener = open) {
  const sockets = [];
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) batch.push(opener());
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

// Messages in flight per connection: a closed loop of one message per connection leaves both
// processes waiting on each other half the time; a few in flight let the server run flat out.
const WINDOW = Number(process.env.KEEL_BENCH_WS_WINDOW ?? 16);

/** What an echo loop shares with timedRun: echoes count only while `measuring`. */
function newRun() {
  return { count: 0, measuring: false, stopped: false };
}

/** Lets the loops settle for a moment, measures for the run's duration, then stops the loops. */
async function timedRun(run) {
  await new Promise((r) => setTimeout(r, 300));
  run.measuring = true;
  process.send({ type: 'start' });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, durationMs));
  run.measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.send({ type: 'done', count: run.count, seconds, clientCpu: cpu.user + cpu.system });
  run.stopped = true;
}

async function echoWithWs() {
  const payload = binary ? Buffer.alloc(size, 0xa5) : 'x'.repeat(size);
  const sockets = await openMany(conns);
  const run = newRun();
  for (const ws of sockets) {
    let first = true;
    ws.on('message', (data, isBinary) => {
      if (isBinary !== binary || data.length !== size) fail(`wrong echo: ${isBinary} ${data.length}`);
      if (first) {
        first = false;
        const expected = binary ? payload : Buffer.from(payload);
        if (!expected.equals(data)) fail('echo differs from what was sent');
      }
      if (run.measuring) run.count++;
      if (!run.stopped) ws.send(payload, { binary });
    });
    ws.on('error', (e) => { if (!run.stopped) fail(e.message); });
    for (let i = 0; i < WINDOW; i++) ws.send(payload, { binary });
  }
  await timedRun(run);
  for (const ws of sockets) ws.terminate();
}

/** Opens one WebSocket on a raw TCP socket (RFC 6455 §4.1 handshake, checked) and returns it. */
function openRaw() {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    const key = crypto.randomBytes(16).toString('base64');
    const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const text = head.subarray(0, end).toString('latin1');
      if (!text.startsWith('HTTP/1.1 101') || !text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
        reject(new Error(`handshake refused: ${text.split('\r\n')[0]}`));
        return;
      }
      socket.pause();
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
}

/** One masked client frame (FIN, text or binary) carrying `payload`, with a random key. */
function maskedFrame(payload) {
  const n = payload.length;
  const len = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.alloc(len + 4 + n);
  frame[0] = binary ? 0x82 : 0x81;
  if (n < 126) frame[1] = 0x80 | n;
  else if (n < 65536) { frame[1] = 0x80 | 126; frame.writeUInt16BE(n, 2); }
  else { frame[1] = 0x80 | 127; frame.writeUInt32BE(0, 2); frame.writeUInt32BE(n, 6); }
  const mask = crypto.randomBytes(4);
  mask.copy(frame, len);
  for (let i = 0; i < n; i++) frame[len + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

async function echoRaw() {
  const payload = binary ? Buffer.alloc(size, 0xa5) : Buffer.from('x'.repeat(size));
  // batches[k]: k frames back to back, each with its own key (built once: the client's cost per
  // message stays a small fraction of a server's).
  const frames = Array.from({ length: WINDOW }, () => maskedFrame(payload));
  const batches = [Buffer.alloc(0)];
  for (let k = 1; k <= WINDOW; k++) batches.push(Buffer.concat(frames.slice(0, k)));
  const header = size < 126 ? 2 : size < 65536 ? 4 : 10;
  const opcode = binary ? 0x82 : 0x81;
  const opened = await openMany(conns, openRaw);
  const run = newRun();
  for (const { socket, rest } of opened) {
    // Frame parser for server frames (unmasked, §5.1): only complete echoes of our size count.
    let pending = 0; // bytes still to skip of the current frame's payload
    let partial = null; // a header cut by the chunk's end
    const first = Buffer.alloc(size); // the first echo, collected across chunks and compared whole
    let firstAt = -1;
    const onChunk = (chunk) => {
      if (partial !== null) { chunk = Buffer.concat([partial, chunk]); partial = null; }
      let at = 0;
      let done = 0;
      const end = chunk.length;
      while (at < end) {
        if (pending > 0) {
          const take = Math.min(pending, end - at);
          if (firstAt >= 0) {
            chunk.copy(first, firstAt, at, at + take);
            firstAt += take;
            if (firstAt === size) {
              if (!payload.equals(first)) fail('echo differs from what was sent');
              firstAt = -2;
            }
          }
          pending -= take;
          at += take;
          if (pending === 0) done++;
          continue;
        }
        if (end - at < header) { partial = chunk.subarray(at); break; }
        const b1 = chunk[at + 1];
        const n = b1 < 126 ? b1 : b1 === 126 ? chunk.readUInt16BE(at + 2) : chunk.readUInt32BE(at + 6);
        if (chunk[at] !== opcode || n !== size) fail(`wrong echo: first byte ${chunk[at]}, length ${n}`);
        at += header;
        if (firstAt === -1) firstAt = 0;
        pending = size;
        if (size === 0) done++;
      }
      if (run.measuring) run.count += done;
      // One write per chunk for every echo completed in it (at most WINDOW are in flight).
      while (done > 0 && !run.stopped) {
        const k = Math.min(done, WINDOW);
        socket.write(batches[k]);
        done -= k;
      }
    };
    socket.on('data', onChunk);
    socket.on('error', (e) => { if (!run.stopped) fail(e.message); });
    if (rest.length > 0) onChunk(rest);
    socket.resume();
    socket.write(batches[WINDOW]);
  }
  await timedRun(run);
  for (const { socket } of opened) socket.destroy();
}

const echo = process.env.KEEL_BENCH_WS_CLIENT === 'ws' ? echoWithWs : echoRaw;

/**
 * Open + close on the raw client: the opening handshake (checked), a masked Close frame with 1000,
 * the server's Close frame (code checked), then the server ends TCP first (§7.1.1) and we end ours.
 */
const CLOSE_1000 = (() => {
  const frame = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
  crypto.randomBytes(4).copy(frame, 2);
  for (let i = 0; i < 2; i++) frame[6 + i] ^= frame[2 + i];
  return frame;
})();

async function openCloseRaw() {
  const { socket, rest } = await openRaw();
  await new Promise((resolve, reject) => {
    let got = rest;
    socket.on('data', (chunk) => { got = got.length === 0 ? chunk : Buffer.concat([got, chunk]); });
    socket.once('end', () => {
      // An unmasked Close frame, 2-byte body: 0x88 0x02 0x03 0xe8 (1000).
      if (got.length !== 4 || got[0] !== 0x88 || got[1] !== 0x02 || got.readUInt16BE(2) !== 1000) {
        reject(new Error(`close handshake: got ${got.toString('hex')}`));
      }
      socket.end();
    });
    socket.once('close', resolve);
    socket.once('error', reject);
    socket.resume();
    socket.write(CLOSE_1000);
  });
}

async function openCloseWithWs() {
  const ws = await open();
  await new Promise((resolve, reject) => {
    ws.once('close', (code) => (code === 1000 ? resolve() : reject(new Error(`close code ${code}`))));
    ws.close(1000);
  });
}

async function handshake() {
  const openClose = process.env.KEEL_BENCH_WS_CLIENT === 'ws' ? openCloseWithWs : openCloseRaw;
  let count = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await openClose();
      count++;
    }
  };
  process.send({ type: 'start' });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const loops = [];
  for (let i = 0; i < conns; i++) loops.push(loop().catch((e) => fail(e.message)));
  await new Promise((r) => setTimeout(r, durationMs));
  stopped = true;
  const counted = count;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(loops);
  process.send({ type: 'done', count: counted, seconds, clientCpu: cpu.user + cpu.system });
}

async function idle() {
  const sockets = await openMany(conns);
  for (const ws of sockets) ws.on('error', () => {});
  process.send({ type: 'opened', count: sockets.length });
  process.on('message', (m) => {
    if (m && m.type === 'close') {
      for (const ws of sockets) ws.terminate();
      process.send({ type: 'done', count: sockets.length, seconds: 0 });
    }
  });
}

const modes = { echo, handshake, idle };
if (!(mode in modes)) fail(`unknown mode ${mode}`);
modes[mode]().catch((e) => fail(e.message));
