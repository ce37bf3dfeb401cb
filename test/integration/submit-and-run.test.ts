import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { LocalKeyPasswordSealer } from '#shared/adapters/password-sealers';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { DuplicateRequestError } from '#shared/domain/errors';
import type { Clock, WorkflowStarter } from '#shared/domain/ports';
import { LearningRecordSchema } from '#shared/domain/records';
import { dedupeKey, START_GRACE_MS } from '#shared/domain/report-request';
import { submitReport } from '#shared/usecases/submit-report';
import {
  assembleBatch,
  endAbandonedExecution,
  finalizeExhaust,
  markExhaustFailed,
  planExhaust,
} from '#shared/usecases/workflow-steps';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { batch, course } from '../support/fixtures.ts';
import { download, openZip, readCsv } from '../support/local-service.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let requests: DynamoRequestsRepository;
let store: S3ReportStore;
const sealer = new LocalKeyPasswordSealer('11'.repeat(32));
let now = new Date('2026-06-01T09:00:00Z');
const clock: Clock = { now: () => now };
/** Moves the clock on, so each request has its own creation time. */
const tick = (ms = 1000) => {
  now = new Date(now.getTime() + ms);
};
const started: string[] = [];
const workflow: WorkflowStarter = {
  start: async (id) => {
    started.push(id);
    return `arn:local:execution:${id}`;
  },
};
const actor = { userId: 'creator-1', org: 'org-1' };
const input = { type: 'course-progress' as const, courseId: 'course-1', batchIds: ['batch-1'] };

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  requests = new DynamoRequestsRepository(emulators.tables.requests, emulators.db);
  store = new S3ReportStore(emulators.bucket, emulators.s3);
  await records.putRecords(
    [
      course,
      batch,
      { kind: 'user', org: 'org-1', userId: 'u1', name: 'A', state: 'Goa' },
      {
        kind: 'enrolment',
        courseId: 'course-1',
        batchId: 'batch-1',
        userId: 'u1',
        enrolledAt: '2026-01-02T00:00:00Z',
        completedContentIds: ['c1'],
      },
      {
        kind: 'attempt',
        courseId: 'course-1',
        batchId: 'batch-1',
        userId: 'u1',
        assessmentId: 'a1',
        attemptId: 't1',
        attemptedAt: '2026-01-03T00:00:00Z',
        score: 5,
      },
    ].map((r) => LearningRecordSchema.parse(r)),
  );
});
afterAll(async () => emulators?.stop());

const deps = () => ({ records, requests, workflow, sealer, clock });

describe('use case: request report, then the workflow steps, on real tables and bucket', () => {
  it('runs submit → plan → assemble → finalize into an encrypted file, then frees the lock', async () => {
    const request = await submitReport({ ...input, password: 'Secret123' }, actor, deps());
    expect(started).toContain(request.id);
    const stored = await requests.get(request.id);
    expect(stored?.sealedPassword).toMatch(/^local:/);
    expect(stored?.sealedPassword).not.toContain('Secret123');
    await expect(submitReport({ ...input, password: 'Secret123' }, actor, deps())).rejects.toThrow(DuplicateRequestError);

    const plan = await planExhaust({ requestId: request.id }, { requests, records, clock, learnersPerShard: 100_000 });
    expect(plan.batches).toEqual([{ requestId: request.id, batchId: 'batch-1', sharded: false, shards: [] }]);
    const result = await assembleBatch(
      { requestId: request.id, batchId: 'batch-1' },
      { records, requests, store, sealer, clock },
    );
    expect(result).toEqual({ batchId: 'batch-1', rows: 1 });
    expect(await finalizeExhaust({ requestId: request.id, results: [result] }, { requests, clock })).toEqual({
      requestId: request.id,
      status: 'SUCCESS',
    });

    const done = await requests.get(request.id);
    expect(done?.status).toBe('SUCCESS');
    expect(done?.sealedPassword).toBeUndefined();
    const file = done?.batches['batch-1']?.file;
    const { bytes } = await download(await store.downloadLink(file?.key ?? '', 'x.zip', 60));
    const { rows } = readCsv((await openZip(bytes, 'Secret123')).text);
    expect(rows[0]?.slice(4, 6)).toEqual(['u1', 'Goa']);
    // Lock freed: the same request may be made again.
    tick();
    const again = await submitReport(input, actor, deps());
    await markExhaustFailed({ requestId: again.id, error: { Error: 'States.Timeout' } }, { requests, clock });
    expect(await requests.get(again.id)).toMatchObject({ status: 'FAILED', error: 'Report generation timed out' });
  });

  it('user-activity: resolves the window at request time, dedupes on the window as asked, and writes it into the file', async () => {
    const activity = { type: 'user-activity' as const, courseId: 'course-1', batchIds: ['batch-1'], password: 'Secret123' };
    const lastMonth = await submitReport(activity, actor, deps());
    // `to` is the request time, `from` the same instant a calendar month before.
    const monthBefore = new Date(now);
    monthBefore.setUTCMonth(now.getUTCMonth() - 1);
    expect((await requests.get(lastMonth.id))?.window).toEqual({ from: monthBefore.toISOString(), to: now.toISOString() });
    tick();
    // The same request a second later is the same request: its defaulted bounds are not part of the key.
    await expect(submitReport(activity, actor, deps())).rejects.toThrow(DuplicateRequestError);
    // Another window is another request; the same instants written in another zone are the same one.
    const january = await submitReport({ ...activity, from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' }, actor, deps());
    await expect(
      submitReport({ ...activity, from: '2026-01-01T05:30:00+05:30', to: '2026-01-31T00:00:00.000Z' }, actor, deps()),
    ).rejects.toThrow(DuplicateRequestError);

    await planExhaust({ requestId: january.id }, { requests, records, clock, learnersPerShard: 100_000 });
    const result = await assembleBatch(
      { requestId: january.id, batchId: 'batch-1' },
      { records, requests, store, sealer, clock },
    );
    expect(result).toEqual({ batchId: 'batch-1', rows: 1 });
    const file = (await requests.get(january.id))?.batches['batch-1']?.file;
    const { bytes } = await download(await store.downloadLink(file?.key ?? '', 'x.zip', 60));
    const { header, rows } = readCsv((await openZip(bytes, 'Secret123')).text);
    const at = (name: string) => rows[0]?.[header.indexOf(name)];
    expect([at('from'), at('to'), at('session_start_time')]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
      '',
    ]);
    for (const id of [lastMonth.id, january.id]) await markExhaustFailed({ requestId: id }, { requests, clock });
  });

  it('holds a fresh lock whose request is still being written, and frees it once that is overdue (a crash)', async () => {
    tick();
    const key = dedupeKey('org-1', 'course-progress', 'course-1', ['batch-1'], actor.userId);
    const takenAt = now.toISOString();
    await requests.acquireLock(
      { dedupeKey: key, requestId: 'being-written', takenAt, expiresAt: '2099-01-01T00:00:00.000Z' },
      now,
    );
    tick();
    await expect(submitReport(input, actor, deps())).rejects.toThrow(DuplicateRequestError);
    tick(START_GRACE_MS);
    const request = await submitReport(input, actor, deps());
    expect(request.status).toBe('SUBMITTED');
    await markExhaustFailed({ requestId: request.id }, { requests, clock });
  });

  it('stops a request whose lock was taken over while it stalled, so only the newer one runs', async () => {
    tick();
    const key = dedupeKey('org-1', 'course-progress', 'course-1', ['batch-1'], actor.userId);
    const before = started.length;
    // A request write that stalls long enough for an identical request to take the lock meanwhile.
    const stalling = Object.create(requests) as DynamoRequestsRepository;
    stalling.create = async (request) => {
      await requests.replaceLock(
        { dedupeKey: key, requestId: 'newer', takenAt: now.toISOString(), expiresAt: '2099-01-01T00:00:00.000Z' },
        request.id,
      );
      return requests.create(request);
    };
    const error = await submitReport({ ...input, password: 'Secret123' }, actor, { ...deps(), requests: stalling }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DuplicateRequestError);
    expect((error as DuplicateRequestError).existingRequestId).toBe('newer');
    expect(started.length).toBe(before);
    await requests.releaseLock(key, 'newer');
  });

  it('fails a request whose workflow never started, once past the grace period, and accepts the new one', async () => {
    tick();
    // A crash between writing the request and StartExecution leaves it SUBMITTED with no execution.
    const orphan = await submitReport(input, actor, deps());
    await emulators.db.send(
      new UpdateCommand({
        TableName: emulators.tables.requests,
        Key: { pk: `REQ#${orphan.id}` },
        UpdateExpression: 'REMOVE executionArn',
      }),
    );
    tick();
    await expect(submitReport(input, actor, deps())).rejects.toThrow(DuplicateRequestError);
    tick(START_GRACE_MS);
    const fresh = await submitReport(input, actor, deps());
    expect(await requests.get(orphan.id)).toMatchObject({ status: 'FAILED', error: 'The report workflow did not start' });
    await markExhaustFailed({ requestId: fresh.id }, { requests, clock });
  });

  it('ends a request whose execution timed out or was stopped, and leaves an ended one as it is', async () => {
    tick();
    const request = await submitReport(input, actor, deps());
    await planExhaust({ requestId: request.id }, { requests, records, clock, learnersPerShard: 100_000 });
    const outcome = await endAbandonedExecution({ requestId: request.id, status: 'TIMED_OUT' }, { requests, clock });
    expect(outcome.changed).toBe(true);
    expect(await requests.get(request.id)).toMatchObject({ status: 'FAILED', error: 'Report generation timed out' });
    expect(await requests.getLock(request.dedupeKey)).toBeUndefined();
    const again = await endAbandonedExecution({ requestId: request.id, status: 'ABORTED' }, { requests, clock });
    expect(again.changed).toBe(false);
    expect((await requests.get(request.id))?.error).toBe('Report generation timed out');
  });

  it('leaves no lock behind when the password cannot be sealed (KMS refusing)', async () => {
    tick();
    const refusing = { seal: async () => Promise.reject(new Error('KMS throttled')), open: sealer.open.bind(sealer) };
    await expect(submitReport({ ...input, password: 'Secret123' }, actor, { ...deps(), sealer: refusing })).rejects.toThrow(
      'KMS throttled',
    );
    expect(await requests.getLock(dedupeKey('org-1', 'course-progress', 'course-1', ['batch-1'], actor.userId))).toBeUndefined();
  });

  it('ends FAILED and frees the lock when the workflow cannot be started', async () => {
    tick();
    const failing: WorkflowStarter = { start: async () => Promise.reject(new Error('StartExecution throttled')) };
    await expect(submitReport(input, actor, { ...deps(), workflow: failing })).rejects.toThrow('StartExecution throttled');
    const list = await requests.listForCourse({ org: 'org-1', courseId: 'course-1', limit: 1 });
    expect(list[0]).toMatchObject({ status: 'FAILED', error: 'The report workflow could not be started' });
    expect((await submitReport(input, actor, deps())).status).toBe('SUBMITTED');
  });
});
