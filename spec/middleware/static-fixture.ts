// A temporary site for serveStatic specs: created under os.tmpdir(), removed by cleanup().

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Site {
  base: string;
  root: string;
  cleanup(): Promise<void>;
}

export async function makeSite(): Promise<Site> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'keel-static-'));
  const root = path.join(base, 'www');
  await fs.mkdir(path.join(root, 'dir'), { recursive: true });
  await fs.mkdir(path.join(root, 'empty'));
  await fs.mkdir(path.join(root, '.hidden'));
  await fs.mkdir(path.join(root, 'evil.com'));
  await fs.mkdir(path.join(root, 'a:b'));
  await fs.mkdir(path.join(base, 'www-evil'));
  await fs.writeFile(path.join(root, 'index.html'), '<h1>home</h1>');
  await fs.writeFile(path.join(root, 'a.txt'), '0123456789abcdefghij');
  await fs.writeFile(path.join(root, 'style.css'), 'body{}');
  await fs.writeFile(path.join(root, 'dir', 'index.html'), '<h1>dir</h1>');
  await fs.writeFile(path.join(root, 'evil.com', 'index.html'), 'evil dir');
  await fs.writeFile(path.join(root, '.secret'), 'dotfile');
  await fs.writeFile(path.join(root, '.hidden', 'x.txt'), 'hidden');
  await fs.writeFile(path.join(root, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
  await fs.writeFile(path.join(base, 'www-evil', 'secret.txt'), 'SECRET-SIBLING');
  await fs.writeFile(path.join(base, 'outside.txt'), 'SECRET-OUTSIDE');
  await fs.symlink(path.join(base, 'outside.txt'), path.join(root, 'link-out.txt'));
  await fs.symlink(path.join(base, 'www-evil'), path.join(root, 'linkdir'));
  await fs.symlink(path.join(root, 'a.txt'), path.join(root, 'link-in.txt'));
  return { base, root, cleanup: () => fs.rm(base, { recursive: true, force: true }) };
}
