import { Transform, type TransformCallback } from 'node:stream';

/**
 * Re-chunks a stream of small pieces (one CSV line each) into ~64 KiB buffers. archiver and its
 * AES cipher cost per chunk, not per byte: feeding them one row at a time is several times slower.
 */
export function coalesce(targetBytes = 64 * 1024): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  const flushPending = (stream: Transform) => {
    if (size === 0) return;
    stream.push(pending.length === 1 ? pending[0] : Buffer.concat(pending, size));
    pending = [];
    size = 0;
  };
  return new Transform({
    transform(chunk: Buffer | string, _encoding, callback: TransformCallback) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      pending.push(buffer);
      size += buffer.length;
      if (size >= targetBytes) flushPending(this);
      callback();
    },
    flush(callback: TransformCallback) {
      flushPending(this);
      callback();
    },
  });
}
