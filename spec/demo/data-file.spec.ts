// Demo: DATA_FILE — users and messages survive a restart; the file is written atomically (temp file
// + rename), so a reader never sees a torn file; a file that is not demo data is never overwritten.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataStore, writeAtomically } from '../../demo/store.js';
import { createDemoApp } from '../../demo/app.js';
import { signIn, signInJson, withDemo } from './harness.js';

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'keel-demo-'));
}

test('users and messages persist across a restart; memory-only data does not touch the disk', { timeout: 15_000 }, async () => {
  const dir = await tempDir();
  const dataFile = path.join(dir, 'chat.json');
  try {
    await withDemo(
      async ({ url }) => {
        const cookie = await signIn(url, 'Keeper', 'persistent');
        const r = await fetch(`${url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"text":"remember me"}' });
        assert.equal(r.status, 201);
      },
      { dataFile },
    );
    // close() flushed the file.
    const saved = JSON.parse(await fs.readFile(dataFile, 'utf8')) as { users: Record<string, unknown>; messages: { text: string }[] };
    assert.ok(saved.users['keeper']);
    assert.deepEqual(saved.messages.map((m) => m.text), ['remember me']);
    assert.ok(!JSON.stringify(saved).includes('persistent'), 'no plain password on disk');
    const mode = (await fs.stat(dataFile)).mode & 0o777;
    assert.equal(mode, 0o600);

    await withDemo(
      async ({ url }) => {
        const wrong = await signInJson(url, 'Keeper', 'another one');
        assert.equal(wrong.status, 401);
        await wrong.body?.cancel();
        const cookie = await signIn(url, 'Keeper', 'persistent');
        const { messages } = (await (await fetch(`${url}/api/messages`, { headers: { cookie } })).json()) as { messages: { text: string; id: number }[] };
        assert.deepEqual(messages.map((m) => m.text), ['remember me']);
        const next = await fetch(`${url}/api/messages`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"text":"again"}' });
        const { message } = (await next.json()) as { message: { id: number } };
        assert.ok(message.id > messages[0].id, 'message ids continue after a restart');
      },
      { dataFile },
    );
    assert.deepEqual((await fs.readdir(dir)).sort(), ['chat.json'], 'no temporary files left behind');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('with a data file, a signed-in session survives a restart (secret and session kept in the file)', { timeout: 15_000 }, async () => {
  const dir = await tempDir();
  const dataFile = path.join(dir, 'chat.json');
  try {
    let cookie = '';
    await withDemo(async ({ url }) => {
      cookie = await signIn(url, 'Stayer', 'persistent');
    }, { dataFile });
    const saved = JSON.parse(await fs.readFile(dataFile, 'utf8')) as { sessions: Record<string, { json: string }> };
    assert.equal(Object.keys(saved.sessions).length, 1);
    await withDemo(async ({ url }) => {
      const me = await fetch(`${url}/api/me`, { headers: { cookie } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { name: string }).name, 'Stayer');
      const out = await fetch(`${url}/signout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
      assert.equal(out.status, 303);
    }, { dataFile });
    const after = JSON.parse(await fs.readFile(dataFile, 'utf8')) as { sessions: Record<string, unknown> };
    assert.deepEqual(Object.keys(after.sessions), [], 'sign-out removed the session from the file');

    // Without a file, the secret is random per start: an old cookie is worth nothing.
    await withDemo(async ({ url }) => {
      assert.equal((await fetch(`${url}/api/me`, { headers: { cookie } })).status, 401);
    });
    assert.notEqual(DataStore.memory().data.secret, DataStore.memory().data.secret);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('writes are atomic: a reader polling the file during many writes always sees whole JSON', { timeout: 20_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'data.json');
  try {
    await writeAtomically(file, JSON.stringify({ n: 0, pad: '' }));
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const text = await fs.readFile(file, 'utf8');
        const parsed = JSON.parse(text) as { n: number; pad: string }; // throws on a torn file
        assert.equal(parsed.pad.length, parsed.n * 1000);
        reads++;
      }
    })();
    for (let n = 1; n <= 60; n++) await writeAtomically(file, JSON.stringify({ n, pad: 'x'.repeat(n * 1000) }));
    stop = true;
    await reader;
    assert.ok(reads > 0);
    assert.deepEqual(await fs.readdir(dir), ['data.json']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a failed write leaves the old file whole and no temporary file behind', { timeout: 10_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'data.json');
  try {
    await writeAtomically(file, '{"old":true}');
    // Renaming a file over a directory fails: the write must fail cleanly.
    const target = path.join(dir, 'sub');
    await fs.mkdir(target);
    await assert.rejects(writeAtomically(target, '{"new":true}'));
    assert.deepEqual((await fs.readdir(dir)).sort(), ['data.json', 'sub']);
    assert.equal(await fs.readFile(file, 'utf8'), '{"old":true}');
    await assert.rejects(writeAtomically(path.join(dir, 'missing', 'x.json'), '{}'), /ENOENT/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('many changes in a burst make few writes (coalesced), and flush() writes the last state', { timeout: 10_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'data.json');
  try {
    const store = await DataStore.open(file, 20);
    for (let i = 0; i < 200; i++) {
      store.data.messages.push({ id: i + 1, user: 'u', text: `t${i}`, at: i });
      store.changed();
    }
    await store.flush();
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { messages: unknown[] };
    assert.equal(saved.messages.length, 200);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a file that is not demo data stops the start and is left untouched', { timeout: 10_000 }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'chat.json');
  try {
    for (const content of ['{"version":1,', '[]', '{"version":2}', '{"version":1,"secret":"0123456789abcdef0123","users":{"x":{"name":1}},"messages":[],"nextMessageId":1}']) {
      await fs.writeFile(file, content);
      await assert.rejects(createDemoApp({ dataFile: file, log: false }), /chat\.json/);
      assert.equal(await fs.readFile(file, 'utf8'), content);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
