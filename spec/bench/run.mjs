// Keel benchmark runner (issue 7): `npm run bench` (full run, under ~10 minutes) or
// `npm run bench -- --quick` (smoke run, ~2 minutes). Options: --only=http,ws,micro to run a part,
// --scenario=hello,mw to run some HTTP scenarios, --warm=SECONDS to warm each HTTP server up for
// longer than the default second, --rounds=N for N HTTP rounds per scenario instead of 5 (on a
// noisy machine: the median of more rounds moves less; hello may still add up to 4 for its control),
// --paired to measure the HTTP scenarios in pairs that take turns on one core (see takeTurns()).
// Servers run pinned to core 0, wrk and the WebSocket client to core 1; ratios to raw node:http
// (HTTP) or to ws (WebSocket) are taken within each round and summarised by median and spread.
// Prints the tables and writes spec/bench/results/latest.json (latest-paired.json with --paired).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll, spawnPinned, nextMessage } from './procs.mjs';
import { median, rotate, runRounds, summary } from './rounds.mjs';
import { HTTP_TARGETS, SCENARIOS, measureHttp, scenarioSetup, startHttpServers, stopServers, wrkAvailable } from './http.mjs';
import { WS_TARGETS, measureIdleMemory, measureWs, startWsServers, stopWsServers } from './ws.mjs';
import { evaluateTargets, printHttp, printHttpPaired, printMicro, printTargets, printWs } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const paired = args.includes('--paired');
const only = (args.find((a) => a.startsWith('--only='))?.slice(7) ?? 'http,ws,micro').split(',');
const scenarios = (args.find((a) => a.startsWith('--scenario='))?.slice(11) ?? SCENARIOS.join(',')).split(',');
const warmArg = args.find((a) => a.startsWith('--warm='))?.slice(7);
const roundsArg = args.find((a) => a.startsWith('--rounds='))?.slice(9);
// A mistyped option would otherwise run the full ten minutes without it.
for (const a of args) {
  if (a !== '--quick' && a !== '--paired' && !/^--(only|scenario|warm|rounds)=/.test(a)) {
    throw new Error(`unknown option ${a} (options: --quick, --paired, --only=, --scenario=, --warm=, --rounds=)`);
  }
}
for (const part of only) {
  if (!['http', 'ws', 'micro'].includes(part)) throw new Error(`--only takes http, ws, micro (comma-separated), got ${part}`);
}
for (const name of scenarios) {
  if (!SCENARIOS.includes(name)) throw new Error(`--scenario takes ${SCENARIOS.join(', ')} (comma-separated), got ${name}`);
}
if (paired && !only.includes('http')) throw new Error('--paired measures the HTTP scenarios: add http to --only');

const config = quick
  ? { seconds: 1, pairedSeconds: 1, pairedWarmSeconds: 1, warmSeconds: 1, rounds: 3, maxRounds: 5, connections: 64, wsSeconds: 1, wsRounds: 3, idleConnections: 2000, memoryRounds: 1 }
  : { seconds: 2, pairedSeconds: 4, pairedWarmSeconds: 3, warmSeconds: 1, rounds: 5, maxRounds: 9, connections: 64, wsSeconds: 2.5, wsRounds: 5, idleConnections: 5000, memoryRounds: 5 };
if (warmArg !== undefined) {
  // wrk takes whole seconds.
  if (!/^[1-9][0-9]*$/.test(warmArg)) throw new Error(`--warm takes whole seconds (1 or more), got ${warmArg}`);
  config.warmSeconds = Number(warmArg);
  config.pairedWarmSeconds = Number(warmArg);
}
if (roundsArg !== undefined) {
  if (!/^[1-9][0-9]*$/.test(roundsArg) || Number(roundsArg) > 99) throw new Error(`--rounds takes a whole number from 1 to 99, got ${roundsArg}`);
  config.rounds = Number(roundsArg);
  config.maxRounds = config.rounds + 4;
}

const log = (s) => console.log(s);

function preflight() {
  if (!fs.existsSync(path.join(here, '../../dist/lib/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does it)');
  }
  try { execFileSync('taskset', ['-c', '0', 'true']); } catch {
    throw new Error('taskset is missing (package util-linux) or core 0 is not available');
  }
  const cores = os.availableParallelism();
  if (cores < 2) throw new Error(`2 cores needed (server on core 0, load generator on core 1); nproc says ${cores}`);
  if (cores > 2) log(`note: ${cores} cores; only cores 0 and 1 are used`);
  if (only.includes('http') && !wrkAvailable()) {
    throw new Error('wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), or run with --only=ws,micro');
  }
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

async function benchHttp() {
  const out = {};
  for (const name of scenarios) {
    // The control (a second copy of raw) runs with the hello scenario.
    const targets = name === 'hello' ? [...HTTP_TARGETS, 'raw-copy'] : HTTP_TARGETS;
    log(`http ${name}: ${targets.join(', ')}`);
    // Fresh server processes for every round: copies of one server measured in the same rounds
    // differed by up to 10% (Keel's json-post: 0.73 to 0.83 of raw), and each copy kept its figure
    // from round to round, so one process per target would quote one draw of that spread. With a
    // new process per round, the median is over as many processes as rounds.
    // The servers start one after another, in an order rotated every round: a process started
    // later in a batch can run slower for its whole life (in one A/B of json-post, raw copies
    // started fifth and sixth read 0.82 and 0.85 of the raw started first), so no target keeps
    // the same place in the start order.
    let servers;
    const newRound = async (r) => {
      if (servers !== undefined) await stopServers(servers);
      servers = undefined; // if a start fails below, `finally` has nothing left to stop twice
      servers = await startHttpServers(name, rotate(targets, r));
    };
    try {
      const setup = scenarioSetup(name);
      out[name] = await runRounds({
        targets,
        baseline: 'raw',
        newRound,
        measure: (t, s) => measureHttp(servers[t], setup, s, config.connections),
        seconds: config.seconds,
        warmSeconds: config.warmSeconds,
        rounds: config.rounds,
        maxRounds: name === 'hello' ? config.maxRounds : config.rounds,
        control: name === 'hello' ? ['raw', 'raw-copy'] : undefined,
        log,
      });
    } finally {
      if (servers !== undefined) await stopServers(servers);
    }
  }
  return out;
}

// --paired: each target runs beside a raw server, both pinned to core 0, each loaded by its own wrk
// on core 1; the two servers take turns of TURN_MS on the core (the runner stops one with SIGSTOP
// and continues the other with SIGCONT), so each runs alone with a warm cache during its turn,
// and whatever else the machine is doing slows both alike. With equal turns, the ratio of requests
// served in the same seconds is the inverse ratio of their cost per request. (Left to share the
// core freely, the two were switched thousands of times a second, each refilling its cache at every
// switch; turns keep that out of the figures. How much it mattered is not known: runs of both kinds
// read alike within their noise. spec/bench/RESULTS.md, session 16.)
const TURN_MS = 100;

/** Lets the two processes take turns on their core until the returned function is called. */
function takeTurns(pidA, pidB) {
  let aRuns = true;
  process.kill(pidB, 'SIGSTOP');
  const timer = setInterval(() => {
    aRuns = !aRuns;
    process.kill(aRuns ? pidA : pidB, 'SIGCONT');
    process.kill(aRuns ? pidB : pidA, 'SIGSTOP');
  }, TURN_MS);
  return () => {
    clearInterval(timer);
    for (const pid of [pidA, pidB]) {
      try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ }
    }
  };
}

// The targets each paired with raw (a copy of raw is the control). 'raw-loaded' is raw's code in a
// process that has loaded Keel (servers/http-raw-loaded.mjs): a diagnostic row, no target.
const PAIRED_TARGETS = ['raw-copy', 'keel', 'fastify', 'raw-loaded'];

async function benchHttpPaired() {
  const out = {};
  for (const name of scenarios) {
    log(`http ${name}, paired with raw (turns of ${TURN_MS} ms on core 0): ${PAIRED_TARGETS.join(', ')}`);
    const setup = scenarioSetup(name);
    const ratios = Object.fromEntries(PAIRED_TARGETS.map((t) => [t, { rate: [], cpu: [], share: [] }]));
    for (let r = 0; r < config.rounds; r++) {
      const line = [];
      for (const t of rotate(PAIRED_TARGETS, r)) {
        // Fresh processes for every pair; which of the two starts first, and takes the first turn,
        // alternates by round.
        const order = r % 2 ? [t, 'raw'] : ['raw', t];
        const servers = await startHttpServers(name, order);
        try {
          const both = (s) => Promise.all([servers.raw, servers[t]].map((srv) => measureHttp(srv, setup, s, config.connections)));
          // Both warm up at once, so each gets about half the core: 3 s by default, so that Keel
          // (more JavaScript to optimise than raw) is surely warm; runs with 1 s did not clearly
          // read lower.
          await both(config.pairedWarmSeconds);
          await new Promise((resolve) => setTimeout(resolve, 300));
          const stop = takeTurns(servers[order[0]].pid, servers[order[1]].pid);
          let raw, other;
          try {
            [raw, other] = await both(config.pairedSeconds);
          } finally {
            stop();
          }
          ratios[t].rate.push(other.rate / raw.rate);
          ratios[t].cpu.push(other.cpuPerOp / raw.cpuPerOp);
          // The target's CPU time against raw's over the same seconds (1 when the turns were even).
          ratios[t].share.push((other.cpuPerOp * other.requests) / (raw.cpuPerOp * raw.requests));
          line.push(`${t} ${(other.rate / raw.rate).toFixed(3)}`);
        } finally {
          await stopServers(servers);
        }
      }
      log(`    round ${r + 1}: ${line.join('  ')}`);
    }
    out[name] = {
      rounds: config.rounds,
      seconds: config.pairedSeconds,
      targets: Object.fromEntries(PAIRED_TARGETS.map((t) => [t, {
        rate: summary(ratios[t].rate),
        cpuPerOp: summary(ratios[t].cpu),
        cpuShare: summary(ratios[t].share),
      }])),
    };
  }
  return out;
}

async function benchWs() {
  const out = {};
  const servers = await startWsServers();
  try {
    const cases = [
      ['echo 32 B text', 'echo', 50, 32, 'text'],
      ['echo 64 KiB binary', 'echo', 50, 65536, 'binary'],
      ['handshakes', 'handshake', 20, 0, 'text'],
    ];
    for (const [label, mode, conns, size, kind] of cases) {
      log(`ws ${label}: ${WS_TARGETS.join(', ')}`);
      out[label] = await runRounds({
        targets: WS_TARGETS,
        baseline: 'ws',
        measure: (t, s) => measureWs(servers[t], mode, conns, size, kind, s),
        seconds: config.wsSeconds,
        warmSeconds: 1,
        rounds: config.wsRounds,
        log,
      });
    }
    log(`ws idle memory: ${config.idleConnections} connections, ${config.memoryRounds} rounds`);
    // Each round starts a fresh server per target (see measureIdleMemory()).
    const samples = { ws: [], keel: [] };
    for (let r = 0; r < config.memoryRounds; r++) {
      for (const t of r % 2 ? [...WS_TARGETS].reverse() : WS_TARGETS) samples[t].push(await measureIdleMemory(t, config.idleConnections));
      log(`    round ${r + 1}: ` + WS_TARGETS.map((t) => `${t} ${Math.round(samples[t][r].rss)} B rss, ${Math.round(samples[t][r].heap)} B heap`).join('  '));
    }
    const med = (t, k) => median(samples[t].map((s) => s[k]));
    out['idle memory'] = {
      connections: config.idleConnections,
      rounds: config.memoryRounds,
      rssPerConnection: { ws: med('ws', 'rss'), keel: med('keel', 'rss') },
      heapPerConnection: { ws: med('ws', 'heap'), keel: med('keel', 'heap') },
      ratio: med('keel', 'rss') / med('ws', 'rss'),
      heapRatio: med('keel', 'heap') / med('ws', 'heap'),
    };
  } finally {
    await stopWsServers(servers);
  }
  return out;
}

async function benchMicro() {
  log('micro: cookies, frames, route matching');
  const child = spawnPinned(0, path.join(here, 'micro.mjs'), quick ? ['--quick'] : []);
  const { results } = await nextMessage(child, 'micro', 300_000);
  return results;
}

async function main() {
  preflight();
  const started = Date.now();
  const result = { date: new Date().toISOString(), machine: machine(), command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`, config };
  log(`Keel benchmarks ${quick ? '(quick) ' : ''}on ${result.machine.cpu}, ${result.machine.nproc} cores, node ${result.machine.node}`);
  if (only.includes('http')) {
    if (paired) result.httpPaired = await benchHttpPaired();
    else result.http = await benchHttp();
  }
  if (only.includes('ws')) result.ws = await benchWs();
  if (only.includes('micro')) result.micro = await benchMicro();
  result.seconds = Math.round((Date.now() - started) / 1000);
  result.targets = evaluateTargets(result);
  if (result.http) printHttp(result.http, log);
  if (result.httpPaired) printHttpPaired(result.httpPaired, log);
  if (result.ws) printWs(result.ws, log);
  if (result.micro) printMicro(result.micro, log);
  printTargets(result.targets, log);
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  const file = path.join(here, 'results', quick ? 'quick.json' : paired ? 'latest-paired.json' : 'latest.json');
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  log(`\n${result.seconds} s; written to ${path.relative(process.cwd(), file)}`);
}

main().then(() => { killAll(); process.exit(0); }, (err) => {
  console.error(`bench failed: ${err.stack ?? err}`);
  killAll();
  process.exit(1);
});
