import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { LocalKeyPasswordSealer } from '#shared/adapters/password-sealers';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import type { Clock } from '#shared/domain/ports';
import { LearningRecordSchema } from '#shared/domain/records';
import { type ReportRequest, shardPartKey } from '#shared/domain/report-request';
import { assembleBatch, planExhaust, writeShard } from '#shared/usecases/workflow-steps';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { demoRequest } from '../support/demo-request.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { download, openZip } from '../support/local-service.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let requests: DynamoRequestsRepository;
let store: S3ReportStore;
const sealer = new LocalKeyPasswordSealer('22'.repeat(32));
const clock: Clock = { now: () => new Date('2026-07-01T00:00:00Z') };

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  requests = new DynamoRequestsRepository(emulators.tables.requests, emulators.db);
  store = new S3ReportStore(emulators.bucket, emulators.s3);
  await records.putRecords(demoRecords(600).map((r) => LearningRecordSchema.parse(r)));
  // Seeding through dynalite is slow on a shared, loaded machine.
}, 180_000);
afterAll(async () => emulators?.stop());

async function newRequest(id: string, type: ReportRequest['type']): Promise<ReportRequest> {
  const request = demoRequest(id, type, clock.now(), {
    sealedPassword: await sealer.seal('Shard2026x', id),
    // Every seeded session: the window a stored request carries is not the submit rules' business.
    ...(type === 'user-activity' ? { window: { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' } } : {}),
  });
  await requests.create(request);
  return request;
}

async function decryptedFile(requestId: string): Promise<string> {
  const file = (await requests.get(requestId))?.batches[DEMO.batches.live]?.file;
  if (!file) throw new Error('no file');
  const { bytes } = await download(await store.downloadLink(file.key, 'x.zip', 60));
  return (await openZip(bytes, 'Shard2026x')).text;
}

describe('huge batches split into shards', () => {
  it.each(['course-progress', 'question-set', 'user-activity'] as const)(
    'gives a %s file equal, byte for byte after decryption, to the unsharded one, and cleans up its parts',
    async (type) => {
      const whole = await newRequest(`whole-${type}`, type);
      const wholePlan = await planExhaust({ requestId: whole.id }, { requests, records, clock, learnersPerShard: 100_000 });
      expect(wholePlan.batches[0]).toMatchObject({ sharded: false, shards: [] });
      await assembleBatch({ requestId: whole.id, batchId: DEMO.batches.live }, { records, requests, store, sealer, clock });

      const sharded = await newRequest(`sharded-${type}`, type);
      const plan = await planExhaust({ requestId: sharded.id }, { requests, records, clock, learnersPerShard: 120 });
      const batch = plan.batches[0];
      expect(batch?.sharded).toBe(true);
      expect(batch?.shards.length).toBeGreaterThanOrEqual(3);
      // Shards run in parallel on AWS; here they even finish in reverse order.
      const parts = await Promise.all(
        [...(batch?.shards ?? [])].reverse().map((shard) => writeShard(shard, { records, requests, store, clock })),
      );
      const result = await assembleBatch(
        { requestId: sharded.id, batchId: DEMO.batches.live, parts },
        { records, requests, store, sealer, clock },
      );

      const expected = await decryptedFile(whole.id);
      const actual = await decryptedFile(sharded.id);
      expect(Buffer.from(actual)).toEqual(Buffer.from(expected));
      expect(actual.split('\r\n').filter(Boolean).length).toBe((result.rows ?? 0) + 1);
      expect(result.rows).toBeGreaterThan(500);
      if (type === 'user-activity') {
        // One row per session (the sessions were read, in every shard), one for a learner without any.
        const seeded = demoRecords(600) as { kind: string; batchId: string; userId: string }[];
        const inLive = (kind: string) => seeded.filter((r) => r.kind === kind && r.batchId === DEMO.batches.live);
        const withSessions = new Set(inLive('session').map((r) => r.userId));
        const learners = inLive('enrolment').filter((r) => (r as { courseId?: string }).courseId === DEMO.courseId);
        expect(result.rows).toBe(inLive('session').length + learners.filter((r) => !withSessions.has(r.userId)).length);
      }

      const leftovers = await Promise.allSettled(
        parts.map((part) => store.openRead(shardPartKey(sharded, DEMO.batches.live, part.shard))),
      );
      expect(leftovers.every((outcome) => outcome.status === 'rejected')).toBe(true);
    },
    180_000,
  );
});
