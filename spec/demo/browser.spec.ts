// Demo, end to end in a real browser: playwright-core driving Debian's Chromium. Two people sign in
// from two browser contexts, chat live, see each other online, an HTML payload stays text, the size
// limit shows an error, a reload keeps the session, the page reconnects after a server restart, and
// sign-out ends the session. Screenshots go to spec-output/ for a person to look at.
// Without /usr/bin/chromium the spec is skipped (install it with `apt-get install -y chromium`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoApp, type Demo } from '../../demo/app.js';
import { FAST_SCRYPT } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}; install it with \`apt-get install -y chromium\` to run the browser spec`;
const OUTPUT = fileURLToPath(new URL('../../../spec-output/', import.meta.url));
const STEP = 10_000; // every wait in the browser is bounded by this

type BrowserContext = import('playwright-core').BrowserContext;
type Page = import('playwright-core').Page;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function listenDemo(dataFile: string, port = 0): Promise<{ demo: Demo; port: number }> {
  const demo = await createDemoApp({ log: false, scrypt: FAST_SCRYPT, dataFile });
  return new Promise((resolve, reject) => {
    const server = demo.app.listen(port, '127.0.0.1', () => resolve({ demo, port: (server.address() as AddressInfo).port }));
    server.once('error', reject);
  });
}

/** Collects what would mean a broken page: script errors, CSP violations, failed requests. */
function watch(page: Page, problems: string[], who: string): void {
  page.on('pageerror', (err) => problems.push(`${who} page error: ${err.message}`));
  page.on('console', (msg) => {
    // Expected while the server restarts: refused connections. Anything else (a CSP violation, a 404) is a problem.
    if (msg.type() === 'error' && !/WebSocket connection to|ERR_CONNECTION_REFUSED/.test(msg.text())) {
      problems.push(`${who} console error: ${msg.text()}`);
    }
  });
}

async function signInAs(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/chat`), page.click('#signin-button')]);
  await page.locator('#status', { hasText: 'Connected' }).waitFor();
  await page.locator('#me-name', { hasText: name }).waitFor({ state: 'attached' }); // hidden on a phone
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

test('two people chat in a real browser', { skip: SKIP, timeout: 90_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keel-demo-browser-'));
  // Two people, two browsers: each its own fresh profile (--user-data-dir), so nothing is shared.
  const profiles = [await fs.mkdtemp(path.join(os.tmpdir(), 'keel-demo-chromium-')), await fs.mkdtemp(path.join(os.tmpdir(), 'keel-demo-chromium-'))];
  const dataFile = path.join(dir, 'chat.json');
  let running = await listenDemo(dataFile);
  const base = `http://127.0.0.1:${running.port}`;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  try {
    // Playwright passes `userDataDir` to Chromium as --user-data-dir (it refuses the flag in `args`).
    const open = async (profile: string, options: { viewport: { width: number; height: number }; isMobile?: boolean }): Promise<Page> => {
      const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, timeout: 30_000, args: FLAGS, ...options });
      contexts.push(context);
      return context.pages()[0] ?? (await context.newPage());
    };
    const ada = await open(profiles[0], { viewport: { width: 1100, height: 720 } });
    const bob = await open(profiles[1], { viewport: { width: 390, height: 760 }, isMobile: true });
    for (const page of [ada, bob]) page.setDefaultTimeout(STEP);
    watch(ada, problems, 'Ada');
    watch(bob, problems, 'Bob');

    // A page behind the sign-in goes to it.
    await ada.goto(`${base}/chat`);
    assert.equal(new URL(ada.url()).pathname, '/signin');

    // A wrong password shows an error.
    await signInAs(bob, base, 'Bob', 'bobs password');
    await bob.click('#signout-button');
    await bob.waitForURL(`${base}/signin`);
    await bob.fill('#name', 'Bob');
    await bob.fill('#password', 'not bobs password');
    await Promise.all([bob.waitForURL(/error=wrong_password/), bob.click('#signin-button')]);
    assert.match(await bob.locator('#signin-error').innerText(), /password does not match/);
    await fs.mkdir(OUTPUT, { recursive: true });
    await bob.screenshot({ path: path.join(OUTPUT, 'demo-signin.png') });

    await signInAs(ada, base, 'Ada', 'adas password');
    await signInAs(bob, base, 'Bob', 'bobs password');

    // Each sees the other online.
    await ada.locator('#online li', { hasText: 'Bob' }).waitFor();
    await bob.locator('#online li', { hasText: 'Ada' }).waitFor();
    assert.equal(await ada.locator('#online-count').innerText(), '2');

    // Messages appear live in both.
    await send(ada, 'Hello Bob! Welcome to the Keel demo.');
    await bob.locator('.message .text', { hasText: 'Hello Bob! Welcome to the Keel demo.' }).waitFor();
    await ada.locator('.message.mine .text', { hasText: 'Hello Bob!' }).waitFor();

    // Typing shows on the other side.
    await bob.fill('#text', 'typing…');
    await ada.locator('#typing', { hasText: 'Bob is typing' }).waitFor();

    // An HTML payload shows as text, creating no element and running nothing.
    const payload = '<img src=x onerror="window.pwned=1"><b>bold?</b>';
    await send(bob, payload);
    const shown = ada.locator('.message .text', { hasText: 'bold?' });
    await shown.waitFor();
    assert.equal(await shown.innerText(), payload);
    assert.equal(await ada.locator('#messages img, #messages b').count(), 0);
    assert.equal(await ada.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);

    await send(ada, 'Looks like plain text to me. Escaping works.');
    await bob.locator('.message .text', { hasText: 'Escaping works' }).waitFor();

    // The size limit: a clear error in the page, nothing sent.
    await send(bob, 'x'.repeat(501));
    await bob.locator('#chat-error', { hasText: 'at most 500 characters' }).waitFor();
    assert.equal(await ada.locator('.message .text', { hasText: 'xxxxxxxxxx' }).count(), 0);

    await bob.waitForTimeout(2100); // the page sends at most one typing notice per 2 s
    await bob.fill('#text', 'Nice');
    await ada.locator('#typing', { hasText: 'Bob is typing' }).waitFor();
    await ada.screenshot({ path: path.join(OUTPUT, 'demo-chat.png') });
    await bob.screenshot({ path: path.join(OUTPUT, 'demo-chat-phone.png') });

    // A reload keeps the session and shows the history.
    await ada.reload();
    assert.equal(new URL(ada.url()).pathname, '/chat');
    await ada.locator('#status', { hasText: 'Connected' }).waitFor();
    await ada.locator('.message .text', { hasText: 'Hello Bob!' }).waitFor();

    // The server restarts (same data file): the page shows it is offline, then reconnects by itself.
    await running.demo.close();
    await ada.locator('#status', { hasText: /Offline|Reconnecting/ }).waitFor();
    running = await listenDemo(dataFile, running.port);
    await ada.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await bob.locator('#status', { hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    await send(bob, 'Back after the restart');
    await ada.locator('.message .text', { hasText: 'Back after the restart' }).waitFor();

    // Sign-out ends the session: back to the sign-in page, and the chat is closed to that browser.
    await ada.click('#signout-button');
    await ada.waitForURL(`${base}/signin`);
    await ada.goto(`${base}/chat`);
    assert.equal(new URL(ada.url()).pathname, '/signin');
    await bob.locator('#online-count', { hasText: '1' }).waitFor();

    // /info shows the seed's order, E included.
    await ada.goto(`${base}/info`);
    await ada.locator('#trace-note', { hasText: 'Order: A, B, C, D, E' }).waitFor();
    await fs.writeFile(path.join(OUTPUT, 'demo-info.png'), await ada.screenshot());

    assert.deepEqual(problems, []);
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await running.demo.close();
    await fs.rm(dir, { recursive: true, force: true });
    for (const profile of profiles) await fs.rm(profile, { recursive: true, force: true });
  }
});
