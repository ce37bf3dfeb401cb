import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { type Emulators, startEmulators } from '../support/emulators.ts';

let emulators: Emulators;
let store: S3ReportStore;

beforeAll(async () => {
  emulators = await startEmulators();
  store = new S3ReportStore(emulators.bucket, emulators.s3);
});
afterAll(async () => emulators?.stop());

describe('local S3 (s3rver) with keys the file system cannot hold', () => {
  // s3rver writes each key as a file; a part over 255 bytes used to end the whole process
  // (an unhandled ENAMETOOLONG), leaving the request that wrote it PROCESSING for good.
  it.each([
    ['a single put', 1_000],
    ['a multipart upload', 6 * 1024 * 1024],
  ])('refuses them in %s with a KeyTooLongError the caller can catch', async (_, size) => {
    const key = `reports/${'x'.repeat(300)}.zip`;
    await expect(store.upload(key, Readable.from([Buffer.alloc(size)]), 'application/zip')).rejects.toMatchObject({
      name: 'KeyTooLongError',
    });
    // The emulator is still serving: a key it can hold goes through.
    await store.upload('reports/short.zip', Readable.from([Buffer.from('ok')]), 'application/zip');
  });
});
