// Demo: /info runs the seed documents' middleware sequence; the page shows A, B, C, D and the full
// record (with E, which runs after the page was sent) is at /api/info/:id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDemo } from './harness.js';

interface Trace {
  id: string;
  status: number;
  steps: { label: string; line: string; at: number }[];
}

test('GET /info: 201 from handler C, page from handler D, then E; the order is A, B, C, D, E', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const page = await fetch(`${url}/info`);
    assert.equal(page.status, 201);
    const html = await page.text();
    assert.match(html, /<h1>Welcome Again<\/h1>/);
    const labels = [...html.matchAll(/<li data-label="([A-E])">/g)].map((m) => m[1]);
    assert.deepEqual(labels, ['A', 'B', 'C', 'D']);
    assert.match(html, /A\. Entry Point, GET/);
    const id = /data-trace-id="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
    assert.ok(id);

    const record = await fetch(`${url}/api/info/${id}`);
    assert.equal(record.status, 200);
    const trace = (await record.json()) as Trace;
    assert.deepEqual(trace.steps.map((s) => s.label), ['A', 'B', 'C', 'D', 'E']);
    assert.equal(trace.status, 201);
    assert.match(trace.steps[4].line, /^E\. End at \d+, GET$/);
    for (let i = 1; i < 5; i++) assert.ok(trace.steps[i].at >= trace.steps[i - 1].at);
  });
});

test('each run has its own record; unknown ids are 404s', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const html = await (await fetch(`${url}/info`)).text();
      ids.add(/data-trace-id="([^"]+)"/.exec(html)?.[1] ?? '');
    }
    assert.equal(ids.size, 3);
    const missing = await fetch(`${url}/api/info/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

test('the seed lines also go to the server log, in the seed document\'s order, next to logger(\'dev\')', { timeout: 10_000 }, async () => {
  const lines: string[] = [];
  await withDemo(
    async ({ url }) => {
      const page = await fetch(`${url}/info`);
      await page.text();
      for (let i = 0; i < 50 && !lines.some((l) => l.startsWith('GET /info')); i++) await new Promise((r) => setTimeout(r, 20));
    },
    { log: { write: (line: string) => lines.push(...line.split('\n').filter((l) => l !== '')) } },
  );
  const seed = lines.filter((l) => /^[A-E]\. /.test(l)).map((l) => l[0]);
  assert.deepEqual(seed, ['A', 'B', 'C', 'D', 'E']);
  assert.ok(lines.some((l) => l.startsWith('GET /info') && l.includes('201')), lines.join('\n'));
});
