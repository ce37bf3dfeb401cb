import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { LocalKeyPasswordSealer } from '#shared/adapters/password-sealers';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { EXPORT_PART, NO_FILTERS } from '#shared/domain/org-exports';
import type { Clock } from '#shared/domain/ports';
import { exportDedupeKey, type ReportRequest, shardPartKey } from '#shared/domain/report-request';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { assembleBatch, planExhaust, writeShard } from '#shared/usecases/workflow-steps';
import { ACADEMY, learnerDemoRecords } from '../../infra/local/learner-demo-data.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { download, openZip } from '../support/local-service.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let learners: SnapshotLearnerRecords;
let requests: DynamoRequestsRepository;
let store: S3ReportStore;
const sealer = new LocalKeyPasswordSealer('33'.repeat(32));
const clock: Clock = { now: () => new Date('2026-07-01T00:00:00Z') };

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  learners = new SnapshotLearnerRecords(emulators.tables.records, emulators.db);
  requests = new DynamoRequestsRepository(emulators.tables.requests, emulators.db);
  store = new S3ReportStore(emulators.bucket, emulators.s3);
  await ingestRecords(learnerDemoRecords(clock.now()), { records, learners });
}, 120_000);
afterAll(async () => emulators?.stop());

async function newExport(id: string, type: ReportRequest['type']): Promise<ReportRequest> {
  const at = clock.now().toISOString();
  const request: ReportRequest = {
    id,
    org: ACADEMY.org,
    type,
    batchIds: [EXPORT_PART],
    requestedBy: ACADEMY.owner,
    status: 'SUBMITTED',
    dedupeKey: exportDedupeKey(ACADEMY.org, type, id, NO_FILTERS),
    createdAt: at,
    updatedAt: at,
    batches: {},
    sealedPassword: await sealer.seal('Shard2026x', id),
    export: NO_FILTERS,
  };
  await requests.create(request);
  return request;
}

async function decryptedFile(requestId: string): Promise<string> {
  const file = (await requests.get(requestId))?.batches[EXPORT_PART]?.file;
  if (!file) throw new Error('no file');
  const { bytes } = await download(await store.downloadLink(file.key, 'x.zip', 60));
  return (await openZip(bytes, 'Shard2026x')).text;
}

describe('org exports split into user shards', () => {
  it.each(['general-stats', 'user-statistics'] as const)(
    'gives a %s file equal, byte for byte after decryption, to the unsharded one, and cleans up its parts',
    async (type) => {
      const deps = { records, requests, store, sealer, clock, learners };
      const whole = await newExport(`whole-${type}`, type);
      const wholePlan = await planExhaust({ requestId: whole.id }, { ...deps, learnersPerShard: 100_000 });
      expect(wholePlan.batches).toEqual([{ requestId: whole.id, batchId: EXPORT_PART, sharded: false, shards: [] }]);
      await assembleBatch({ requestId: whole.id, batchId: EXPORT_PART }, deps);

      const sharded = await newExport(`sharded-${type}`, type);
      const plan = await planExhaust({ requestId: sharded.id }, { ...deps, learnersPerShard: 3 });
      const part = plan.batches[0];
      expect(part?.sharded).toBe(true);
      expect(part?.shards.length).toBeGreaterThanOrEqual(4);
      // The execution input and history carry ids and counts only.
      expect(JSON.stringify(plan)).not.toMatch(/@|Sharma|learner-/);
      const parts = await Promise.all([...(part?.shards ?? [])].reverse().map((shard) => writeShard(shard, deps)));
      const result = await assembleBatch({ requestId: sharded.id, batchId: EXPORT_PART, parts }, deps);

      const expected = await decryptedFile(whole.id);
      const actual = await decryptedFile(sharded.id);
      expect(Buffer.from(actual)).toEqual(Buffer.from(expected));
      // Every current user of the org, one row each.
      const users = learnerDemoRecords(clock.now()).filter((r) => r.kind === 'user' && r.deletedAt === undefined);
      expect(result.rows).toBe(users.length);
      expect(actual.split('\r\n').filter(Boolean).length).toBe(users.length + 1);

      const leftovers = await Promise.allSettled(parts.map((p) => store.openRead(shardPartKey(sharded, EXPORT_PART, p.shard))));
      expect(leftovers.every((outcome) => outcome.status === 'rejected')).toBe(true);
    },
    120_000,
  );
});
