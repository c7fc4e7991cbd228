// Echo of small text messages: messages/s and server CPU µs per message, Keel against ws@8.
// Usage: node spec/websocket/perf/echo-cpu.mjs [rounds=3] [kinds=keel,ws] [seconds=4] [size=32]
// Server and client are children of this process; everything on 127.0.0.1, bounded in time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const rounds = Number(process.argv[2] ?? 3);
const kinds = (process.argv[3] ?? 'keel,ws').split(',');
const seconds = Number(process.argv[4] ?? 4);
const size = Number(process.argv[5] ?? 32);
const msg = (child, type) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`timeout waiting for ${type}`)), (seconds + 60) * 1000);
  const on = (m) => { if (m.type === type || (type === 'port' && m.port)) { clearTimeout(t); child.off('message', on); resolve(m); } };
  child.on('message', on);
});
const cpu = async (server) => { const r = msg(server, 'cpu'); server.send({ type: 'cpu' }); return (await r).micros; };
// Server on core 0, client on core 1 (as spec/bench does), when taskset is there.
const pinned = (core, file, args, env) => spawn('taskset', ['-c', String(core), process.execPath, ...file, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
// `keel@/path/to/dist/lib/index.js` runs Keel from another build (before/after comparisons).
const results = Object.fromEntries(kinds.map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
    const [name, dist] = kind.split('@');
    const server = pinned(0, ['--expose-gc', here('./idle-server.mjs')], [name], dist ? { KEEL_DIST: dist } : {});
    const { port } = await msg(server, 'port');
    const client = pinned(1, [here('./echo-client.mjs')], [`ws://127.0.0.1:${port}/`, '50', String(size), String(seconds)]);
    await msg(client, 'start');
    const c0 = await cpu(server);
    const { count } = await msg(client, 'done');
    const c1 = await cpu(server);
    results[kind].push({ rate: count / seconds, cpuPerMsg: (c1 - c0) / count });
    console.log(`round ${round} ${kind}: ${Math.round(count / seconds)} msg/s, ${((c1 - c0) / count).toFixed(3)} µs CPU/msg`);
    client.kill(); server.kill();
  }
}
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
for (const k of kinds) console.log(`${k}: median ${Math.round(median(results[k].map((r) => r.rate)))} msg/s, ${median(results[k].map((r) => r.cpuPerMsg)).toFixed(3)} µs CPU/msg`);
