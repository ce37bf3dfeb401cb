import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { streamExhaustZip } from '#shared/report-files/write-exhaust';
import { sevenZip } from '../../infra/local/seven-zip.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { download, openZip, readCsv, zipOpensWith } from '../support/local-service.ts';

let emulators: Emulators;
let store: S3ReportStore;

beforeAll(async () => {
  emulators = await startEmulators();
  store = new S3ReportStore(emulators.bucket, emulators.s3);
});
afterAll(async () => emulators?.stop());

/** Extracts with 7-Zip, returning what it wrote and what it complained about instead of failing on any complaint. */
async function extractLeniently(bytes: Buffer, password: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'zip64-')), 'f.zip');
  writeFileSync(file, bytes);
  const settle = (args: string[]) =>
    sevenZip(args).catch((error: { stdout?: Buffer; stderr?: Buffer; code?: number }) => {
      if (error.code !== 2 || !error.stdout) throw error;
      return { stdout: error.stdout, stderr: error.stderr ?? Buffer.alloc(0) };
    });
  const listed = await settle(['l', '-slt', `-p${password}`, file]);
  const extracted = await settle(['x', '-so', `-p${password}`, file]);
  const listing = listed.stdout.toString('utf8');
  return {
    listing,
    version: /7-Zip (?:\(a\) )?\[64\] ([0-9.]+)|7-Zip (?:\(a\) )?([0-9.]+)/.exec(listing)?.slice(1).find(Boolean) ?? '',
    text: extracted.stdout.toString('utf8'),
    complaints: [...`${listing}\n${extracted.stderr.toString('utf8')}`.matchAll(/^ERRORS:\n(.+)$/gm)].map((m) =>
      (m[1] ?? '').trim(),
    ),
  };
}

/** Incompressible but recomputable noise, so the ZIP is large enough for a multipart upload. */
const noise = (i: number) =>
  ['a', 'b', 'c']
    .map((salt) =>
      createHash('sha256')
        .update(`${salt}${i}`)
        .digest('base64')
        .replace(/[^A-Za-z0-9]/g, ''),
    )
    .join('');

function rowBatches(count: number): (string | number)[][][] {
  const batches = [];
  for (let start = 0; start < count; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1000); i += 1)
      batch.push([`user-${i}`, noise(i), i, i % 7 === 0 ? '=2+2' : 'Ünïcödé, "quoted"']);
    batches.push(batch);
  }
  return batches;
}

describe('exhaust writer streaming into S3 (s3rver)', () => {
  it('uploads a multipart encrypted ZIP whose bytes match what was written, and opens with the password', async () => {
    const count = 90_000;
    const { zip, stats } = streamExhaustZip({
      entryName: 'big.csv',
      header: ['User UUID', 'Noise', 'N', 'Text'],
      idColumns: new Set([0]),
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
  }, 180_000);

  it('writes ZipCrypto on request, which 7-Zip opens with the password and refuses with a wrong one', async () => {
    const { zip, stats } = streamExhaustZip({
      entryName: 'zipcrypto.csv',
      header: ['User UUID', 'Name'],
      idColumns: new Set([0]),
      rowBatches: [[['0138412345678901234567', 'Asha\nRao']], [['u-2', '=cmd']]],
      password: 'Secret123',
      encryption: 'zipcrypto',
    });
    await store.upload('reports/org/req/zipcrypto.zip', zip, 'application/zip');
    expect((await stats).rows).toBe(2);
    const { bytes } = await download(await store.downloadLink('reports/org/req/zipcrypto.zip', 'z.zip', 60));
    expect(await zipOpensWith(bytes, 'Wrong123')).toBe(false);
    const opened = await openZip(bytes, 'Secret123');
    expect(opened.method).toMatch(/^ZipCrypto/);
    expect(readCsv(opened.text).rows).toEqual([
      ['="0138412345678901234567"', 'Asha\nRao'],
      ['u-2', "'=cmd"],
    ]);
  });

  it.each(['aes256', 'zipcrypto'] as const)(
    'writes Zip64 records (forced on a small file) that 7-Zip opens: %s',
    async (encryption) => {
      const { zip, stats } = streamExhaustZip({
        entryName: 'zip64.csv',
        header: ['A', 'B'],
        idColumns: new Set(),
        rowBatches: rowBatches(2000).map((batch) => batch.map((row) => [row[0] as string, row[1] as string])),
        password: 'Secret123',
        encryption,
        forceZip64: true,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of zip) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      await stats;
      // The Zip64 end of central directory record and its locator are there.
      expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
      expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true);

      const opened = await extractLeniently(bytes, 'Secret123');
      expect(opened.listing).toMatch(/^64-bit = \+$/m);
      expect(opened.listing).toMatch(encryption === 'aes256' ? /^Method = AES-256 Deflate$/m : /^Method = ZipCrypto Deflate$/m);
      // 7-Zip 16.02 (the packaged 7za) flags Zip64 records on a file too small to need them as a
      // "Headers Error" while extracting and checking every byte; 7-Zip 26 opens it clean, and a real
      // > 4 GiB entry opens clean in both (scripts/zip64-probe.ts). Nothing else may go wrong.
      expect(opened.complaints.filter((c) => !(c === 'Headers Error' && opened.version === '16.02'))).toEqual([]);
      const { rows } = readCsv(opened.text);
      expect(rows).toHaveLength(2000);
      expect(rows[1999]).toEqual(['user-1999', noise(1999)]);
      expect(await zipOpensWith(bytes, 'Wrong123')).toBe(false);
    },
  );

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

  it('signs links that work until they expire, and are refused after', async () => {
    const { zip, stats } = streamExhaustZip({ entryName: 'e.csv', header: ['A'], idColumns: new Set(), rowBatches: [[['x']]] });
    await store.upload('reports/org/req/e.zip', zip, 'application/zip');
    await stats;
    // Signed two minutes ago for one minute: expired now, with no wait on the clock.
    const twoMinutesAgo = { now: () => new Date(Date.now() - 120_000) };
    const signedEarlier = new S3ReportStore(emulators.bucket, emulators.s3, twoMinutesAgo);
    expect((await fetch(await signedEarlier.downloadLink('reports/org/req/e.zip', 'e.zip', 60))).status).toBe(403);
    expect((await fetch(await signedEarlier.downloadLink('reports/org/req/e.zip', 'e.zip', 300))).status).toBe(200);
  });
});
