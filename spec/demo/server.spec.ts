// Demo: the entry point as `npm start` runs it (node dist/demo/server.js): PORT/HOST from the
// environment, the URL printed at start, pages and assets served from demo/public/, and a graceful
// stop on SIGTERM/SIGINT that closes WebSockets with 1001.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatClient, signIn, withTimeout } from './harness.js';

const SERVER = fileURLToPath(new URL('../../demo/server.js', import.meta.url));

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /Keel demo chat on (http:\/\/\S+\/)/.exec(output);
        if (match !== null) resolve(match[1].replace(/\/$/, ''));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      void exited.then((code) => reject(new Error(`server exited with ${String(code)}: ${output}`)));
    }),
    10_000,
    'demo server start',
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return { child, url, output: () => output, exited };
}

test('PORT=0 and HOST: prints the URL, serves the page and its assets, stops on SIGTERM with 1001', { timeout: 20_000 }, async () => {
  const server = await startServer({ PORT: '0', HOST: '127.0.0.1', DATA_FILE: '' });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${server.url}/signin`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Keel chat/);
    const js = await fetch(`${server.url}/assets/chat.js`);
    assert.equal(js.status, 200);
    assert.match(await js.text(), /new WebSocket\(/);

    const port = new URL(server.url).port;
    const client = await ChatClient.open(`ws://127.0.0.1:${port}/ws`, await signIn(server.url, 'Sig', 'a password'));
    await client.next('hello');
    server.child.kill('SIGTERM');
    assert.equal((await withTimeout(client.closed, 5000, 'WebSocket close')).code, 1001);
    assert.equal(await withTimeout(server.exited, 5000, 'server exit'), 0);
    assert.match(server.output(), /SIGTERM: closing connections/);
    assert.match(server.output(), /GET \/signin .*200/); // logger('dev')
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
});

test('SIGINT stops it too, and DATA_FILE is flushed on the way out', { timeout: 20_000 }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keel-demo-server-'));
  const dataFile = path.join(dir, 'chat.json');
  const server = await startServer({ PORT: '0', DATA_FILE: dataFile });
  try {
    assert.match(server.output(), /Data is kept in .*chat\.json/);
    const cookie = await signIn(server.url, 'Saver', 'a password');
    const posted = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"text":"on disk"}' });
    assert.equal(posted.status, 201);
    server.child.kill('SIGINT');
    assert.equal(await withTimeout(server.exited, 5000, 'server exit'), 0);
    const saved = JSON.parse(await fs.readFile(dataFile, 'utf8')) as { messages: { text: string }[] };
    assert.deepEqual(saved.messages.map((m) => m.text), ['on disk']);
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a bad PORT is a clear error', { timeout: 10_000 }, async () => {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.once('exit', resolve)), 5000, 'exit').catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  assert.equal(code, 1);
  assert.match(errors, /PORT must be a number/);
});
