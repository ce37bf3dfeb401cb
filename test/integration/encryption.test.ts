import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { LocalKeyPasswordSealer } from '#shared/adapters/password-sealers';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import type { Clock } from '#shared/domain/ports';
import { LearningRecordSchema } from '#shared/domain/records';
import type { ReportRequest } from '#shared/domain/report-request';
import type { ZipEncryption } from '#shared/domain/zip-encryption';
import { assembleBatch, planExhaust } from '#shared/usecases/workflow-steps';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { demoRequest } from '../support/demo-request.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { expectedCourseProgress, expectedQuestionSet, expectedUserProfile } from '../support/expected.ts';
import { download, openZip, readCsv, zipOpensWith } from '../support/local-service.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let requests: DynamoRequestsRepository;
let store: S3ReportStore;
const sealer = new LocalKeyPasswordSealer('33'.repeat(32));
const clock: Clock = { now: () => new Date('2026-07-01T00:00:00Z') };
const PASSWORD = 'Crypt2026x';
const LEARNERS = 120;
const seeded = demoRecords(LEARNERS);

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  requests = new DynamoRequestsRepository(emulators.tables.requests, emulators.db);
  store = new S3ReportStore(emulators.bucket, emulators.s3);
  await records.putRecords(seeded.map((r) => LearningRecordSchema.parse(r)));
  // Seeding through dynalite is slow on a shared, loaded machine.
}, 180_000);
afterAll(async () => emulators?.stop());

const expectedRows = {
  'course-progress': expectedCourseProgress,
  'user-profile': expectedUserProfile,
  'question-set': expectedQuestionSet,
} as const;

async function runReport(type: ReportRequest['type'], encryption: ZipEncryption): Promise<Buffer> {
  const id = `${type}-${encryption}`;
  await requests.create(demoRequest(id, type, clock.now(), { sealedPassword: await sealer.seal(PASSWORD, id), encryption }));
  await planExhaust({ requestId: id }, { requests, records, clock, learnersPerShard: 100_000 });
  await assembleBatch({ requestId: id, batchId: DEMO.batches.live }, { records, requests, store, sealer, clock });
  const file = (await requests.get(id))?.batches[DEMO.batches.live]?.file;
  if (!file) throw new Error('no file');
  return (await download(await store.downloadLink(file.key, 'x.zip', 60))).bytes;
}

describe('every report encrypted as the requester chose', () => {
  const cases = (['course-progress', 'user-profile', 'question-set'] as const).flatMap((type) =>
    (['aes256', 'zipcrypto'] as const).map((encryption) => [type, encryption] as const),
  );

  it.each(cases)('%s with %s: 7-Zip opens it with the password only, and the rows are right', async (type, encryption) => {
    const bytes = await runReport(type, encryption);

    expect(await zipOpensWith(bytes, 'Wrong2026x')).toBe(false);
    const opened = await openZip(bytes, PASSWORD);
    expect(opened.method).toMatch(encryption === 'aes256' ? /^AES-256 Deflate$/ : /^ZipCrypto Deflate$/);
    const { rows } = readCsv(opened.text);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expectedRows[type](seeded, DEMO.courseId, DEMO.batches.live));
  });
});
