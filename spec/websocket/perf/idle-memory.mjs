// Bytes per idle WebSocket connection on the server: Keel (acceptUpgrade, createApp) against ws@8.
// Usage: node spec/websocket/perf/idle-memory.mjs [connections=3000] [kinds=keel,app,ws]
// Each server runs in its own child (--expose-gc); the connections come from a third process
// (ws client). Everything on 127.0.0.1; every child is ended at the end.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const N = Number(process.argv[2] ?? 3000);
const kinds = (process.argv[3] ?? 'keel,app,ws').split(',');
const msg = (child, type) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`timeout waiting for ${type}`)), 120_000);
  const on = (m) => { if (m.type === type || (type === 'port' && m.port)) { clearTimeout(t); child.off('message', on); resolve(m); } };
  child.on('message', on);
});
async function mem(server) { const r = msg(server, 'mem'); server.send({ type: 'mem' }); return r; }
for (const kind of kinds) {
  // `keel@/path/to/dist/lib/index.js` runs Keel from another build (before/after comparisons).
  const [name, dist] = kind.split('@');
  const server = fork(here('./idle-server.mjs'), [name], { execArgv: ['--expose-gc'], env: dist ? { ...process.env, KEEL_DIST: dist } : process.env });
  const { port } = await msg(server, 'port');
  await new Promise((r) => setTimeout(r, 200));
  const before = await mem(server);
  const client = fork(here('./idle-client.mjs'), [`ws://127.0.0.1:${port}/`, String(N)]);
  await msg(client, 'opened');
  await new Promise((r) => setTimeout(r, 500));
  const after = await mem(server);
  console.log(`${kind}: ${N} connections: RSS ${Math.round((after.rss - before.rss) / N)} B, heap+buffers ${Math.round((after.heap - before.heap) / N)} B per connection`);
  client.kill(); server.kill();
}
