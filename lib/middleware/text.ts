// text(): reads text/plain bodies (or any type you name) into req.body as a string, decoded with
// the request's charset (RFC 9110 §8.3.2) or `defaultCharset`.

import { describe } from '../http/describe.js';
import {
  COMMON_OPTIONS,
  createBodyParser,
  decodeText,
  isKnownCharset,
  resolveBodyOptions,
  type BodyParserMiddleware,
  type BodyParserOptions,
} from './body-parser.js';

export interface TextOptions extends BodyParserOptions {
  /** Charset when the request names none (default 'utf-8'). */
  defaultCharset?: string;
}

/** Creates a middleware that reads text bodies. Invalid options throw a TypeError now. */
export function text(options?: TextOptions): BodyParserMiddleware {
  const resolved = resolveBodyOptions(options, 'text/plain', [...COMMON_OPTIONS, 'defaultCharset']);
  const defaultCharset = options?.defaultCharset ?? 'utf-8';
  if (typeof defaultCharset !== 'string' || !isKnownCharset(defaultCharset)) {
    throw new TypeError(`option defaultCharset must be a known charset, got ${describe(defaultCharset)}`);
  }
  const fallback = defaultCharset.toLowerCase();
  return createBodyParser(resolved, (buf, charset) => decodeText(buf, charset ?? fallback));
}
