// Test helper: start an app (or any request listener's app) on 127.0.0.1, port 0, and close it.

import type { AddressInfo } from 'node:net';
import type { App } from '../../lib/index.js';

export interface Running {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(app: App): Promise<Running> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}`, port, close: () => app.close() });
    });
    server.once('error', reject);
  });
}

/** Runs `fn` against a listening app and always closes it. */
export async function withApp(app: App, fn: (url: string) => Promise<void>): Promise<void> {
  const running = await listen(app);
  try {
    await fn(running.url);
  } finally {
    await running.close();
  }
}

/** Captures console.error calls during `fn` (tests of logged errors). */
export async function captureErrors<T>(fn: () => Promise<T>): Promise<{ result: T; logged: unknown[][] }> {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    logged.push(args);
  };
  try {
    const result = await fn();
    return { result, logged };
  } finally {
    console.error = original;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
