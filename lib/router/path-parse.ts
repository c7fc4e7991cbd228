// Path pattern parser: turns '/users/:id{.:format}' into a small token tree. Syntax of
// path-to-regexp v8 (Express 5) plus two Express 4 habits (`:name?` and a bare `*`).
//
//   pattern   = *( text / param / wildcard / group )
//   param     = ":" name            ; one or more characters other than "/"
//   wildcard  = "*" name / "*"      ; one or more characters, "/" included; a bare "*" is named "0", "1" ...
//   group     = "{" pattern "}"     ; optional, nestable
//   name      = identifier / DQUOTE *( char / "\" char ) DQUOTE
//   text      = any other character, or "\" followed by any character (taken literally)
//
// Express 4's `:name?` is read as `{/:name}` when the param follows a '/' (`{.:name}` after a
// '.', `{:name}` otherwise). `(`, `)`, `?`, `+` and `!` are reserved as in path-to-regexp v8 and
// must be escaped. Everything wrong is a TypeError here, at configuration time, never at request time.

export interface TextToken { readonly type: 'text'; readonly value: string }
export interface ParamToken { readonly type: 'param'; readonly name: string }
export interface WildcardToken { readonly type: 'wildcard'; readonly name: string }
export interface GroupToken { readonly type: 'group'; readonly tokens: PathToken[] }
export type PathToken = TextToken | ParamToken | WildcardToken | GroupToken;

export interface ParsedPath {
  tokens: PathToken[];
  /** Param and wildcard names in the order they appear. */
  keys: string[];
  /** For each key: true when it is a wildcard (its value is an array of segments). */
  wildcards: boolean[];
}

/** A parsed pattern made ready for an engine: trailing '/' handled, first segment folded. */
export interface PreparedPath extends ParsedPath {
  firstSegment: string | undefined;
}

/** Longest accepted pattern, in characters. Real routes are far shorter; this bounds compile memory. */
export const MAX_PATTERN_LENGTH = 2048;
/** Most params + wildcards in one pattern (each one costs two capture slots per matcher thread). */
export const MAX_PATTERN_PARAMS = 64;
/** Deepest nesting of `{...}` groups. */
export const MAX_GROUP_DEPTH = 16;

const RESERVED = '()?+!';
const ID_START = /^[$_\p{ID_Start}]$/u;
const ID_CONTINUE = /^[$\u200c\u200d\p{ID_Continue}]$/u;

function fail(pattern: string, message: string, index: number): never {
  throw new TypeError(`Invalid path pattern ${JSON.stringify(pattern)}: ${message} at index ${index}`);
}

/**
 * Literal text is compared with the raw, %-encoded request path, so characters a client can
 * only send %-encoded (non-ASCII, space, controls) are stored encoded: '/café' matches
 * '/caf%C3%A9'. Everything else is kept as written.
 */
function encodeLiteral(ch: string): string {
  const code = ch.codePointAt(0) as number;
  if (code > 0x20 && code < 0x7f) return ch;
  try {
    return encodeURIComponent(ch);
  } catch {
    throw new TypeError(`Invalid path pattern: lone surrogate U+${code.toString(16).toUpperCase()}`);
  }
}

function appendText(list: PathToken[], value: string): void {
  const last = list[list.length - 1];
  if (last !== undefined && last.type === 'text') list[list.length - 1] = { type: 'text', value: last.value + value };
  else list.push({ type: 'text', value });
}

/** Reads a name at `i` (identifier or quoted); returns [name, next index], or undefined if none. */
function readName(pattern: string, i: number): [string, number] | undefined {
  if (pattern[i] === '"') {
    let name = '';
    let j = i + 1;
    while (j < pattern.length && pattern[j] !== '"') {
      if (pattern[j] === '\\') j++;
      if (j < pattern.length) name += pattern[j];
      j++;
    }
    if (j >= pattern.length) fail(pattern, 'unterminated quoted name', i);
    if (name === '') fail(pattern, 'empty quoted name', i);
    return [name, j + 1];
  }
  let j = i;
  for (const ch of pattern.slice(i)) {
    if (!(j === i ? ID_START : ID_CONTINUE).test(ch)) break;
    j += ch.length;
  }
  return j === i ? undefined : [pattern.slice(i, j), j];
}

export function parsePath(pattern: string): ParsedPath {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new TypeError(`Invalid path pattern: longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  const root: PathToken[] = [];
  const stack: { list: PathToken[]; start: number }[] = [];
  const keys: string[] = [];
  const wildcards: boolean[] = [];
  let list = root;
  let unnamed = 0;

  const addKey = (name: string, wildcard: boolean, at: number): void => {
    if (keys.includes(name)) fail(pattern, `duplicate parameter name ${JSON.stringify(name)}`, at);
    if (keys.length === MAX_PATTERN_PARAMS) fail(pattern, `more than ${MAX_PATTERN_PARAMS} parameters`, at);
    const prev = list[list.length - 1];
    if (prev !== undefined && prev.type !== 'text' && prev.type !== 'group') {
      // '/:a:b' has no rule telling where a ends: path-to-regexp v8 rejects it too.
      fail(pattern, `parameter ${JSON.stringify(name)} directly follows parameter ${JSON.stringify(prev.name)}`, at);
    }
    keys.push(name);
    wildcards.push(wildcard);
  };

  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) fail(pattern, 'trailing backslash', i);
      const cp = String.fromCodePoint(pattern.codePointAt(i + 1) as number);
      appendText(list, encodeLiteral(cp));
      i += 1 + cp.length;
    } else if (ch === '{') {
      if (stack.length === MAX_GROUP_DEPTH) fail(pattern, `groups nested deeper than ${MAX_GROUP_DEPTH}`, i);
      const group: GroupToken = { type: 'group', tokens: [] };
      list.push(group);
      stack.push({ list, start: i });
      list = group.tokens;
      i++;
    } else if (ch === '}') {
      const outer = stack.pop();
      if (outer === undefined) fail(pattern, "unexpected '}'", i);
      list = outer.list;
      i++;
    } else if (ch === ':' || ch === '*') {
      const read = readName(pattern, i + 1);
      let name: string;
      if (read !== undefined) {
        name = read[0];
        addKey(name, ch === '*', i);
        i = read[1];
      } else if (ch === '*') {
        name = String(unnamed++); // Express 4's bare '*'
        addKey(name, true, i);
        i++;
      } else {
        fail(pattern, 'missing parameter name after ":"', i);
      }
      const token: PathToken = ch === ':' ? { type: 'param', name } : { type: 'wildcard', name };
      if (ch === ':' && pattern[i] === '?') {
        // Express 4: '/:id?' means '{/:id}', the separator before it optional too.
        const group: GroupToken = { type: 'group', tokens: [] };
        const prev = list[list.length - 1];
        if (prev !== undefined && prev.type === 'text' && (prev.value.endsWith('/') || prev.value.endsWith('.'))) {
          const sep = prev.value.slice(-1);
          if (prev.value.length === 1) list.pop();
          else list[list.length - 1] = { type: 'text', value: prev.value.slice(0, -1) };
          group.tokens.push({ type: 'text', value: sep });
        }
        group.tokens.push(token);
        list.push(group);
        i++;
      } else {
        list.push(token);
      }
    } else if (RESERVED.includes(ch)) {
      const last = list[list.length - 1];
      if (ch === '(' && last !== undefined && last.type === 'param') {
        // Express 4's ':id(\\d+)': path-to-regexp v8 dropped it, and a regex per param is what
        // made those versions backtrack. A RegExp path still allows it.
        fail(pattern, 'custom param patterns like ":id(\\d+)" are not supported (use a RegExp path)', i);
      }
      fail(pattern, `${JSON.stringify(ch)} is reserved (escape it as "\\\\${ch}")`, i);
    } else {
      const cp = String.fromCodePoint(pattern.codePointAt(i) as number);
      appendText(list, encodeLiteral(cp));
      i += cp.length;
    }
  }
  const open = stack.pop();
  if (open !== undefined) fail(pattern, "unclosed '{'", open.start);
  return { tokens: root, keys, wildcards };
}

/**
 * Drops one trailing '/' from the pattern (non-strict routing: '/users/' and '/users' are the
 * same route; the matcher then tolerates one trailing '/' on the path).
 */
export function dropTrailingSlash(tokens: PathToken[]): PathToken[] {
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.type !== 'text' || !last.value.endsWith('/')) return tokens;
  const value = last.value.slice(0, -1);
  const out = tokens.slice(0, -1);
  if (value !== '') out.push({ type: 'text', value });
  return out;
}

/** True when every way through `tokens` (then `rest`) starts with '/' or is empty. */
function startsWithSlash(tokens: readonly PathToken[], rest: readonly PathToken[]): boolean {
  const first = tokens[0];
  if (first === undefined) return rest.length === 0 || startsWithSlash(rest, []);
  if (first.type === 'text') return first.value.charCodeAt(0) === 47;
  if (first.type !== 'group') return false;
  const after = tokens.slice(1).concat(rest);
  return startsWithSlash(first.tokens, after) && startsWithSlash(after, []);
}

/**
 * The literal first segment of a pattern ('users' for '/users/:id', '' for '/'), or undefined
 * when it can vary. The router uses it to look routes up instead of scanning them.
 */
export function literalFirstSegment(tokens: readonly PathToken[]): string | undefined {
  const first = tokens[0];
  if (first === undefined) return '';
  if (first.type !== 'text' || first.value.charCodeAt(0) !== 47) return undefined;
  const slash = first.value.indexOf('/', 1);
  if (slash !== -1) return first.value.slice(1, slash);
  return startsWithSlash(tokens.slice(1), []) ? first.value.slice(1) : undefined;
}
