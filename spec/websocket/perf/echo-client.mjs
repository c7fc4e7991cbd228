// Echo load (ws@8 client): `conns` connections, each keeping 16 text messages of `size` bytes in
// flight; reports {type:'done', count} after `seconds`. Started by echo-cpu.mjs.
import WebSocket from 'ws';
const [url, connsArg, sizeArg, secondsArg] = process.argv.slice(2);
const payload = 'x'.repeat(Number(sizeArg));
const sockets = await Promise.all(Array.from({ length: Number(connsArg) }, () => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.once('open', () => resolve(ws)); ws.once('error', reject);
})));
let count = 0, stopped = false;
for (const ws of sockets) {
  ws.on('message', (data, isBinary) => {
    if (isBinary || data.length !== payload.length) throw new Error('wrong echo');
    count++;
    if (!stopped) ws.send(payload);
  });
  for (let i = 0; i < 16; i++) ws.send(payload);
}
await new Promise((r) => setTimeout(r, 300));
count = 0;
process.send({ type: 'start' });
await new Promise((r) => setTimeout(r, Number(secondsArg) * 1000));
stopped = true;
process.send({ type: 'done', count });
for (const ws of sockets) ws.terminate();
process.on('disconnect', () => process.exit(0));
