// escapeHtml: makes any text safe to place in HTML element content or a quoted attribute value
// (the five characters HTML gives meaning to: & < > " ').

/**
 * Escapes `&`, `<`, `>`, `"` and `'` as character references. Used for every piece of request data
 * Keel writes into an HTML page (redirect bodies, the default 404 and error pages).
 */
export function escapeHtml(text: string): string {
  // Fast path: most strings need no escaping; one scan and no allocation.
  let i = 0;
  const length = text.length;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27) break;
  }
  if (i === length) return text;
  let out = text.slice(0, i);
  let last = i;
  for (; i < length; i++) {
    let entity: string;
    switch (text.charCodeAt(i)) {
      case 0x26: entity = '&amp;'; break;
      case 0x3c: entity = '&lt;'; break;
      case 0x3e: entity = '&gt;'; break;
      case 0x22: entity = '&quot;'; break;
      case 0x27: entity = '&#39;'; break;
      default: continue;
    }
    if (last !== i) out += text.slice(last, i);
    out += entity;
    last = i + 1;
  }
  return last === length ? out : out + text.slice(last);
}
