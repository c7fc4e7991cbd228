// Profiles one benchmark server under load: runs it with --cpu-prof (pinned to core 0), loads it
// with wrk (core 1) or the WebSocket client, then prints the functions with the most self time.
// Usage: node spec/bench/profile.mjs http-keel <scenario> [seconds]
//        node spec/bench/profile.mjs ws-keel <echo-text|echo-binary> [seconds]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopProcess } from './procs.mjs';
import { measureHttp, scenarioSetup, checkAnswer } from './http.mjs';
import { measureWs } from './ws.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [serverName = 'http-keel', scenario = 'hello', secondsArg = '5'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-prof-'));

const isWs = serverName.startsWith('ws-');
const server = await startServer(path.join(here, 'servers', `${serverName}.mjs`), isWs ? [] : [scenario], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
server.wsUrl = server.url.replace('http:', 'ws:') + '/';
if (isWs) {
  const [size, kind] = scenario === 'echo-binary' ? [65536, 'binary'] : [32, 'text'];
  await measureWs(server, 'echo', 50, size, kind, 1);
  await measureWs(server, 'echo', 50, size, kind, seconds);
} else {
  await checkAnswer(scenario, server.url, serverName);
  await measureHttp(server, scenarioSetup(scenario), 1, 64);
  await measureHttp(server, scenarioSetup(scenario), seconds, 64);
}
// The servers exit when the IPC channel closes, which writes the profile.
const exited = new Promise((r) => server.child.once('exit', r));
server.child.disconnect();
await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
await stopProcess(server.child);

const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const n = byId.get(id);
  const cf = n.callFrame;
  const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${cf.lineNumber + 1}` : '';
  const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
// Shares of busy time: the idle time between and around the loads is left out.
const busy = total - (self.get('(idle)') ?? 0);
self.delete('(idle)');
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30));
console.log(`self time as a share of busy time, ${serverName} ${scenario}: ${(busy / 1e6).toFixed(1)} s busy (profile: ${path.join(dir, file)})`);
for (const [k, v] of top) console.log(`${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`);
