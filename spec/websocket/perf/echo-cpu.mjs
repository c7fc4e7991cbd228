// Echo of small text messages: messages/s and server CPU µs per message, Keel against ws@8.
// Usage: node spec/websocket/perf/echo-cpu.mjs [rounds=3] [kinds=keel,ws] [seconds=4] [size=32]
// Server and client are children of this process; everything on 127.0.0.1, bounded in time.
import { fork } from 'node:child_process';
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
const results = Object.fromEntries(kinds.map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
    const server = fork(here('./idle-server.mjs'), [kind], { execArgv: ['--expose-gc'] });
    const { port } = await msg(server, 'port');
    const client = fork(here('./echo-client.mjs'), [`ws://127.0.0.1:${port}/`, '50', String(size), String(seconds)]);
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
