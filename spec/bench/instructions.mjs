// Instructions per request, Keel against raw node:http, counted by valgrind: the one figure on this
// project's shared machines that repeats to about 0.1% from run to run, where a rate moves by 5%
// between two processes running the same code. It is not time (cache misses and branch misses
// are not counted, and the kernel's work is not seen), so it tells whether a change to lib/ does
// less work, not how much faster the server gets; spec/bench/run.mjs is that.
//
// Each count runs spec/bench/inprocess.mjs (node's own request and response objects, no sockets)
// under `valgrind --tool=cachegrind`, with V8 made deterministic: --single-threaded (no compiler or
// GC threads running at their own pace) and --predictable (no randomness). Start-up and warm-up
// are taken out by difference: the same run with N and with 2N requests per batch, so
// (count(2N) - count(N)) / (8 batches x N) is the cost of one request once everything is compiled.
// With --functions, callgrind gives the same per request by function, JIT code named from V8's
// perf map (--perf-basic-prof), Keel against raw, largest differences first.
//
// Usage (after `npm run build`; needs valgrind: `apt-get install -y valgrind`):
//   node spec/bench/instructions.mjs [hello mw json-post cookie]
//   node spec/bench/instructions.mjs mw --functions
// About 5 minutes for the four scenarios on two cores.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const inprocess = path.join(here, 'inprocess.mjs');
const args = process.argv.slice(2);
const byFunction = args.includes('--functions');
const scenarios = args.filter((a) => !a.startsWith('--'));
const unknown = args.find((a) => a.startsWith('--') && a !== '--functions');
// Requests per batch for the shorter run (the longer one has twice as many): enough that every
// function the request runs has reached its optimised code before the first count.
const BASE = { hello: 20_000, mw: 20_000, cookie: 5_000, 'json-post': 2_500 };
const V8_FLAGS = ['--single-threaded', '--predictable'];
// inprocess.mjs runs each target in this many batches of --iterations requests (one warm-up
// batch, then the seven it times): a run of N iterations serves BATCHES x N requests.
const BATCHES = 8;

function preflight() {
  if (unknown !== undefined) throw new Error(`unknown option ${unknown} (the one option is --functions)`);
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed: `apt-get install -y valgrind`');
  }
  if (!fs.existsSync(path.join(here, '../../dist/lib/index.js'))) throw new Error('run `npm run build` first');
  for (const s of scenarios) if (!(s in BASE)) throw new Error(`unknown scenario ${s} (hello, mw, json-post, cookie)`);
}

/** Runs one target:scenario under valgrind; resolves with the output file's path and V8's perf map. */
function count(target, scenario, iterations, dir) {
  const out = path.join(dir, `${target}-${scenario}-${iterations}`);
  const tool = byFunction
    ? ['--tool=callgrind', `--callgrind-out-file=${out}.out`]
    : ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}.out`];
  const node = [...V8_FLAGS, ...(byFunction ? ['--perf-basic-prof', '--no-compact-code-space'] : [])];
  const argv = [...tool, '--smc-check=all-non-file', process.execPath, ...node, inprocess, `--one=${target}:${scenario}`, `--iterations=${iterations}`];
  return new Promise((resolve, reject) => {
    const child = execFile('valgrind', argv, { maxBuffer: 64 * 1024 * 1024 }, (err) => {
      if (err) return reject(new Error(`valgrind ${target}:${scenario} failed: ${err.message}`));
      // valgrind runs node in its own process: the perf map is named after valgrind's PID.
      if (byFunction) {
        try {
          fs.renameSync(`/tmp/perf-${child.pid}.map`, `${out}.map`);
        } catch (e) {
          return reject(new Error(`V8's perf map for ${target}:${scenario} is missing: ${e.message}`));
        }
      }
      resolve(out);
    });
  });
}

/** Runs the jobs two at a time (each valgrind uses one core; counts do not depend on load). */
async function pool(jobs, width = Math.min(2, os.availableParallelism())) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const parsed = new Map(); // file -> its functions(): the table and --functions both read each file

/** Self instructions by function in a cachegrind or callgrind output file. */
function functions(file) {
  const known = parsed.get(file);
  if (known !== undefined) return known;
  const byName = new Map();
  const names = new Map(); // callgrind's compressed names: "fn=(12) name", later "fn=(12)"
  let fn;
  let skipNext = false; // callgrind: the line after "calls=" is the callee's inclusive cost
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=(?:\((\d+)\))? ?(.*)$/.exec(line);
      if (m[1] !== undefined && m[2] !== '') names.set(m[1], m[2]);
      fn = m[1] !== undefined ? names.get(m[1]) : m[2];
    } else if (line.startsWith('cfn=')) {
      const m = /^cfn=\((\d+)\) (.+)$/.exec(line);
      if (m) names.set(m[1], m[2]);
    } else if (line.startsWith('calls=')) {
      skipNext = true;
    } else if (/^[0-9+\-*]/.test(line) && fn !== undefined) {
      if (skipNext) { skipNext = false; continue; }
      const cost = Number(line.split(' ')[1]);
      if (cost > 0) byName.set(fn, (byName.get(fn) ?? 0) + cost);
    }
  }
  parsed.set(file, byName);
  return byName;
}

/** Names JIT code (callgrind shows it as bare addresses) from V8's perf map. */
function namer(mapFile) {
  const entries = fs.readFileSync(mapFile, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [start, size, ...name] = l.split(' ');
    return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ') };
  }).sort((a, b) => a.start - b.start);
  return (fn) => {
    if (!fn.startsWith('0x')) return fn;
    const address = parseInt(fn, 16);
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid].start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    const e = entries[hi];
    return e !== undefined && address < e.end ? e.name : 'JIT code (unnamed)';
  };
}

/** Per-request instructions by function: (2N run - N run) / requests. */
function perRequestByFunction(shortRun, longRun, requests) {
  const out = new Map();
  for (const [run, sign] of [[shortRun, -1], [longRun, 1]]) {
    const name = namer(`${run}.map`);
    for (const [fn, cost] of functions(`${run}.out`)) {
      const key = name(fn);
      out.set(key, (out.get(key) ?? 0) + (sign * cost) / requests);
    }
  }
  return out;
}

function total(file) {
  let sum = 0;
  for (const cost of functions(file).values()) sum += cost;
  return sum;
}

async function main() {
  preflight();
  const list = scenarios.length > 0 ? scenarios : Object.keys(BASE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-instructions-'));
  try {
    const jobs = [];
    for (const scenario of list) {
      for (const target of ['raw', 'keel']) {
        for (const n of [BASE[scenario], 2 * BASE[scenario]]) jobs.push({ target, scenario, n });
      }
    }
    console.log(`valgrind, ${jobs.length} runs (node ${V8_FLAGS.join(' ')})${byFunction ? ', by function' : ''}`);
    const files = await pool(jobs.map((j) => () => count(j.target, j.scenario, j.n, dir)));
    const fileOf = (target, scenario, n) => files[jobs.findIndex((j) => j.target === target && j.scenario === scenario && j.n === n)];
    console.log('| scenario | raw instructions/request | Keel instructions/request | Keel / raw |');
    console.log('|---|---|---|---|');
    const perRequest = (target, scenario) => {
      const n = BASE[scenario];
      return (total(`${fileOf(target, scenario, 2 * n)}.out`) - total(`${fileOf(target, scenario, n)}.out`)) / (BATCHES * n);
    };
    for (const scenario of list) {
      const raw = perRequest('raw', scenario);
      const keel = perRequest('keel', scenario);
      console.log(`| ${scenario} | ${Math.round(raw)} | ${Math.round(keel)} | ${(keel / raw).toFixed(2)} |`);
    }
    if (byFunction) {
      const print = (r) =>
        console.log(`${(r.keel - r.raw).toFixed(0).padStart(7)} ${r.raw.toFixed(0).padStart(7)} ${r.keel.toFixed(0).padStart(7)}  ${r.k.slice(0, 100)}`);
      for (const scenario of list) {
        const n = BASE[scenario];
        const raw = perRequestByFunction(fileOf('raw', scenario, n), fileOf('raw', scenario, 2 * n), BATCHES * n);
        const keel = perRequestByFunction(fileOf('keel', scenario, n), fileOf('keel', scenario, 2 * n), BATCHES * n);
        const names = [...new Set([...raw.keys(), ...keel.keys()])];
        const sorted = names.map((k) => ({ k, raw: raw.get(k) ?? 0, keel: keel.get(k) ?? 0 }))
          .sort((a, b) => (b.keel - b.raw) - (a.keel - a.raw));
        // The 30 largest differences where Keel does more, then the 15 where raw does more (its
        // own handler, and node functions that Keel's code calls less or under another name).
        const more = sorted.slice(0, 30);
        const less = sorted.slice(30).filter((r) => r.keel - r.raw <= -1).slice(-15);
        console.log(`\n${scenario}: instructions per request by function (self), largest Keel - raw first`);
        console.log(`${'K - raw'.padStart(7)} ${'raw'.padStart(7)} ${'Keel'.padStart(7)}  function`);
        for (const r of more) print(r);
        if (less.length !== 0) console.log('    ...');
        for (const r of less) print(r);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`instructions: ${err.message}`);
  process.exit(1);
});
