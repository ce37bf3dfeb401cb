import { Readable } from 'node:stream';
import type { LargeResultStore } from './ports.ts';

/**
 * Lambda answers a synchronous invocation with at most 6 MB (6,291,456 bytes) of JSON: the body is
 * a string inside that JSON, so its quotes and backslashes count twice. We keep 64 KiB for status,
 * headers and the wrapping.
 */
export const LAMBDA_SYNC_RESPONSE_BYTES = 6 * 1024 * 1024;
export const RESPONSE_CAP_BYTES = LAMBDA_SYNC_RESPONSE_BYTES - 64 * 1024;

/** How long the link to a spilled result stays valid. */
export const RESULT_LINK_SECONDS = 15 * 60;

export type Delivery =
  | { kind: 'inline'; body: string }
  | { kind: 'redirect'; location: string; bytes: number; expiresInSeconds: number };

/** Bytes a chunk takes once escaped into the Lambda response's JSON string. */
const escapedBytes = (chunk: string) => Buffer.byteLength(JSON.stringify(chunk)) - 2;

/**
 * Answers inline while the body fits the cap; once it would not, stores the whole result (the chunks
 * held so far, then the rest, streamed) and answers with a short-lived link to it. Memory holds at
 * most one cap's worth of output, however large the course.
 */
export async function deliver(
  chunks: AsyncIterable<string>,
  options: { capBytes: number; store: LargeResultStore; key: string; contentType: string },
): Promise<Delivery> {
  const held: string[] = [];
  let size = 0;
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { kind: 'inline', body: held.join('') };
    held.push(next.value);
    size += escapedBytes(next.value);
    if (size > options.capBytes) break;
  }
  let bytes = 0;
  async function* whole(): AsyncIterable<Buffer> {
    for (const chunk of held.splice(0)) {
      const buffer = Buffer.from(chunk);
      bytes += buffer.length;
      yield buffer;
    }
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const buffer = Buffer.from(next.value);
      bytes += buffer.length;
      yield buffer;
    }
  }
  await options.store.save(options.key, Readable.from(whole(), { objectMode: false }), options.contentType);
  const location = await options.store.link(options.key, options.contentType, RESULT_LINK_SECONDS);
  return { kind: 'redirect', location, bytes, expiresInSeconds: RESULT_LINK_SECONDS };
}
