// escapeHtml: makes text safe to place in HTML element content and quoted attribute values.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes & < > " ' — enough for element content and quoted attributes (OWASP rule #1/#2). */
export function escapeHtml(text: string): string {
  // Fast path: most strings need nothing, and testing is cheaper than replacing.
  if (!/[&<>"']/.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
