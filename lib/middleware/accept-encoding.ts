// Content negotiation on Accept-Encoding, RFC 9110 §12.5.3 and §12.4.2 (quality values):
//   Accept-Encoding = #( codings [ weight ] ) ; weight = OWS ";" OWS "q=" qvalue
//   qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
// Hand-parsed with indexOf; an entry whose weight does not parse is ignored.

/** Parses a qvalue; returns -1 when it is not one. */
export function parseQuality(s: string): number {
  if (s.length === 0 || s.length > 5) return -1;
  const c0 = s.charCodeAt(0);
  if (c0 !== 48 && c0 !== 49) return -1;
  if (s.length === 1) return c0 - 48;
  if (s.charCodeAt(1) !== 46 /* . */) return -1;
  let value = c0 - 48;
  let scale = 0.1;
  for (let i = 2; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value += d * scale;
    scale /= 10;
  }
  return value > 1 ? -1 : value;
}

/**
 * Picks the best of `available` (in server preference order) for an Accept-Encoding header, or
 * 'identity'. RFC 9110 §12.5.3: '*' matches any coding not listed; q=0 means "not acceptable".
 */
export function negotiateEncoding(header: string | undefined, available: readonly string[]): string {
  if (header === undefined) return 'identity';
  const q = new Map<string, number>();
  let start = 0;
  // Bounded: node limits header size; each step moves past one comma.
  while (start < header.length) {
    let end = header.indexOf(',', start);
    if (end === -1) end = header.length;
    const entry = header.slice(start, end);
    start = end + 1;
    const semi = entry.indexOf(';');
    const name = (semi === -1 ? entry : entry.slice(0, semi)).trim().toLowerCase();
    if (name.length === 0) continue;
    let quality = 1;
    if (semi !== -1) {
      const param = entry.slice(semi + 1).trim();
      if (param.length < 2 || (param.charCodeAt(0) | 0x20) !== 113 /* q */ || param.charCodeAt(1) !== 61 /* = */) continue;
      quality = parseQuality(param.slice(2).trim());
      if (quality === -1) continue;
    }
    const key = name === 'x-gzip' ? 'gzip' : name;
    if (!q.has(key)) q.set(key, quality);
  }
  const any = q.get('*');
  let best = 'identity';
  let bestQ = 0;
  for (const coding of available) {
    const value = q.get(coding) ?? any ?? 0;
    if (value > bestQ) {
      best = coding;
      bestQ = value;
    }
  }
  return best;
}
