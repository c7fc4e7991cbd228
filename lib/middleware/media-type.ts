// Content-Type parsing and matching for the body parsers' `type` option.
// RFC 9110 §8.3.1: media-type = type "/" subtype parameters
//                  parameters = *( OWS ";" OWS [ parameter ] )
//                  parameter  = parameter-name "=" parameter-value   (token / quoted-string)

import type { IncomingMessage } from 'node:http';
import { normalizeType } from '../http/mime.js';
import { describe } from '../http/describe.js';

/** The parts of a Content-Type the parsers use: `type/subtype` in lower case and the charset. */
export interface MediaType {
  type: string;
  subtype: string;
  charset: string | undefined;
}

/**
 * parseMediaType() remembering its last header and result: an API's requests nearly all carry
 * the same Content-Type, and comparing two short strings costs less than slicing and lower-casing
 * one. Each body parser makes its own, and compression() one for response types, so they do not
 * evict each other's entry. Results are frozen, since one may be handed to many requests.
 */
export function mediaTypeParser(): (header: string | undefined) => MediaType | undefined {
  let lastHeader = '';
  let lastMedia: MediaType | undefined;
  return (header) => {
    if (header === undefined) return undefined;
    if (header === lastHeader) return lastMedia;
    const media = parseMediaType(header);
    if (media !== undefined) Object.freeze(media);
    lastHeader = header;
    lastMedia = media;
    return media;
  };
}

/** Parses a Content-Type header by hand (indexOf, no regex). Returns undefined when malformed. */
export function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  let end = header.indexOf(';');
  if (end === -1) end = header.length;
  const full = header.slice(0, end).trim().toLowerCase();
  const slash = full.indexOf('/');
  if (slash <= 0 || slash === full.length - 1) return undefined;
  const type = full.slice(0, slash);
  const subtype = full.slice(slash + 1);
  let charset: string | undefined;
  let pos = end;
  while (pos < header.length) {
    const next = header.indexOf(';', pos + 1);
    const stop = next === -1 ? header.length : next;
    const eq = header.indexOf('=', pos + 1);
    if (eq !== -1 && eq < stop) {
      const name = header.slice(pos + 1, eq).trim().toLowerCase();
      if (name === 'charset') {
        let value = header.slice(eq + 1, stop).trim();
        // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; charset names never need escapes.
        if (value.length >= 2 && value.charCodeAt(0) === 34 && value.charCodeAt(value.length - 1) === 34) {
          value = value.slice(1, -1);
        }
        charset = value.toLowerCase();
      }
    }
    pos = stop;
  }
  return { type, subtype, charset };
}

/** The `type` option of every body parser. */
export type TypeOption = string | readonly string[] | ((req: IncomingMessage) => boolean);

/** Compiled once per parser: tells whether a request's Content-Type is one this parser reads. */
export type TypeMatcher = (req: IncomingMessage, media: MediaType | undefined) => boolean;

interface Pattern {
  type: string;
  subtype: string;
}

/**
 * Compiles the `type` option. Strings may be full types ('application/json'), wildcards
 * ('text/*', '*\/*'), '+suffix' patterns ('+json' = '*\/*+json') or short names ('json', 'html').
 */
export function compileType(option: unknown): TypeMatcher {
  if (typeof option === 'function') {
    const fn = option as (req: IncomingMessage) => unknown;
    return (req) => Boolean(fn(req));
  }
  const list = typeof option === 'string' ? [option] : option;
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === 'string' && t.length > 0)) {
    throw new TypeError(`option type must be a string, an array of strings or a function, got ${describe(option)}`);
  }
  const patterns: Pattern[] = (list as string[]).map(toPattern);
  return (_req, media) => {
    if (media === undefined) return false;
    for (let i = 0; i < patterns.length; i++) if (matches(patterns[i]!, media)) return true;
    return false;
  };
}

function toPattern(t: string): Pattern {
  let full = t.trim().toLowerCase();
  if (full.charCodeAt(0) === 43 /* + */) full = '*/*' + full;
  else if (!full.includes('/')) full = normalizeType(full);
  const semi = full.indexOf(';');
  if (semi !== -1) full = full.slice(0, semi).trim();
  const slash = full.indexOf('/');
  if (slash <= 0 || slash === full.length - 1) throw new TypeError(`invalid media type in option type: ${describe(t)}`);
  return { type: full.slice(0, slash), subtype: full.slice(slash + 1) };
}

function matches(p: Pattern, m: MediaType): boolean {
  if (p.type !== '*' && p.type !== m.type) return false;
  if (p.subtype === '*' || p.subtype === m.subtype) return true;
  // '*/*+json' and 'application/*+json' match any subtype ending in '+json' (RFC 6838 §4.2.8).
  return p.subtype.startsWith('*+') && m.subtype.endsWith(p.subtype.slice(1));
}
