// `trust proxy`: which peers may speak for the client through X-Forwarded-For / -Proto / -Host
// (the de-facto headers RFC 7239 §1 describes), compiled once into a (address, hop) => boolean test.
// Semantics follow Express's proxy-addr; the headers are scanned by hand, right to left, and only
// as far as trust allows (CVE-2025-25200: no regular expression ever sees a forwarded header).

import net from 'node:net';
import type { TrustFunction } from './settings.js';

export type { TrustFunction } from './settings.js';

/** What `app.set('trust proxy', value)` accepts. */
export type TrustProxyValue = boolean | number | string | readonly string[] | TrustFunction;

// Named ranges, as proxy-addr names them.
const NAMED: Record<string, readonly string[]> = Object.assign(Object.create(null) as Record<string, readonly string[]>, {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
});

const trustAll: TrustFunction = () => true;
const trustNone: TrustFunction = () => false;

function configError(message: string): TypeError {
  const err = new TypeError(message);
  (err as TypeError & { code: string }).code = 'KEEL_INVALID_TRUST_PROXY';
  return err;
}

/**
 * Compiles a `trust proxy` value: true/false, a hop count (integer >= 0: trust that many proxies
 * nearest to the server), an address/CIDR list ('loopback, 10.0.0.0/8' or an array; IPv4, IPv6 and
 * the names loopback, linklocal, uniquelocal), or a function returned as is. Anything else is a
 * TypeError, thrown now rather than silently trusting nobody (or everybody).
 */
export function compileTrust(value: unknown): TrustFunction {
  if (typeof value === 'function') return value as TrustFunction;
  if (value === true) return trustAll;
  if (value === false) return trustNone;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw configError(`trust proxy hop count must be an integer >= 0, got ${value}`);
    }
    const hops = value;
    return (_address, hop) => hop < hops;
  }
  let list: readonly unknown[];
  if (typeof value === 'string') list = value.split(',');
  else if (Array.isArray(value)) list = value;
  else throw configError(`trust proxy must be a boolean, a hop count, an address list or a function, got ${typeof value}`);

  const blocks = new net.BlockList();
  let count = 0;
  for (const item of list) {
    if (typeof item !== 'string') throw configError('trust proxy address list entries must be strings');
    const entry = item.trim();
    if (entry === '') continue;
    const named = NAMED[entry.toLowerCase()];
    for (const range of named ?? [entry]) {
      addRange(blocks, range);
      count++;
    }
  }
  if (count === 0) return trustNone;
  return (address) => isInBlocks(blocks, address);
}

function addRange(blocks: net.BlockList, range: string): void {
  const slash = range.indexOf('/');
  const ip = slash === -1 ? range : range.slice(0, slash);
  const family = net.isIP(ip);
  if (family === 0) throw configError(`trust proxy: invalid IP address ${JSON.stringify(ip)}`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const max = family === 4 ? 32 : 128;
  if (slash === -1) {
    blocks.addAddress(ip, type);
    return;
  }
  const rest = range.slice(slash + 1);
  let prefix = toInteger(rest);
  if (prefix === -1 && family === 4 && net.isIPv4(rest)) prefix = netmaskToPrefix(rest);
  if (prefix < 0 || prefix > max) throw configError(`trust proxy: invalid range ${JSON.stringify(range)}`);
  blocks.addSubnet(ip, prefix, type);
}

function toInteger(text: string): number {
  if (text.length === 0 || text.length > 3) return -1;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** '255.255.0.0' -> 16; a non-contiguous mask -> -1. */
function netmaskToPrefix(mask: string): number {
  let bits = 0;
  for (const part of mask.split('.')) bits = (bits << 8) | Number(part);
  bits >>>= 0;
  let prefix = 0;
  while (prefix < 32 && (bits & (0x80000000 >>> prefix)) !== 0) prefix++;
  return ((bits << prefix) >>> 0) === 0 || prefix === 32 ? prefix : -1;
}

function isInBlocks(blocks: net.BlockList, address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocks.check(address, 'ipv4');
  if (family !== 6) return false; // garbage in X-Forwarded-For is never trusted
  if (blocks.check(address, 'ipv6')) return true;
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1, what a dual-stack socket reports) is also
  // checked as the IPv4 address it carries.
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (net.isIPv4(tail) && address.slice(0, lastColon + 1).toLowerCase() === '::ffff:') {
    return blocks.check(tail, 'ipv4');
  }
  return false;
}

// --- X-Forwarded-For, scanned right to left -------------------------------------------------------

/**
 * Walks the addresses a request passed through, nearest first: the socket's address, then
 * X-Forwarded-For entries from right to left, stopping after the first address that is not trusted
 * (that one is the client as far as we can tell). `trust(address, hop)` is asked about each address
 * before the next one is read, so an untrusted peer's 10,000-entry header costs one step.
 * Returns the client address; when `chain` is given, every address visited is pushed to it.
 */
export function walkForwarded(remote: string, header: string | undefined, trust: TrustFunction, chain?: string[]): string {
  chain?.push(remote);
  if (header === undefined) return remote;
  let address = remote;
  let end = header.length;
  for (let hop = 0; trust(address, hop); hop++) {
    const start = previousEntry(header, end);
    if (start === -1) break;
    address = header.slice(start, entryEnd);
    chain?.push(address);
    end = start;
  }
  return address;
}

// End of the entry previousEntry() last found (module state instead of a tuple: no allocation).
let entryEnd = 0;

/** Finds the entry that ends before `end` (separators: ',' and whitespace). Returns its start or -1. */
function previousEntry(header: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && isSeparator(header.charCodeAt(i))) i--;
  if (i < 0) return -1;
  entryEnd = i + 1;
  while (i >= 0 && !isSeparator(header.charCodeAt(i))) i--;
  return i + 1;
}

function isSeparator(c: number): boolean {
  return c === 0x2c || c === 0x20 || c === 0x09;
}

/** The first (client-side) element of a comma-separated forwarded header, trimmed. */
export function firstForwardedValue(header: string): string {
  const comma = header.indexOf(',');
  return (comma === -1 ? header : header.slice(0, comma)).trim();
}
