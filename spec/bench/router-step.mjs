// Instructions per router step: what one pass-through middleware, `(req, res, next) => next()`,
// costs Keel, counted by valgrind. mw's gap to raw node:http is mostly its ten such steps (raw's
// "middleware" are plain function calls), and a change to a step moves mw's rate by less than
// wrk can see on a shared machine; this count repeats to a few instructions.
//
// An app with STEPS root middleware before one route serves requests in-process (node's request
// and response objects, no sockets, as spec/bench/inprocess.mjs builds them), under
// `valgrind --tool=cachegrind` with V8 made deterministic. Four counts: 0 and STEPS middleware,
// each with N and 2N requests per batch; the N/2N difference takes out start-up and warm-up, the
// 0/STEPS difference everything but the steps.
//
// Usage (after `npm run build`; needs valgrind: `apt-get install -y valgrind`):
//   node spec/bench/router-step.mjs        (about a minute on two cores)

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '../../dist/lib/index.js');
const STEPS = 60; // below invoke.ts's MAX_SYNC_DEPTH (100): no step is deferred
const BATCHES = 8;
const N = 4_000;

const args = process.argv.slice(2);
const serveArg = args.find((a) => a.startsWith('--serve='));

if (serveArg !== undefined) {
  // --serve=STEPS:REQUESTS_PER_BATCH: serve the requests, then exit.
  const [steps, perBatch] = serveArg.slice(8).split(':').map(Number);
  const { createApp, Request, Response } = await import(dist);
  const app = createApp();
  for (let i = 0; i < steps; i++) app.use((req, res, next) => next());
  app.get('/r/:id', (req, res) => {
    res.end(req.params.id);
  });
  const socket = new net.Socket();
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < perBatch; i++) {
      const req = new Request(socket);
      req.httpVersionMajor = 1;
      req.httpVersionMinor = 1;
      req.httpVersion = '1.1';
      req.url = '/r/42';
      req.method = 'GET';
      req._addHeaderLines(['Host', 'localhost'], 2);
      req.complete = true;
      const res = new Response(req);
      res.shouldKeepAlive = true;
      app(req, res);
      if (!res.writableEnded || res.statusCode !== 200) throw new Error(`the route did not answer 200 (${res.statusCode})`);
    }
  }
} else {
  if (args.length !== 0) throw new Error(`router-step.mjs takes no options, got ${args.join(' ')}`);
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed: `apt-get install -y valgrind`');
  }
  if (!fs.existsSync(dist)) throw new Error('run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keel-step-'));

  /** Instructions of one run, from cachegrind's summary line. */
  const count = (steps, perBatch) =>
    new Promise((resolve, reject) => {
      const out = path.join(dir, `${steps}-${perBatch}.out`);
      const argv = ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`, process.execPath,
        '--single-threaded', '--predictable', fileURLToPath(import.meta.url), `--serve=${steps}:${perBatch}`];
      execFile('valgrind', argv, { maxBuffer: 16 * 1024 * 1024 }, (err) => {
        if (err) return reject(new Error(`valgrind (${steps} steps) failed: ${err.message}`));
        const summary = fs.readFileSync(out, 'utf8').split('\n').find((l) => l.startsWith('summary:'));
        resolve(Number(summary.split(' ')[1]));
      });
    });

  try {
    const jobs = [[0, N], [0, 2 * N], [STEPS, N], [STEPS, 2 * N]];
    const counts = [];
    // Two at a time: each valgrind uses one core, and the counts do not depend on load.
    for (let i = 0; i < jobs.length; i += 2) counts.push(...(await Promise.all(jobs.slice(i, i + 2).map(([s, n]) => count(s, n)))));
    const perRequest = (a, b) => (b - a) / (BATCHES * N);
    const bare = perRequest(counts[0], counts[1]);
    const stepped = perRequest(counts[2], counts[3]);
    console.log(`request with no middleware: ${bare.toFixed(0)} instructions`);
    console.log(`request with ${STEPS} pass-through middleware: ${stepped.toFixed(0)} instructions`);
    console.log(`one router step: ${((stepped - bare) / STEPS).toFixed(1)} instructions`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
