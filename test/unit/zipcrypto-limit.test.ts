import { describe, expect, it } from 'vitest';
import { ExhaustFailedError } from '#shared/domain/errors';
import type { RecordsRepository, RequestsRepository } from '#shared/domain/ports';
import type { ReportRequest } from '#shared/domain/report-request';
import { streamExhaustZip } from '#shared/report-files/write-exhaust';
import { planExhaust } from '#shared/usecases/workflow-steps';
import { batch, course } from '../support/fixtures.ts';

const now = new Date('2026-07-01T00:00:00Z');
const request = (encryption: ReportRequest['encryption']): ReportRequest => ({
  id: 'r1',
  org: 'org-1',
  type: 'course-progress',
  courseId: 'course-1',
  batchIds: ['batch-1'],
  requestedBy: 'creator-1',
  status: 'SUBMITTED',
  dedupeKey: 'k',
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  batches: {},
  sealedPassword: 'sealed',
  encryption,
});

/** Ports that answer what Plan asks: a batch of `learners` enrolments (an error-path unit, no AWS). */
function deps(stored: ReportRequest, learners: number) {
  const requests = { get: async () => stored, markProcessing: async () => stored } as unknown as RequestsRepository;
  const records = {
    getCourse: async () => course,
    getBatch: async () => batch,
    countEnrolments: async () => learners / 16,
  } as unknown as RecordsRepository;
  return { requests, records, clock: { now: () => now }, learnersPerShard: 100_000 };
}

describe('ZipCrypto and the 4 GiB it cannot pass', () => {
  it('is refused by Plan, before anything is written, for a batch whose CSV would pass 4 GiB', async () => {
    const error = await planExhaust({ requestId: 'r1' }, deps(request('zipcrypto'), 16_000_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExhaustFailedError);
    expect((error as Error).message).toMatch(/Batch batch-1 is too large for ZipCrypto .*ask for AES-256/);
  });

  it('lets AES-256 (no limit) and smaller ZipCrypto batches through', async () => {
    await expect(planExhaust({ requestId: 'r1' }, deps(request('aes256'), 16_000_000))).resolves.toMatchObject({
      requestId: 'r1',
    });
    await expect(planExhaust({ requestId: 'r1' }, deps(request('zipcrypto'), 160_000))).resolves.toMatchObject({
      requestId: 'r1',
    });
  });

  it('stops the writer with a readable error if a file grows past its limit all the same', async () => {
    const { zip, stats } = streamExhaustZip({
      entryName: 'x.csv',
      header: ['A'],
      idColumns: new Set(),
      rowBatches: Array.from({ length: 50 }, () => Array.from({ length: 1000 }, (_, i) => [`row ${i} ${'x'.repeat(40)}`])),
      maxCsvBytes: 1024 * 1024,
    });
    const drained = (async () => {
      for await (const _chunk of zip);
    })();
    await expect(stats).rejects.toThrow('more than a ZipCrypto ZIP holds');
    await expect(drained).rejects.toThrow();
  });
});
