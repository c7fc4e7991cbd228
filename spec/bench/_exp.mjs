import { startWsServers, measureWs, stopWsServers } from './ws.mjs';
const servers = await startWsServers();
for (let r = 0; r < 3; r++) for (const t of ['ws', 'keel']) {
  const m = await measureWs(servers[t], 'echo', Number(process.env.C ?? 50), 32, 'text', 1.5);
  console.log(t, Math.round(m.rate), 'msg/s', m.cpuPerOp.toFixed(1), 'us/msg server;', 'server busy', (m.rate*m.cpuPerOp/1e6).toFixed(2), 'client busy', m.clientBusy.toFixed(2));
}
await stopWsServers(servers);
process.exit(0);
