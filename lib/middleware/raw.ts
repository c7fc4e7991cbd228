// raw(): reads application/octet-stream bodies (or any type you name) into req.body as a Buffer.

import { Buffer } from 'node:buffer';
import {
  COMMON_OPTIONS,
  createBodyParser,
  resolveBodyOptions,
  type BodyParserMiddleware,
  type BodyParserOptions,
} from './body-parser.js';

export type RawOptions = BodyParserOptions;

/** Creates a middleware that reads bodies as Buffers. Invalid options throw a TypeError now. */
export function raw(options?: RawOptions): BodyParserMiddleware {
  const resolved = resolveBodyOptions(options, 'application/octet-stream', COMMON_OPTIONS);
  return createBodyParser(resolved, (buf) => buf);
}
