// Shared by every benchmark server: the scenario inputs (identical for all servers) and the
// start-up protocol (listen on 127.0.0.1:0, report the port to the runner over IPC).

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const STATIC_FILE = 'file-4k.txt';
export const MIDDLEWARE_COUNT = 10;
export const ROUTE_COUNT = 100;
export const SET_COOKIE = { name: 'sid', value: 'abc123' };

/** Reports the port to the parent (the runner) once the server listens; exits with the parent. */
export function ready(server) {
  const port = server.address().port;
  if (process.send) {
    process.send({ port });
    // Never outlive the runner: when the IPC channel closes, leave.
    process.on('disconnect', () => process.exit(0));
    // Memory probe for the WebSocket idle-connection measurement (needs --expose-gc): the young
    // generation churned through, then a full GC, then the figures once the RSS has settled. V8
    // hands the pages a full GC frees back to the system from background threads: read at once,
    // the RSS still held them in some rounds and not others (2 KB more per connection over 5,000
    // in two or three rounds of five, for Keel; `ws` with the same probe reads ~0.2 KB lower).
    process.on('message', (msg) => {
      if (msg && msg.type === 'mem') {
        churn();
        if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); }
        settledRss((rss) => {
          // `external` already includes `arrayBuffers`. The open connection count lets the runner
          // check that the server holds every connection the client opened.
          const m = process.memoryUsage();
          server.getConnections((err, connections) => {
            process.send({ type: 'mem', rss: rss ?? m.rss, heap: m.heapUsed, external: m.external, connections: err ? -1 : connections });
          });
        });
      }
    });
  } else {
    console.log(`listening on http://127.0.0.1:${port}`);
  }
}

/**
 * The exact RSS once it has settled after a full GC: read after 300 ms, then every 100 ms until a
 * reading is no more than 64 KiB below the one before it (2 s at most). Only freed pages leave in
 * that time, so the settled figure is the one the connections really hold.
 */
function settledRss(done) {
  if (exactRss() === undefined) return done(undefined);
  let last; // the reading before, once there is one
  let waited = 0;
  const step = (delay) => setTimeout(() => {
    waited += delay;
    const now = exactRss();
    if ((last !== undefined && last - now <= 65536) || waited >= 2000) return done(now);
    last = now;
    step(100);
  }, delay);
  step(300);
}

/**
 * The resident set size counted page by page (Linux's /proc/self/smaps_rollup), or undefined where
 * that file does not exist. process.memoryUsage().rss reads the kernel's running counters, which
 * recent kernels keep per CPU and sum approximately: on this project's machine they read up to
 * 10 MB (2 KB per idle connection over 5,000) above the page-table count, in some processes and
 * not others, for the same server.
 */
function exactRss() {
  try {
    const match = /\nRss:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Fills the young generation several times over with short-lived objects, so that every page of
 * it has been touched (and counts in RSS) before a baseline is taken: otherwise the first
 * allocations after the baseline touch fresh young-generation pages, and the RSS delta of the
 * idle-connection measurement jumps by megabytes depending on where allocation stood.
 */
function churn() {
  // The objects escape into `list` (which is dropped every thousand), so none is optimised away.
  let list = [];
  for (let i = 0; i < 1_000_000; i++) {
    list.push({ i, next: null });
    if (list.length === 1000) list = [];
  }
  return list.length;
}

export const scenario = process.argv[2] ?? 'hello';

/** True when `moduleUrl` is the script node was started with (not imported by spec/bench/inprocess.mjs). */
export function isMain(moduleUrl) {
  // Real paths on both sides: node gives the module's URL with symbolic links resolved.
  return process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === fileURLToPath(moduleUrl);
}
