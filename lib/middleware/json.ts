// json(): parses application/json bodies (RFC 8259) into req.body, with a size limit, strict mode
// (objects and arrays only), and no way for a '__proto__' key to reach an object's prototype.

import { HttpError } from '../http/errors.js';
import { describe } from '../http/describe.js';
import {
  COMMON_OPTIONS,
  createBodyParser,
  decodeText,
  resolveBodyOptions,
  unsupportedCharset,
  type BodyParserMiddleware,
  type BodyParserOptions,
} from './body-parser.js';

export interface JsonOptions extends BodyParserOptions {
  /** Only accept objects and arrays at the top level (default true). */
  strict?: boolean;
  /** Passed to JSON.parse. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
}

const KNOWN = [...COMMON_OPTIONS, 'strict', 'reviver'];

/** Creates a middleware that parses JSON bodies. Invalid options throw a TypeError now. */
export function json(options?: JsonOptions): BodyParserMiddleware {
  const resolved = resolveBodyOptions(options, 'application/json', KNOWN);
  const strict = options?.strict ?? true;
  if (typeof strict !== 'boolean') throw new TypeError(`option strict must be a boolean, got ${describe(strict)}`);
  const reviver = options?.reviver;
  if (reviver !== undefined && typeof reviver !== 'function') {
    throw new TypeError(`option reviver must be a function, got ${describe(reviver)}`);
  }
  return createBodyParser(resolved, (buf, charset) => parseJson(decodeJson(buf, charset), strict, reviver));
}

// RFC 8259 §8.1: "JSON text exchanged between systems that are not part of a closed ecosystem MUST
// be encoded using UTF-8". UTF-16 is still accepted, as body-parser does; anything else is 415.
function decodeJson(buf: Buffer, charset: string | undefined): string {
  const cs = charset ?? 'utf-8';
  if (cs === 'utf-8' || cs === 'utf8' || cs === 'utf-16' || cs === 'utf-16le' || cs === 'utf-16be') {
    return decodeText(buf, cs);
  }
  throw unsupportedCharset(cs);
}

function invalid(message: string, cause?: unknown): HttpError {
  // The message never echoes the body: parse errors name at most a position.
  return new HttpError(400, message, { code: 'KEEL_BODY_INVALID_JSON', cause });
}

/** Parses JSON text with body-parser's rules: empty body → {}, strict → object or array only. */
export function parseJson(
  text: string,
  strict: boolean,
  reviver?: (this: unknown, key: string, value: unknown) => unknown,
): unknown {
  let first = 0;
  // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
  while (first < text.length) {
    const c = text.charCodeAt(first);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    first++;
  }
  if (first === text.length) return Object.create(null) as Record<string, unknown>;
  if (strict) {
    const c = text.charCodeAt(first);
    if (c !== 0x7b /* { */ && c !== 0x5b /* [ */) throw invalid('JSON body must be an object or an array');
  }
  let value: unknown;
  try {
    value = reviver === undefined ? JSON.parse(text) : JSON.parse(text, reviver);
  } catch (err) {
    throw invalid('invalid JSON body', err);
  }
  // Only walk the result when a dangerous key may be in it. JSON.parse already makes '__proto__'
  // an own data property, but code that later merges the body into another object (Object.assign,
  // spread into a class) would set that object's prototype. Both keys removeProtoKeys() looks for,
  // '__proto__' and a 'constructor' holding a 'prototype', put 'proto' in the text unless a letter
  // is written as an escape (RFC 8259 §7: the only escape for a letter is \uXXXX), so two scans
  // cover them: 'proto' and '\u'.
  if (text.includes('proto') || text.includes('\\u')) removeProtoKeys(value);
  return value;
}

/**
 * Deletes '__proto__' keys, and 'constructor' keys holding a 'prototype', everywhere in a parsed
 * value (the rule of secure-json-parse). Iterative, so deeply nested input cannot overflow the stack.
 */
export function removeProtoKeys(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push(node[i]);
      continue;
    }
    const obj = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(obj, '__proto__')) delete obj['__proto__'];
    const ctor = Object.prototype.hasOwnProperty.call(obj, 'constructor') ? obj['constructor'] : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) {
      delete obj['constructor'];
    }
    for (const key of Object.keys(obj)) stack.push(obj[key]);
  }
}
