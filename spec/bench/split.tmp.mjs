// temp experiment: user vs system CPU per request, raw vs keel, interleaved
import fs from 'node:fs';
import path from 'node:path';
import { startServer, stopProcess } from './procs.mjs';
import { measureHttp, scenarioSetup } from './http.mjs';
const here = path.dirname(new URL(import.meta.url).pathname);
const scenario = process.argv[2] ?? 'hello';
const rounds = Number(process.argv[3] ?? 3);
const targets = (process.argv[4] ?? 'raw,keel').split(',');
function ut(pid) { const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); const r = s.slice(s.lastIndexOf(')') + 2).split(' '); return [Number(r[11]) * 1e4, Number(r[12]) * 1e4]; }
function ctx(pid) { const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8'); return [Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(s)[1]), Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(s)[1])]; }
const servers = {};
const xa = (process.env.XARGS ?? "").split(" ").filter(Boolean);
for (const t of targets) servers[t] = await startServer(path.join(here, "servers", `http-${t}.mjs`), [scenario], xa);
const setup = scenarioSetup(scenario);
for (const t of targets) await measureHttp(servers[t], setup, 1, 64);
const acc = Object.fromEntries(targets.map((t) => [t, { u: 0, s: 0, n: 0, v: 0, nv: 0 }]));
for (let r = 0; r < rounds; r++) {
  for (const t of (r % 2 ? [...targets].reverse() : targets)) {
    const s = servers[t];
    const [u0, s0] = ut(s.pid); const [v0, nv0] = ctx(s.pid);
    const m = await measureHttp(s, setup, 4, 64);
    const [u1, s1] = ut(s.pid); const [v1, nv1] = ctx(s.pid);
    const a = acc[t]; a.u += u1 - u0; a.s += s1 - s0; a.n += m.requests; a.v += v1 - v0; a.nv += nv1 - nv0;
  }
}
for (const t of targets) { const a = acc[t]; console.log(`${t.padEnd(8)} rate ${(a.n / (rounds * 4)).toFixed(0)} user ${(a.u / a.n).toFixed(2)} µs sys ${(a.s / a.n).toFixed(2)} µs  vol-cs/req ${(a.v / a.n).toFixed(3)} invol/req ${(a.nv/a.n).toFixed(3)}`); }
await Promise.all(Object.values(servers).map((s) => stopProcess(s.child)));
