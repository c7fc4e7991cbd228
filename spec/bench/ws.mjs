// WebSocket benchmarks: Keel (servers/ws-keel.mjs) against ws@8 (servers/ws-ws.mjs), loaded by
// ws-client.mjs in its own process pinned to core 1; server CPU time read from /proc/PID/stat.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMicros, nextMessage, spawnPinned, startServer, stopProcess } from './procs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.join(here, 'ws-client.mjs');
export const WS_TARGETS = ['ws', 'keel'];

export async function startWsServers() {
  const servers = {};
  for (const t of WS_TARGETS) {
    // The young generation is pinned to one size (the same for both servers): V8 otherwise grows
    // and shrinks it with the allocation rate, and its committed pages would swing the RSS delta
    // of the idle-memory measurement by more than the connections themselves use.
    servers[t] = await startServer(path.join(here, 'servers', `ws-${t}.mjs`), [], ['--expose-gc', '--min-semi-space-size=8', '--max-semi-space-size=8']);
    servers[t].wsUrl = servers[t].url.replace('http:', 'ws:') + '/';
  }
  return servers;
}

/** One client run: echo or handshake; returns rate per second and server CPU µs per operation. */
export async function measureWs(server, mode, conns, size, kind, seconds) {
  const client = spawnPinned(1, CLIENT, [mode, server.wsUrl, String(conns), String(size), kind, String(seconds)]);
  try {
    await nextMessage(client, 'start', 60_000);
    const cpu0 = cpuMicros(server.pid);
    const done = await nextMessage(client, 'done', (seconds + 60) * 1000);
    const cpu = cpuMicros(server.pid) - cpu0;
    if (done.count === 0) throw new Error(`${mode}: no operation completed`);
    const result = { rate: done.count / done.seconds, cpuPerOp: cpu / done.count, count: done.count };
    // The client's own CPU share (1.0: its core is saturated, so the rate shows the client's limit).
    if (done.clientCpu !== undefined) result.clientBusy = done.clientCpu / 1e6 / done.seconds;
    return result;
  } finally {
    await stopProcess(client);
  }
}

async function serverMemory(server) {
  const reply = nextMessage(server.child, 'mem', 10_000);
  server.child.send({ type: 'mem' });
  return reply;
}

/**
 * Server memory growth per idle connection over `conns` connections, after a full GC each time:
 * RSS (what the issue asks; moves with heap growth steps) and JS heap + external buffers.
 */
export async function measureIdleMemory(server, conns) {
  // The baseline is taken once the previous round's connections have closed on the server side.
  let before = await serverMemory(server);
  for (let tries = 0; before.connections > 0 && tries < 100; tries++) {
    await new Promise((r) => setTimeout(r, 100));
    before = await serverMemory(server);
  }
  if (before.connections !== 0) throw new Error(`idle memory: ${before.connections} connections still open before the round`);
  const client = spawnPinned(1, CLIENT, ['idle', server.wsUrl, String(conns), '0', 'text', '0']);
  try {
    await nextMessage(client, 'opened', 120_000);
    await new Promise((r) => setTimeout(r, 500));
    const after = await serverMemory(server);
    if (after.connections !== conns) throw new Error(`idle memory: the server holds ${after.connections} connections, expected ${conns}`);
    client.send({ type: 'close' });
    await nextMessage(client, 'done', 30_000);
    return {
      rss: (after.rss - before.rss) / conns,
      heap: (after.heap + after.external - before.heap - before.external) / conns,
    };
  } finally {
    await stopProcess(client);
  }
}

export async function stopWsServers(servers) {
  await Promise.all(Object.values(servers).map((s) => stopProcess(s.child)));
}
