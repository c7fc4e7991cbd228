// WebSocket load client (the same one for every server), run by the runner in its own process
// pinned to core 1. Talks to the runner over IPC:
//   echo:      opens `conns` connections, sends `size`-byte messages (text or binary), each
//              connection keeping WINDOW messages in flight (one sent per echo received);
//              every first echo is compared byte for byte, later ones by length.
//   handshake: `conns` loops of open + close (client-initiated close handshake).
//   idle:      opens `conns` connections and holds them until told to close.
// Messages to the runner: {type:'start'} when measuring starts, {type:'done', count, seconds}
// when it ends; {type:'error', message} fails the run.
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

async function openMany(n) {
  const sockets = [];
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) batch.push(open());
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

// Messages in flight per connection: a closed loop of one message per connection leaves both
// processes waiting on each other half the time; a few in flight let the server run flat out.
const WINDOW = Number(process.env.KEEL_BENCH_WS_WINDOW ?? 16);

async function echo() {
  const payload = binary ? Buffer.alloc(size, 0xa5) : 'x'.repeat(size);
  const sockets = await openMany(conns);
  let count = 0;
  let measuring = false;
  let stopped = false;
  for (const ws of sockets) {
    let first = true;
    ws.on('message', (data, isBinary) => {
      if (isBinary !== binary || data.length !== size) fail(`wrong echo: ${isBinary} ${data.length}`);
      if (first) {
        first = false;
        const expected = binary ? payload : Buffer.from(payload);
        if (!expected.equals(data)) fail('echo differs from what was sent');
      }
      if (measuring) count++;
      if (!stopped) ws.send(payload, { binary });
    });
    ws.on('error', (e) => { if (!stopped) fail(e.message); });
    for (let i = 0; i < WINDOW; i++) ws.send(payload, { binary });
  }
  // Let the loops settle for a moment, then measure.
  await new Promise((r) => setTimeout(r, 300));
  measuring = true;
  process.send({ type: 'start' });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.send({ type: 'done', count, seconds, clientCpu: cpu.user + cpu.system });
  stopped = true;
  for (const ws of sockets) ws.terminate();
}

async function handshake() {
  let count = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const ws = await open();
      await new Promise((resolve, reject) => {
        ws.once('close', (code) => (code === 1000 ? resolve() : reject(new Error(`close code ${code}`))));
        ws.close(1000);
      });
      count++;
    }
  };
  process.send({ type: 'start' });
  const t0 = process.hrtime.bigint();
  const loops = [];
  for (let i = 0; i < conns; i++) loops.push(loop().catch((e) => fail(e.message)));
  await new Promise((r) => setTimeout(r, durationMs));
  stopped = true;
  const counted = count;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all(loops);
  process.send({ type: 'done', count: counted, seconds });
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
