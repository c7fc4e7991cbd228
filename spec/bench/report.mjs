// Tables (Markdown, readable in a terminal too) and the issue-7 targets, checked against results.

const f2 = (x) => x.toFixed(2);
const cell = (s) => `${f2(s.median)} (${f2(s.min)}-${f2(s.max)})`;

export function printHttp(http, log) {
  log('\n### HTTP: requests/s as a ratio to raw node:http (median of rounds, spread), server CPU per request as a ratio\n');
  log('| scenario | rounds | Keel | Express 5 | Fastify 5 | Koa 3 | CPU/req Keel | CPU/req Fastify |');
  log('|---|---|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(http)) {
    const t = r.targets;
    log(`| ${name} | ${r.rounds} | ${cell(t.keel.rate)} | ${cell(t.express.rate)} | ${cell(t.fastify.rate)} | ${cell(t.koa.rate)} | ${f2(t.keel.cpuPerOp.median)} | ${f2(t.fastify.cpuPerOp.median)} |`);
  }
  const hello = http.hello?.targets;
  if (hello?.['raw-copy']) {
    log(`| control: raw copy / raw (hello) | ${http.hello.rounds} | ${cell(hello['raw-copy'].rate)} | | | | ${f2(hello['raw-copy'].cpuPerOp.median)} | |`);
  }
  log('\nraw node:http, median requests/s (absolute figures move 20-30% on shared machines): ' +
    Object.entries(http).map(([n, r]) => `${n} ${Math.round(r.targets.raw.absolute.rate)}`).join(', '));
}

export function printHttpPaired(http, log) {
  log('\n### HTTP, paired: each target and raw node:http taking 100 ms turns on one core; requests served and CPU per request as ratios to raw\n');
  log('| scenario | rounds | Keel | Fastify 5 | control: raw copy | raw, Keel loaded | CPU/req Keel | CPU/req Fastify | CPU time Keel |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(http)) {
    const t = r.targets;
    log(`| ${name} | ${r.rounds} × ${r.seconds} s | ${cell(t.keel.rate)} | ${cell(t.fastify.rate)} | ${cell(t['raw-copy'].rate)} | ${cell(t['raw-loaded'].rate)} | ${f2(t.keel.cpuPerOp.median)} | ${f2(t.fastify.cpuPerOp.median)} | ${f2(t.keel.cpuShare.median)} |`);
  }
}

export function printWs(ws, log) {
  log('\n### WebSocket: Keel as a ratio to ws@8 (median of rounds, spread)\n');
  log('| case | rounds | rate Keel/ws | server CPU per message Keel/ws |');
  log('|---|---|---|---|');
  for (const [name, r] of Object.entries(ws)) {
    if (name === 'idle memory') continue;
    log(`| ${name} | ${r.rounds} | ${cell(r.targets.keel.rate)} | ${cell(r.targets.keel.cpuPerOp)} |`);
  }
  const m = ws['idle memory'];
  if (m) {
    log(`| idle memory, RSS per connection (${m.connections} connections) | ${m.rounds} | Keel ${Math.round(m.rssPerConnection.keel)} B, ws ${Math.round(m.rssPerConnection.ws)} B | ratio ${f2(m.ratio)} |`);
    log(`| idle memory, JS heap + buffers per connection | ${m.rounds} | Keel ${Math.round(m.heapPerConnection.keel)} B, ws ${Math.round(m.heapPerConnection.ws)} B | ratio ${f2(m.heapRatio)} |`);
  }
}

export function printMicro(micro, log) {
  log('\n### Micro: operations/s as a ratio to the reference (first column), median (spread)\n');
  log('| case | reference | Keel |');
  log('|---|---|---|');
  for (const [name, r] of Object.entries(micro)) {
    const [ref, ...rest] = Object.keys(r);
    log(`| ${name} | ${ref} (${fmtOps(r[ref].opsPerSec)}) | ${rest.map((k) => `${k}: ${cell(r[k].ratio)}`).join('; ')} |`);
  }
}

function fmtOps(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)} M/s` : x >= 1e3 ? `${(x / 1e3).toFixed(0)} k/s` : `${x.toFixed(0)}/s`;
}

// Keel / raw requests per second, at least (issue 7).
const HTTP_FLOORS = { hello: 0.95, mw: 0.9, 'json-post': 0.92, cookie: 0.92 };

export function evaluateTargets(result) {
  const out = [];
  const add = (name, value, goal, met) => out.push({ name, value: value === undefined ? null : Number(value.toFixed(3)), goal, met });
  // Keel against raw (its floor) and against Fastify (ahead), for a sequential or a paired run.
  const httpTargets = (http, label) => {
    for (const [name, floor] of Object.entries(HTTP_FLOORS)) {
      const r = http[name];
      if (r) add(`http ${name}: Keel / raw${label}`, r.targets.keel.rate.median, `>= ${floor}`, r.targets.keel.rate.median >= floor);
    }
    for (const [name, r] of Object.entries(http)) {
      const v = r.targets.keel.rate.median / r.targets.fastify.rate.median;
      add(`http ${name}: Keel / Fastify${label}`, v, '> 1', v > 1);
    }
  };
  const http = result.http;
  if (http) {
    httpTargets(http, '');
    const c = http.hello?.targets['raw-copy'];
    if (c) add('control: raw copy / raw', c.rate.median, '0.95-1.05', c.rate.median >= 0.95 && c.rate.median <= 1.05);
  }
  const paired = result.httpPaired;
  if (paired) {
    httpTargets(paired, ' (paired)');
    const controls = Object.values(paired).map((r) => r.targets['raw-copy'].rate.median);
    const worst = controls.reduce((w, v) => (Math.abs(v - 1) > Math.abs(w - 1) ? v : w), 1);
    add('control: raw copy / raw (paired, furthest from 1 of the scenarios)', worst, '0.95-1.05', worst >= 0.95 && worst <= 1.05);
  }
  const ws = result.ws;
  if (ws) {
    for (const name of ['echo 32 B text', 'echo 64 KiB binary']) {
      const r = ws[name]?.targets.keel;
      if (!r) continue;
      add(`ws ${name}: server CPU per message Keel / ws`, r.cpuPerOp.median, '<= 0.8', r.cpuPerOp.median <= 0.8);
      add(`ws ${name}: rate Keel / ws`, r.rate.median, '>= 1.0', r.rate.median >= 1.0);
    }
    const h = ws.handshakes?.targets.keel;
    if (h) add('ws handshakes: rate Keel / ws', h.rate.median, '>= 1.0', h.rate.median >= 1.0);
    const m = ws['idle memory'];
    if (m) {
      // A delta at or below zero means a GC or heap shrink hid the connections: no verdict from it.
      const rssValid = m.rssPerConnection.ws > 0 && m.rssPerConnection.keel > 0;
      add('ws idle memory (RSS) per connection Keel / ws', m.ratio, rssValid ? '<= 1.0' : '<= 1.0 (RSS delta <= 0: not measurable this run)', rssValid && m.ratio <= 1.0);
      add('ws idle memory (heap + buffers) per connection Keel / ws', m.heapRatio, '<= 1.0', m.heapRatio <= 1.0);
    }
  }
  const micro = result.micro;
  if (micro) {
    for (const [name, r] of Object.entries(micro)) {
      if (!name.startsWith('parse') && !name.startsWith('serialize')) continue;
      add(`cookie ${name}: Keel / cookie`, r.keel.ratio.median, '>= 1.0', r.keel.ratio.median >= 1.0);
    }
  }
  return out;
}

export function printTargets(targets, log) {
  log('\n### Targets of issue 7\n');
  log('| target | measured | goal | met |');
  log('|---|---|---|---|');
  for (const t of targets) log(`| ${t.name} | ${t.value === null ? '-' : f2(t.value)} | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`);
}
