// Proactive content negotiation (RFC 9110 §12.4-12.5): Accept, Accept-Encoding, Accept-Charset and
// Accept-Language. Semantics follow the `negotiator` package Express uses (quality first, then
// specificity, then the client's order, then the server's order). The parsers are hand-written
// scans, and read at most MAX_ENTRIES list members, so a hostile 100 KiB header costs a bounded,
// linear amount of work.

/** List members read from one header; a browser sends about ten. */
export const MAX_ENTRIES = 100;

interface Entry {
  /** Full value as compared: 'text/html', 'gzip', 'en-us'. Lower case. */
  value: string;
  /** The value as the client wrote it. */
  raw: string;
  /** Media types: type and subtype. Languages: the primary tag (prefix) and ''. */
  type: string;
  subtype: string;
  /** Media type parameters other than q, lower-cased names, or undefined. */
  params: Record<string, string> | undefined;
  q: number;
  /** Position in the header. */
  index: number;
}

interface Priority {
  /** Index of the provided value (or of the entry when listing the header). */
  i: number;
  /** Position of the matching header entry. */
  o: number;
  q: number;
  /** Specificity of the match. */
  s: number;
}

const enum Kind { Media, Token, Language }

// --- parsing -------------------------------------------------------------------------------------

/** Splits a list header on commas outside quoted strings; trimmed non-empty members, capped. */
function splitList(header: string, separator: number, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  const length = header.length;
  for (let i = 0; i <= length && out.length < max; i++) {
    const c = i === length ? separator : header.charCodeAt(i);
    if (quoted && i < length) {
      // Inside a quoted-string (RFC 9110 §5.6.4) separators do not count.
      if (c === 0x5c /* \ */ && i + 1 < length) i++;
      else if (c === 0x22) quoted = false;
      continue;
    }
    if (c === 0x22) quoted = true;
    else if (c === separator) {
      const member = header.slice(start, i).trim();
      if (member !== '') out.push(member);
      start = i + 1;
    }
  }
  return out;
}

/** RFC 9110 §12.4.2 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ]. NaN when invalid. */
function parseQuality(text: string): number {
  if (text.length === 0 || text.length > 5) return NaN;
  const first = text.charCodeAt(0);
  if (first !== 0x30 && first !== 0x31) return NaN;
  if (text.length > 1 && text.charCodeAt(1) !== 0x2e) return NaN;
  for (let i = 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NaN;
  }
  const q = Number(text);
  return q > 1 ? NaN : q;
}

function parseEntry(member: string, index: number, kind: Kind): Entry | undefined {
  const parts = splitList(member, 0x3b /* ; */, 32);
  const raw = parts[0] ?? '';
  const value = raw.toLowerCase();
  let type = value;
  let subtype = '';
  let params: Record<string, string> | undefined;
  let q = 1;
  if (kind === Kind.Media) {
    // '*' alone is what some clients send for '*/*'.
    const slash = value.indexOf('/');
    if (value === '*') { type = '*'; subtype = '*'; }
    else if (slash <= 0 || slash === value.length - 1 || value.indexOf('/', slash + 1) !== -1) return undefined;
    else { type = value.slice(0, slash); subtype = value.slice(slash + 1); }
  } else if (kind === Kind.Language) {
    const dash = value.indexOf('-');
    type = dash === -1 ? value : value.slice(0, dash);
  }
  if (value === '') return undefined;
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!;
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let paramValue = part.slice(eq + 1).trim();
    if (name === 'q') {
      q = parseQuality(paramValue);
      if (Number.isNaN(q)) return undefined;
      break; // RFC 9110 §12.5.1: what follows q are accept-ext, not media type parameters.
    }
    if (kind !== Kind.Media) continue;
    if (paramValue.length >= 2 && paramValue.charCodeAt(0) === 0x22 && paramValue.endsWith('"')) {
      paramValue = paramValue.slice(1, -1);
    }
    params ??= Object.create(null) as Record<string, string>;
    params[name] = paramValue;
  }
  return { value, raw, type, subtype, params, q, index };
}

function parseHeader(header: string, kind: Kind): Entry[] {
  const members = splitList(header, 0x2c /* , */, MAX_ENTRIES);
  const entries: Entry[] = [];
  for (let i = 0; i < members.length; i++) {
    const entry = parseEntry(members[i]!, i, kind);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

// --- matching ------------------------------------------------------------------------------------

/** Specificity of `entry` matching `provided`, or -1 when it does not match. */
function specify(kind: Kind, provided: Entry, entry: Entry): number {
  if (kind === Kind.Token) {
    if (entry.value === provided.value) return 1;
    return entry.value === '*' ? 0 : -1;
  }
  if (kind === Kind.Language) {
    if (entry.value === provided.value) return 4;
    if (entry.type === provided.value) return 2; // 'en-us' in the header, 'en' offered
    if (entry.value === provided.type) return 1; // 'en' in the header, 'en-us' offered
    return entry.value === '*' ? 0 : -1;
  }
  let s = 0;
  if (entry.type === provided.type) s |= 4;
  else if (entry.type !== '*') return -1;
  if (entry.subtype === provided.subtype) s |= 2;
  else if (entry.subtype !== '*') return -1;
  if (entry.params !== undefined) {
    for (const name in entry.params) {
      const want = entry.params[name]!;
      const have = provided.params === undefined ? undefined : provided.params[name];
      if (want !== '*' && (have === undefined || have.toLowerCase() !== want.toLowerCase())) return -1;
    }
    s |= 1;
  }
  return s;
}

function compare(a: Priority, b: Priority): number {
  return b.q - a.q || b.s - a.s || a.o - b.o || a.i - b.i;
}

function negotiate(entries: Entry[], provided: readonly string[] | undefined, kind: Kind): string[] {
  if (provided === undefined) {
    const listed: Priority[] = [];
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.q > 0) listed.push({ i: k, o: e.index, q: e.q, s: 0 });
    }
    return listed.sort(compare).map((p) => entries[p.i]!.raw);
  }
  const ranked: Priority[] = [];
  for (let i = 0; i < provided.length; i++) {
    const offer = parseEntry(String(provided[i]), i, kind);
    if (offer === undefined) continue;
    let best: Priority = { i, o: -1, q: 0, s: 0 };
    for (const entry of entries) {
      const s = specify(kind, offer, entry);
      if (s !== -1 && (best.s - s || best.q - entry.q || best.o - entry.index) < 0) {
        best = { i, o: entry.index, q: entry.q, s };
      }
    }
    if (best.q > 0) ranked.push(best);
  }
  return ranked.sort(compare).map((p) => provided[p.i]!);
}

// --- the four headers ----------------------------------------------------------------------------

/** Media types from `provided` the Accept header allows, best first (all listed types if none given). */
export function preferredMediaTypes(accept: string | undefined, provided?: readonly string[]): string[] {
  return negotiate(parseHeader(accept ?? '*/*', Kind.Media), provided, Kind.Media);
}

/**
 * Content codings per Accept-Encoding. RFC 9110 §12.5.3: 'identity' is acceptable unless excluded
 * ('identity;q=0' or '*;q=0'); negotiator gives it the lowest quality listed. No header at all
 * leaves only 'identity', as negotiator does.
 */
export function preferredEncodings(acceptEncoding: string | undefined, provided?: readonly string[]): string[] {
  const entries = parseHeader(acceptEncoding ?? '', Kind.Token);
  let hasIdentity = false;
  let minQuality = 1;
  for (const e of entries) {
    if (e.value === 'identity' || e.value === '*') hasIdentity = true;
    if (e.q > 0 && e.q < minQuality) minQuality = e.q;
  }
  if (!hasIdentity) {
    entries.push({ value: 'identity', raw: 'identity', type: 'identity', subtype: '', params: undefined, q: minQuality, index: entries.length });
  }
  return negotiate(entries, provided, Kind.Token);
}

/** Charsets per Accept-Charset (none given: anything). */
export function preferredCharsets(acceptCharset: string | undefined, provided?: readonly string[]): string[] {
  return negotiate(parseHeader(acceptCharset ?? '*', Kind.Token), provided, Kind.Token);
}

/** Language tags per Accept-Language (RFC 4647 prefix matching as negotiator does it). */
export function preferredLanguages(acceptLanguage: string | undefined, provided?: readonly string[]): string[] {
  return negotiate(parseHeader(acceptLanguage ?? '*', Kind.Language), provided, Kind.Language);
}
