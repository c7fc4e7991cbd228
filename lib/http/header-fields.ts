// The header fields of a response before its head is written: what setHeader()/getHeader() read and
// write on a Keel Response. Field names are case-insensitive (RFC 9110 §5.1); the spelling last set
// is the one sent, as in node:http.
//
// Why Keel keeps them instead of node:http: node's setHeader() and getHeader() go through
// wrappers that copy their arguments and validate every field, and once any field is set that way
// writeHead() takes its "progressive" path and checks each one again. Keel keeps the fields in a
// store of node's own shape (lowercase name to [name, value], see HeaderFields) and hands that
// store to node in one writeHead() call: about half the cost per response (measured on this
// project's machine: ~0.6 µs of ~1.3 µs for three fields).
//
// Every field is checked once, when it is set: checkField() below applies node's rules to what
// the app sets, and the fields Keel makes itself (a constant type, a length, a computed ETag)
// need none. node writes the fields of its own header store without checking them a second time
// (about 0.1 µs per field saved); node's internal symbol for that store is looked up once, and its
// shape proved, below. A node version where that proof fails gets the flat list instead, and
// node checks the fields a second time as before.

import http from 'node:http';
import { bareObjectMaker } from './bare-object.js';

/** A header value as setHeader() takes it. */
export type FieldValue = number | string | readonly string[];

// RFC 9110 §5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
// "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
// RFC 9110 §5.5: field-value = *field-content, made of VCHAR, SP, HTAB and obs-text (0x80-0xFF);
// "a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace
// each of those characters with SP". Node rejects every other control character as well; so do we.
// Both are single character classes (no backtracking, linear time), and V8 compiles them to
// machine code that checks a character in less time than a charCodeAt() loop takes (measured).
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NOT_FIELD_TEXT = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Checks a field as node's setHeader() does, throwing node's own errors (ERR_INVALID_HTTP_TOKEN,
 * ERR_HTTP_INVALID_HEADER_VALUE, ERR_INVALID_CHAR). The common cases are checked inline; anything
 * unusual goes to node's validators, so the rules are node's exactly.
 */
export function checkField(name: string, value: unknown): void {
  if (typeof name !== 'string' || !FIELD_NAME.test(name)) http.validateHeaderName(name as string);
  if (typeof value === 'number') return;
  if (typeof value !== 'string' || NOT_FIELD_TEXT.test(value)) http.validateHeaderValue(name, value as string);
}

/**
 * The symbol under which node's OutgoingMessage keeps its header store (lowercase name to
 * [name, value]). node does not export it; it is found on a probe message, and used only if a
 * field set through node's own setHeader() shows up in it in exactly that shape.
 */
export const kOutHeaders: symbol | undefined = (() => {
  const probe = new http.OutgoingMessage();
  const symbol = Object.getOwnPropertySymbols(probe).find((s) => s.description === 'kOutHeaders');
  if (symbol === undefined) return undefined;
  probe.setHeader('X-Probe', 'yes');
  const store = (probe as unknown as Record<symbol, unknown>)[symbol] as Record<string, unknown> | null;
  const entry = store?.['x-probe'];
  const ok = Array.isArray(entry) && entry.length === 2 && entry[0] === 'X-Probe' && entry[1] === 'yes' &&
    Object.keys(store!).length === 1;
  return ok ? symbol : undefined;
})();

/** Lowercase name to [name as last set, value]: node's own header store's shape. */
type Store = Record<string, [string, FieldValue]>;

// Stores have a constructor of their own: V8 sizes its objects by the first few it made, and a
// store holds a handful of fields where params and locals hold one or none (bare-object.ts).
const newStore = bareObjectMaker<Store>();

/** Gives an existing field a new spelling and value (the spelling last set is the one sent). */
function replace(entry: [string, FieldValue], name: string, value: FieldValue): void {
  entry[0] = name;
  entry[1] = value;
}

/**
 * The fields of one response, in the order they were first set, kept in the shape of node's own
 * header store: writeHead() hands this very object to node, with no copy. (Made at the first
 * field; a flat list of triples copied into a store at writeHead() cost about 45 ns and 370 bytes
 * more per response, measured.) Fields are enumerated in insertion order, except that names
 * that are array indices ('123') come first in numeric order: node's own store does the same.
 */
export class HeaderFields {
  /** Made at the first field and kept from then on, even when every field is removed, as node's. */
  private store: Store | undefined = undefined;

  /** Sets a field; `name` and `value` must have been checked (checkField). */
  set(name: string, value: FieldValue): void {
    this.setKnown(name.toLowerCase(), name, value);
  }

  /** Sets a field whose lowercase name `key` the caller knows already. */
  setKnown(key: string, name: string, value: FieldValue): void {
    const store = (this.store ??= newStore());
    const entry = store[key];
    if (entry === undefined) store[key] = [name, value];
    else replace(entry, name, value);
  }

  // The three fields res.send() reads and writes on nearly every answer have methods of their own
  // that write the name out. V8 gives each property access in the code a cache of the object
  // shapes it has seen; the one access of get() and setKnown(), which sees every name, gives up on
  // its cache and looks each name up in a global table instead (a "megamorphic" access, ~10 ns).
  // These fields are also sent with lowercase names (as Fastify sends them; names are
  // case-insensitive, RFC 9110 §5.1): node lowercases every name it writes, to spot
  // Content-Length and its like, and a name that is lowercase already costs it no new string.
  // Both together, in-process (spec/bench/inprocess.mjs hello): ~1,060 -> ~910 ns per request.

  /** The Content-Type set so far. */
  contentType(): FieldValue | undefined {
    return this.store?.['content-type']?.[1];
  }

  /** The ETag set so far. */
  etag(): FieldValue | undefined {
    return this.store?.['etag']?.[1];
  }

  /** Whether a Content-Length is set. */
  hasContentLength(): boolean {
    return this.store?.['content-length'] !== undefined;
  }

  /** Sets Content-Type to a value Keel made (nothing to check). */
  setContentType(value: string): void {
    const store = (this.store ??= newStore());
    const entry = store['content-type'];
    if (entry === undefined) store['content-type'] = ['content-type', value];
    else replace(entry, 'content-type', value);
  }

  /** Sets Content-Length to a byte count Keel computed. */
  setContentLength(value: number): void {
    const store = (this.store ??= newStore());
    const entry = store['content-length'];
    if (entry === undefined) store['content-length'] = ['content-length', value];
    else replace(entry, 'content-length', value);
  }

  /** Sets ETag to a tag Keel computed (hex and base64 characters only). */
  setEtag(value: string): void {
    const store = (this.store ??= newStore());
    const entry = store['etag'];
    if (entry === undefined) store['etag'] = ['etag', value];
    else replace(entry, 'etag', value);
  }

  /** Adds values to a field, making it a list (node's appendHeader()). */
  append(name: string, value: FieldValue): void {
    const key = name.toLowerCase();
    const entry = this.store?.[key];
    if (entry === undefined) return this.setKnown(key, name, value);
    const current = entry[1];
    const list: (string | number)[] = Array.isArray(current) ? current : [current as string | number];
    if (Array.isArray(value)) for (const v of value) list.push(v);
    else list.push(value as string | number);
    entry[1] = list as unknown as FieldValue; // a list may hold numbers, as in node
  }

  /**
   * Whether no field was ever set. As in node, a field set and removed again still counts: its
   * store exists, and writeHead() then keeps the fields it is given for getHeader().
   */
  isEmpty(): boolean {
    return this.store === undefined;
  }

  get(key: string): FieldValue | undefined {
    const entry = this.store?.[key];
    return entry === undefined ? undefined : entry[1];
  }

  has(key: string): boolean {
    return this.store?.[key] !== undefined;
  }

  remove(key: string): void {
    const store = this.store;
    if (store !== undefined) delete store[key];
  }

  /** Lowercase names (getHeaderNames()). */
  keys(): string[] {
    return this.store === undefined ? [] : Object.keys(this.store);
  }

  /** Names as set (getRawHeaderNames()). */
  names(): string[] {
    const out: string[] = [];
    const store = this.store;
    for (const key in store) out.push(store[key]![0]);
    return out;
  }

  /** A null-prototype copy, lowercase name to value (getHeaders()). */
  toObject(): http.OutgoingHttpHeaders {
    const out = Object.create(null) as http.OutgoingHttpHeaders;
    const store = this.store;
    for (const key in store) out[key] = store[key]![1] as http.OutgoingHttpHeader;
    return out;
  }

  /**
   * The fields as node's own header store: lowercase name to [name, value], in an object that
   * inherits nothing (a field may be named '__proto__'). The store itself, not a copy: node only
   * reads it, and nothing changes it once the head is written.
   */
  toStore(): Store {
    return this.store ?? newStore();
  }

  /** `[name, value, name, value, ...]`, the flat list writeHead() takes. */
  toList(): (string | FieldValue)[] {
    const out: (string | FieldValue)[] = [];
    const store = this.store;
    for (const key in store) out.push(store[key]![0], store[key]![1]);
    return out;
  }
}
