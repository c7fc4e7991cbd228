// A bounded memory of files serveStatic() has proven to lie inside its root by their real path
// (GHSA-q5qw-h33p-qvwr), so a repeated request skips the realpath and stat round trips.

import type fs from 'node:fs';

/** What was proven about one requested path, plus the response values derived from it. */
export interface VerifiedFile {
  readonly real: string;
  readonly dev: number;
  readonly ino: number;
  readonly ctimeMs: number;
  readonly mtimeMs: number;
  readonly size: number;
  readonly type: string;
  readonly etag: string;
  readonly lastModified: string;
}

/**
 * An entry is trusted only for the very inode it was proven for, unchanged: the caller opens the
 * requested path, fstats the descriptor and asks `matches()`. A symlink swapped to point elsewhere
 * opens another inode, and a rename, link, unlink, chmod or write changes the ctime, so the entry is
 * dropped and the path is proven again. Keys are resolved paths of existing regular files under the
 * root; at most `max` are kept, the oldest dropped first (a Map iterates in insertion order).
 */
export class VerifiedFiles {
  private readonly map = new Map<string, VerifiedFile>();

  constructor(private readonly max: number) {}

  get(file: string): VerifiedFile | undefined {
    return this.map.get(file);
  }

  set(file: string, entry: VerifiedFile): void {
    if (this.max === 0) return;
    if (this.map.has(file)) this.map.delete(file);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(file, entry);
  }

  delete(file: string): void {
    this.map.delete(file);
  }

  get size(): number {
    return this.map.size;
  }
}

/** True when the open descriptor's stat shows the same, unchanged regular file the entry was made for. */
export function matches(entry: VerifiedFile, st: fs.Stats): boolean {
  return st.ino === entry.ino && st.dev === entry.dev && st.ctimeMs === entry.ctimeMs &&
    st.mtimeMs === entry.mtimeMs && st.size === entry.size && st.isFile();
}
