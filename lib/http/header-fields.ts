// The header fields of a response before its head is written: what setHeader()/getHeader() read and
// write on a Keel Response. Field names are case-insensitive (RFC 9110 §5.1); the spelling last set
// is the one sent, as in node:http.
//
// Why Keel keeps them instead of node:http: node stores each field in a null-prototype dictionary
// and, once any field is set that way, writeHead() takes its "progressive" path, which walks that
// dictionary with for-in and validates every field twice over (once per setHeader() through
// wrappers that copy their arguments, once more when writing). A short list of [key, name, value]
// triples, handed to node in one writeHead() call, costs about half as much per response
// (measured on this project's machine: ~0.6 µs of ~1.3 µs for three fields).
//
// Every field is checked once, when it is set: checkField() below applies node's rules to what
// the app sets, and the fields Keel makes itself (a constant type, a length, a computed ETag)
// need none. When the head is written, node would check each field again (about 0.1 µs per
// field) unless the fields come from its own header store, so writeHead() hands them over in
// that store's shape (see toStore()): node's internal symbol for it is looked up once, and its
// shape proved, below. A node version where that proof fails gets the flat list instead, and
// node checks the fields a second time as before.

import http from 'node:http';
import { bareObject } from './bare-object.js';

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

/** The fields of one response, in the order they were first set. */
export class HeaderFields {
  /** Triples: lowercase name, name as last set, value. One flat array: one allocation. */
  private readonly entries: unknown[] = [];

  private indexOf(key: string): number {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 3) if (entries[i] === key) return i;
    return -1;
  }

  /** Sets a field; `name` and `value` must have been checked (checkField). */
  set(name: string, value: FieldValue): void {
    this.setKnown(name.toLowerCase(), name, value);
  }

  /** Sets a field whose lowercase name `key` the caller knows already. */
  setKnown(key: string, name: string, value: FieldValue): void {
    const i = this.indexOf(key);
    if (i === -1) this.entries.push(key, name, value);
    else {
      this.entries[i + 1] = name;
      this.entries[i + 2] = value;
    }
  }

  /** Adds values to a field, making it a list (node's appendHeader()). */
  append(name: string, value: FieldValue): void {
    const i = this.indexOf(name.toLowerCase());
    if (i === -1) return this.set(name, value);
    const current = this.entries[i + 2] as FieldValue;
    const list: (string | number)[] = Array.isArray(current) ? current : [current as string | number];
    if (Array.isArray(value)) for (const v of value) list.push(v);
    else list.push(value as string | number);
    this.entries[i + 2] = list;
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  get(key: string): FieldValue | undefined {
    const i = this.indexOf(key);
    return i === -1 ? undefined : (this.entries[i + 2] as FieldValue);
  }

  has(key: string): boolean {
    return this.indexOf(key) !== -1;
  }

  remove(key: string): void {
    const i = this.indexOf(key);
    if (i !== -1) this.entries.splice(i, 3);
  }

  /** Lowercase names (getHeaderNames()). */
  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.entries.length; i += 3) out.push(this.entries[i] as string);
    return out;
  }

  /** Names as set (getRawHeaderNames()). */
  names(): string[] {
    const out: string[] = [];
    for (let i = 1; i < this.entries.length; i += 3) out.push(this.entries[i] as string);
    return out;
  }

  /** A null-prototype copy, lowercase name to value (getHeaders()). */
  toObject(): http.OutgoingHttpHeaders {
    const out = Object.create(null) as http.OutgoingHttpHeaders;
    for (let i = 0; i < this.entries.length; i += 3) out[this.entries[i] as string] = this.entries[i + 2] as http.OutgoingHttpHeader;
    return out;
  }

  /**
   * The fields in the shape of node's own header store: lowercase name to [name, value], in an
   * object that inherits nothing (a field may be named '__proto__').
   */
  toStore(): Record<string, [string, FieldValue]> {
    const entries = this.entries;
    const out = bareObject<Record<string, [string, FieldValue]>>();
    for (let i = 0; i < entries.length; i += 3) {
      out[entries[i] as string] = [entries[i + 1] as string, entries[i + 2] as FieldValue];
    }
    return out;
  }

  /** `[name, value, name, value, ...]`, the flat list writeHead() takes. */
  toList(): (string | FieldValue)[] {
    const entries = this.entries;
    const out: (string | FieldValue)[] = [];
    for (let i = 0; i < entries.length; i += 3) out.push(entries[i + 1] as string, entries[i + 2] as FieldValue);
    return out;
  }
}
