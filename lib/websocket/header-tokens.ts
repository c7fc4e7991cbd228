// Hand-written, linear parsers for the token lists of the opening handshake: Connection, Upgrade,
// Sec-WebSocket-Protocol (RFC 6455 §4.1, §11.3.4) and Sec-WebSocket-Extensions (§9.1). No regular
// expressions (CVE-2021-32640, CVE-2020-7662) and null-prototype maps keyed by what the client
// sent (ws 3.3.1: `__proto__` as an extension name).

// RFC 9110 §5.6.2:
//   token = 1*tchar
//   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
//           / DIGIT / ALPHA
const TCHAR = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;
for (const ch of "!#$%&'*+-.^_`|~") TCHAR[ch.charCodeAt(0)] = 1;

function isTchar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

/** Whether `value` is a non-empty RFC 9110 token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isTchar(value.charCodeAt(i))) return false;
  return true;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09; // RFC 9110 §5.6.3: OWS = *( SP / HTAB )
}

/** Most list elements accepted in one header: far above any real offer. */
const MAX_ELEMENTS = 128;

/**
 * Parses `#token` (RFC 9110 §5.6.1: "element *( OWS "," OWS element )", empty elements allowed).
 * Returns the tokens in order, or null when the value is not such a list.
 */
export function parseTokenList(value: string): string[] | null {
  const tokens: string[] = [];
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (isOws(c) || c === 0x2c) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isTchar(value.charCodeAt(i))) i++;
    if (i === start) return null;
    if (tokens.push(value.slice(start, i)) > MAX_ELEMENTS) return null;
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i < n && value.charCodeAt(i) !== 0x2c) return null;
  }
  return tokens;
}

/** Whether the token list `value` contains `token` (ASCII case-insensitive, `token` lowercase). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  const tokens = parseTokenList(value);
  if (tokens === null) return false;
  for (const t of tokens) if (t.length === token.length && t.toLowerCase() === token) return true;
  return false;
}

/** Parameters of one extension offer: null-prototype, `true` for a parameter without a value. */
export type ExtensionParams = Record<string, string | true>;
/** Extension offers by name, in the order offered: a null-prototype object. */
export type ExtensionOffers = Record<string, ExtensionParams[]>;

/**
 * Parses Sec-WebSocket-Extensions, RFC 6455 §9.1:
 *   extension-list = 1#extension
 *   extension = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *     ;When using the quoted-string syntax variant, the value after quoted-string unescaping
 *     ;MUST conform to the 'token' ABNF.
 * One pass, each character looked at once. Returns null when malformed.
 */
export function parseExtensions(value: string): ExtensionOffers | null {
  const offers: ExtensionOffers = Object.create(null) as ExtensionOffers;
  const n = value.length;
  let count = 0;
  let i = 0;
  const skipOws = (): void => {
    while (i < n && isOws(value.charCodeAt(i))) i++;
  };
  const readToken = (): string | null => {
    const start = i;
    while (i < n && isTchar(value.charCodeAt(i))) i++;
    return i === start ? null : value.slice(start, i);
  };
  while (i < n) {
    const c = value.charCodeAt(i);
    if (isOws(c) || c === 0x2c) {
      i++;
      continue;
    }
    const name = readToken();
    if (name === null || ++count > MAX_ELEMENTS) return null;
    const params: ExtensionParams = Object.create(null) as ExtensionParams;
    skipOws();
    while (i < n && value.charCodeAt(i) === 0x3b /* ; */) {
      i++;
      skipOws();
      const param = readToken();
      if (param === null) return null;
      skipOws();
      let paramValue: string | true = true;
      if (i < n && value.charCodeAt(i) === 0x3d /* = */) {
        i++;
        skipOws();
        if (i < n && value.charCodeAt(i) === 0x22 /* " */) {
          // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, unescaped to a token.
          i++;
          let unescaped = '';
          for (;;) {
            if (i >= n) return null;
            let q = value.charCodeAt(i++);
            if (q === 0x22) break;
            if (q === 0x5c /* \ */) {
              if (i >= n) return null;
              q = value.charCodeAt(i++);
            }
            if (!isTchar(q)) return null;
            unescaped += String.fromCharCode(q);
          }
          if (unescaped.length === 0) return null;
          paramValue = unescaped;
        } else {
          const token = readToken();
          if (token === null) return null;
          paramValue = token;
        }
        skipOws();
      }
      params[param] = paramValue;
    }
    if (i < n && value.charCodeAt(i) !== 0x2c) return null;
    const list = offers[name];
    if (list === undefined) offers[name] = [params];
    else list.push(params);
  }
  return offers;
}
