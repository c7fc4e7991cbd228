// Probe server for idle-memory.mjs and echo-cpu.mjs (not a spec): `keel` = node:http + acceptUpgrade with default options,
// `app` = createApp().ws(), `ws` = ws@8 WebSocketServer. Reports its port over IPC and answers
// {type:'mem'} with memory after two full GCs (run with --expose-gc), {type:'cpu'} with its CPU time.
import http from 'node:http';
const kind = process.argv[2];
let server;
if (kind === 'ws') {
  const { WebSocketServer } = await import('ws');
  server = http.createServer((req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
} else if (kind === 'app') {
  const { createApp } = await import(process.env.KEEL_DIST ?? '../../../dist/lib/index.js');
  const app = createApp();
  app.ws('/', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));
  server = app.listen(0, '127.0.0.1', () => ready());
} else {
  const { acceptUpgrade, resolveWebSocketOptions } = await import(process.env.KEEL_DIST ?? '../../../dist/lib/index.js');
  const options = resolveWebSocketOptions({});
  server = http.createServer((req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => {
    const ws = acceptUpgrade(req, socket, head, options);
    ws?.on('message', (d, b) => ws.send(d, { binary: b }));
  });
}
function ready() {
  process.send({ port: server.address().port });
}
if (kind !== 'app') server.listen(0, '127.0.0.1', ready);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.on('message', (m) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    process.send({ type: 'cpu', micros: u.user + u.system });
  }
  if (m.type === 'mem') {
    globalThis.gc(); globalThis.gc();
    const u = process.memoryUsage();
    process.send({ type: 'mem', rss: u.rss, heap: u.heapUsed + u.arrayBuffers + (u.external - u.arrayBuffers) });
  }
});
