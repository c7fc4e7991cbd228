// WebSocket benchmarks: Keel (servers/ws-keel.mjs) against ws@8 (servers/ws-ws.mjs), loaded by
// ws-client.mjs in its own process pinned to core 1; server CPU time read from /proc/PID/stat.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMicros, nextMessage, spawnPinned, startServer, stopProcess } from './procs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.join(here, 'ws-client.mjs');
export const WS_TARGETS = ['ws', 'keel'];

/** Starts one target's WebSocket server, with the flags every WebSocket server gets. */
async function startWsServer(target) {
  // The young generation is pinned to one size (the same for both servers): V8 otherwise grows
  // and shrinks it with the allocation rate, and its committed pages would swing the RSS delta
  // of the idle-memory measurement by more than the connections themselves use.
  const server = await startServer(path.join(here, 'servers', `ws-${target}.mjs`), [], ['--expose-gc', '--min-semi-space-size=8', '--max-semi-space-size=8']);
  server.wsUrl = server.url.replace('http:', 'ws:') + '/';
  return server;
}

export async function startWsServers() {
  const servers = {};
  for (const t of WS_TARGETS) servers[t] = await startWsServer(t);
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

/**
 * The server's memory after a full GC. The server first churns through its young generation
 * (servers/common.mjs), so every page of it is resident in the baseline as it is afterwards.
 */
async function serverMemory(server) {
  const reply = nextMessage(server.child, 'mem', 10_000);
  server.child.send({ type: 'mem' });
  return reply;
}

/**
 * Server memory growth per idle connection over `conns` connections, in a server process of its
 * own, started for this round: RSS (what the issue asks) and JS heap + external buffers, each
 * after a full GC. A fresh process, because a server that has held connections before keeps
 * their freed pages resident, and new connections then reuse them for nothing: in a reused
 * server the RSS delta read anywhere from 240 to 2,600 bytes per connection for the same code.
 */
export async function measureIdleMemory(target, conns) {
  const server = await startWsServer(target);
  try {
    const before = await serverMemory(server);
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
  } finally {
    await stopProcess(server.child);
  }
}

export async function stopWsServers(servers) {
  await Promise.all(Object.values(servers).map((s) => stopProcess(s.child)));
}
