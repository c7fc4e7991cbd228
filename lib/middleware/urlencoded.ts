// urlencoded(): parses application/x-www-form-urlencoded bodies into req.body. `extended: false`
// (the default) gives flat objects; `extended: true` reads nested 'a[b][c]' keys with caps on
// parameters, depth and array sizes. See urlencoded-parser.ts for the rules.

import { describe } from '../http/describe.js';
import {
  COMMON_OPTIONS,
  createBodyParser,
  resolveBodyOptions,
  unsupportedCharset,
  type BodyParserMiddleware,
  type BodyParserOptions,
} from './body-parser.js';
import { parseFlat, parseNested, type FormLimits } from './urlencoded-parser.js';

export interface UrlencodedOptions extends BodyParserOptions {
  /** Read nested keys ('a[b]=1', 'a[]=1') into objects and arrays (default false). */
  extended?: boolean;
  /** Most parameters (default 1000); more is a 413. */
  parameterLimit?: number;
  /** Most bracket levels in one key with `extended` (default 32); deeper is a 400. */
  depth?: number;
  /** Most elements in one array with `extended`, in any syntax (default 100); more is a 413. */
  arrayLimit?: number;
  /** Charset when the request names none: 'utf-8' (default) or 'iso-8859-1'. */
  defaultCharset?: string;
}

const KNOWN = [...COMMON_OPTIONS, 'extended', 'parameterLimit', 'depth', 'arrayLimit', 'defaultCharset'];

function positiveInteger(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`option ${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

function isLatin1(charset: string): boolean | undefined {
  if (charset === 'utf-8' || charset === 'utf8') return false;
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'us-ascii') return true;
  return undefined;
}

/** Creates a middleware that parses form bodies. Invalid options throw a TypeError now. */
export function urlencoded(options?: UrlencodedOptions): BodyParserMiddleware {
  const resolved = resolveBodyOptions(options, 'application/x-www-form-urlencoded', KNOWN);
  const extended = options?.extended ?? false;
  if (typeof extended !== 'boolean') throw new TypeError(`option extended must be a boolean, got ${describe(extended)}`);
  const base = {
    parameterLimit: positiveInteger(options?.parameterLimit, 'parameterLimit', 1000, 1),
    depth: positiveInteger(options?.depth, 'depth', 32, 0),
    arrayLimit: positiveInteger(options?.arrayLimit, 'arrayLimit', 100, 0),
  };
  const defaultCharset = options?.defaultCharset ?? 'utf-8';
  if (typeof defaultCharset !== 'string' || isLatin1(defaultCharset.toLowerCase()) === undefined) {
    throw new TypeError(`option defaultCharset must be 'utf-8' or 'iso-8859-1', got ${describe(defaultCharset)}`);
  }
  const utf8Limits: FormLimits = { ...base, latin1: false };
  const latin1Limits: FormLimits = { ...base, latin1: true };
  const defaultLatin1 = isLatin1(defaultCharset.toLowerCase())!;
  const parse = extended ? parseNested : parseFlat;
  return createBodyParser(resolved, (buf, charset) => {
    const latin1 = charset === undefined ? defaultLatin1 : isLatin1(charset);
    if (latin1 === undefined) throw unsupportedCharset(charset!);
    // Percent-escapes carry the bytes; the body itself is ASCII for well-formed forms.
    return parse(buf.toString(latin1 ? 'latin1' : 'utf8'), latin1 ? latin1Limits : utf8Limits);
  });
}
