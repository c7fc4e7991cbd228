// The HTTP methods a Router offers as `router.get(...)`, `router.post(...)` ...: every method
// node:http's parser knows (http.METHODS), lowercased.

import http from 'node:http';

export type Method =
  | 'acl' | 'bind' | 'checkout' | 'connect' | 'copy' | 'delete' | 'get' | 'head' | 'link' | 'lock'
  | 'm-search' | 'merge' | 'mkactivity' | 'mkcalendar' | 'mkcol' | 'move' | 'notify' | 'options'
  | 'patch' | 'post' | 'propfind' | 'proppatch' | 'purge' | 'put' | 'query' | 'rebind' | 'report'
  | 'search' | 'source' | 'subscribe' | 'trace' | 'unbind' | 'unlink' | 'unlock' | 'unsubscribe';

/** Lowercased names of http.METHODS, as this Node.js version knows them. */
export const METHODS: readonly Method[] = http.METHODS.map((m) => m.toLowerCase() as Method);

/**
 * 'GET' → 'get' for every known method, without allocating a lowercased string per request.
 * (An unknown method never reaches the app: node's parser rejects it with a 400.) GET and POST,
 * nearly every request, are compared first; the rest are looked up in a Map. (An object with
 * http.METHODS' 35 names as keys is one V8 keeps in slow dictionary mode: a lookup in it cost
 * about 100 instructions per request, spec/bench/instructions.mjs.)
 */
const LOWER = new Map<string, string>(http.METHODS.map((m) => [m, m.toLowerCase()]));

export function methodKey(method: string): string {
  if (method === 'GET') return 'get';
  if (method === 'POST') return 'post';
  return LOWER.get(method) ?? method.toLowerCase();
}
