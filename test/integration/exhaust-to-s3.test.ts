import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { streamExhaustZip } from '#shared/exhaust/write-exhaust';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { download, openZip, readCsv, zipOpensWith } from '../support/local-service.ts';

let emulators: Emulators;
let store: S3ReportStore;

beforeAll(async () => {
  emulators = await startEmulators();
  store = new S3ReportStore(emulators.bucket, emulators.s3);
});
afterAll(async () => emulators?.stop());

/** Incompressible but recomputable noise, so the ZIP is large enough for a multipart upload. */
const noise = (i: number) => ['a', 'b', 'c'].map((salt) => createHash('sha256').update(`${salt}${i}`).digest('hex')).join('');

async function* rowBatches(count: number) {
  for (let start = 0; start < count; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1000); i += 1)
      batch.push([`user-${i}`, noise(i), i, i % 7 === 0 ? '=2+2' : 'Ünïcödé, "quoted"']);
    yield batch;
  }
}

describe('exhaust writer streaming into S3 (s3rver)', () => {
  it('uploads a multipart encrypted ZIP whose bytes match what was written, and opens with the password', async () => {
    const count = 120_000;
    const { zip, stats } = streamExhaustZip({
      entryName: 'big.csv',
      header: ['User UUID', 'Noise', 'N', 'Text'],
      idColumns: new Set(['User UUID']),
      rowBatches: rowBatches(count),
      password: 'Secret123',
    });
    await store.upload('reports/org/req/big.zip', zip, 'application/zip');
    const written = await stats;
    expect(written.rows).toBe(count);
    expect(written.bytes).toBeGreaterThan(8 * 1024 * 1024);

    const { bytes } = await download(await store.downloadLink('reports/org/req/big.zip', 'big.zip', 60));
    expect(bytes.length).toBe(written.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(written.sha256);
    expect(await zipOpensWith(bytes, 'Wrong123')).toBe(false);
    const { header, rows: parsed } = readCsv((await openZip(bytes, 'Secret123')).text);
    expect(header).toEqual(['User UUID', 'Noise', 'N', 'Text']);
    expect(parsed).toHaveLength(count);
    expect(parsed[7]).toEqual(['user-7', noise(7), '7', "'=2+2"]);
    expect(parsed[count - 1]?.[0]).toBe(`user-${count - 1}`);
  });

  it('writes a plain ZIP without a password', async () => {
    const { zip, stats } = streamExhaustZip({
      entryName: 'small.csv',
      header: ['A'],
      idColumns: new Set(),
      rowBatches: [[['x'], ['y']]],
    });
    await store.upload('reports/org/req/small.zip', zip, 'application/zip');
    await stats;
    const { bytes } = await download(await store.downloadLink('reports/org/req/small.zip', 'small.zip', 60));
    expect(readCsv((await openZip(bytes)).text).rows).toEqual([['x'], ['y']]);
  });

  it('fails the upload, rather than storing a truncated file, when the row source breaks', async () => {
    async function* broken() {
      yield [['one']];
      throw new Error('DynamoDB went away');
    }
    const { zip, stats } = streamExhaustZip({ entryName: 'x.csv', header: ['A'], idColumns: new Set(), rowBatches: broken() });
    const outcome = await Promise.allSettled([store.upload('reports/org/req/broken.zip', zip, 'application/zip'), stats]);
    expect(outcome.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    const link = await store.downloadLink('reports/org/req/broken.zip', 'x.zip', 60);
    expect((await fetch(link)).status).toBe(404);
  });

  it('signs links that expire', async () => {
    const { zip, stats } = streamExhaustZip({ entryName: 'e.csv', header: ['A'], idColumns: new Set(), rowBatches: [[['x']]] });
    await store.upload('reports/org/req/e.zip', zip, 'application/zip');
    await stats;
    const link = await store.downloadLink('reports/org/req/e.zip', 'e.zip', 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(link)).status).toBe(403);
  });
});
