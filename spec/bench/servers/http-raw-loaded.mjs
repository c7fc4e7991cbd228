// A diagnostic, not a target: raw's handlers (http-raw.mjs) in a process that has first loaded
// Keel's modules, as Keel's own server does, and then runs none of Keel's code per request. Its
// ratio to raw is what loading Keel costs the requests of a server, whoever answers them: on
// Node 20, importing ~90 ES module files leaves node's EventEmitter.init with megamorphic stores,
// paid by every request and response it builds (spec/bench/RESULTS.md, session 18).
// Usage: node http-raw-loaded.mjs <hello|mw|json-post|cookie|static>  (after `npm run build`).

import http from 'node:http';
import '../../../dist/lib/index.js';
import { handlers } from './http-raw.mjs';
import { isMain, ready, scenario } from './common.mjs';

if (isMain(import.meta.url)) {
  const handler = handlers[scenario];
  if (handler === undefined) throw new Error(`unknown scenario ${scenario}`);
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1', () => ready(server));
}
