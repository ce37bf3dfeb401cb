import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import type { Notice } from '#shared/domain/ports';
import type { ReportRequest } from '#shared/domain/report-request';
import { reconcileRequests } from '#shared/usecases/reconcile-requests';
import { finalizeExhaust, markExhaustFailed } from '#shared/usecases/workflow-steps';
import { type Emulators, startEmulators } from '../support/emulators.ts';

let emulators: Emulators;
let requests: DynamoRequestsRepository;
const now = new Date('2026-05-01T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

function request(id: string, overrides: Partial<ReportRequest> = {}): ReportRequest {
  return {
    id,
    org: 'org-1',
    type: 'course-progress',
    courseId: 'course-1',
    batchIds: ['b1'],
    requestedBy: 'u1',
    status: 'SUBMITTED',
    dedupeKey: `key-${id}`,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    batches: { b1: { status: 'PENDING', updatedAt: now.toISOString() } },
    ...overrides,
  };
}

beforeAll(async () => {
  emulators = await startEmulators();
  requests = new DynamoRequestsRepository(emulators.tables.requests, emulators.db);
});
afterAll(async () => emulators?.stop());

describe('requests repository against DynamoDB (dynalite)', () => {
  it('lets exactly one of two racing requests take a lock', async () => {
    const lock = (requestId: string) => ({ dedupeKey: 'race', requestId, takenAt: now.toISOString(), expiresAt: later(60_000) });
    const results = await Promise.all([requests.acquireLock(lock('r1'), now), requests.acquireLock(lock('r2'), now)]);
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const loser = results.find((r) => !r.acquired);
    expect(loser && !loser.acquired && ['r1', 'r2'].includes(loser.holder.requestId)).toBe(true);
  });

  it('treats an expired lock as free, and releases only its own lock', async () => {
    await requests.acquireLock({ dedupeKey: 'exp', requestId: 'old', takenAt: now.toISOString(), expiresAt: later(-1) }, now);
    expect(
      (
        await requests.acquireLock(
          { dedupeKey: 'exp', requestId: 'new', takenAt: now.toISOString(), expiresAt: later(60_000) },
          now,
        )
      ).acquired,
    ).toBe(true);
    await requests.releaseLock('exp', 'old');
    const held = await requests.acquireLock(
      { dedupeKey: 'exp', requestId: 'third', takenAt: now.toISOString(), expiresAt: later(60_000) },
      now,
    );
    expect(held).toEqual({
      acquired: false,
      holder: { dedupeKey: 'exp', requestId: 'new', takenAt: now.toISOString(), expiresAt: later(60_000) },
    });
    await requests.releaseLock('exp', 'new');
    expect(
      (
        await requests.acquireLock(
          { dedupeKey: 'exp', requestId: 'third', takenAt: now.toISOString(), expiresAt: later(60_000) },
          now,
        )
      ).acquired,
    ).toBe(true);
  });

  it('replaces a stale lock only while the stale holder still has it', async () => {
    await requests.acquireLock(
      { dedupeKey: 'stale', requestId: 'gone', takenAt: now.toISOString(), expiresAt: later(60_000) },
      now,
    );
    expect(
      await requests.replaceLock(
        { dedupeKey: 'stale', requestId: 'a', takenAt: now.toISOString(), expiresAt: later(60_000) },
        'gone',
      ),
    ).toBe(true);
    expect(
      await requests.replaceLock(
        { dedupeKey: 'stale', requestId: 'b', takenAt: now.toISOString(), expiresAt: later(60_000) },
        'gone',
      ),
    ).toBe(false);
  });

  it('moves a request through its statuses, ends it once, and drops the sealed password and notification address', async () => {
    await requests.create(request('life', { sealedPassword: 'local:sealed', notifyEmail: 'asha@example.org' }));
    expect(await requests.get('life')).toMatchObject({ notifyEmail: 'asha@example.org' });
    await expect(requests.create(request('life'))).rejects.toThrow();
    expect((await requests.markProcessing('life', now)).status).toBe('PROCESSING');
    await requests.recordBatch('life', 'b1', {
      status: 'SUCCESS',
      updatedAt: later(1),
      file: { key: 'k', fileName: 'f', rows: 3, bytes: 9, sha256: 'x' },
    });
    // The call that ends it gets the request as it was, address included; a second call gets nothing.
    const ended = await requests.finish('life', 'SUCCESS', undefined, new Date(later(2)));
    expect(ended).toMatchObject({ id: 'life', status: 'PROCESSING', notifyEmail: 'asha@example.org' });
    expect(await requests.finish('life', 'FAILED', 'late', new Date(later(3)))).toBeUndefined();
    const stored = await requests.get('life');
    expect(stored).toMatchObject({
      status: 'SUCCESS',
      completedAt: later(2),
      batches: { b1: { status: 'SUCCESS', file: { rows: 3 } } },
    });
    expect(stored).not.toHaveProperty('sealedPassword');
    expect(stored).not.toHaveProperty('notifyEmail');
    await expect(requests.markProcessing('life', now)).rejects.toThrow(/no longer active/);
  });

  it('tells the requester once, from whichever step ended the request, however often the steps run again', async () => {
    const sent: Notice[] = [];
    const mail = { notifier: { send: async (notice: Notice) => void sent.push(notice) }, dashboardUrl: 'https://dash.example/' };
    const clock = { now: () => new Date(later(5)) };
    const executions = { stateOf: async () => 'FAILED' as const };
    await requests.create(request('told', { status: 'PROCESSING', notifyEmail: 'asha@example.org', executionArn: 'arn:x' }));
    const results = [{ batchId: 'b1', failure: { Error: 'States.TaskFailed' } }];
    // Finalize, then a retry of it, the Catch, the execution-ended safety net and the reconcile all see the same request.
    await finalizeExhaust({ requestId: 'told', results }, { requests, clock, mail });
    await finalizeExhaust({ requestId: 'told', results }, { requests, clock, mail });
    expect(
      (await markExhaustFailed({ requestId: 'told', error: { Error: 'States.Runtime' } }, { requests, clock, mail })).changed,
    ).toBe(false);
    await reconcileRequests({ requests, executions, clock, mail }, { restarted: true });
    expect(sent.map((n) => [n.requestId, n.to, n.subject])).toEqual([
      ['told', 'asha@example.org', 'Your course-progress report failed'],
    ]);
    expect(await requests.get('told')).not.toHaveProperty('notifyEmail');

    // The reconcile that ends a request tells its requester too.
    await requests.create(request('lost', { status: 'PROCESSING', notifyEmail: 'ravi@example.org', executionArn: 'arn:y' }));
    await reconcileRequests({ requests, executions, clock, mail }, { restarted: false });
    expect(sent.map((n) => [n.requestId, n.to])).toEqual([
      ['told', 'asha@example.org'],
      ['lost', 'ravi@example.org'],
    ]);
  });

  it('lists the newest requests of a course first, filtered by batch, at most the limit', async () => {
    for (let i = 0; i < 14; i += 1) {
      await requests.create(
        request(`list-${i}`, { courseId: 'course-list', createdAt: later(i * 1000), batchIds: i % 2 ? ['b1'] : ['b2'] }),
      );
    }
    await requests.create(request('other-org', { org: 'org-2', courseId: 'course-list', createdAt: later(99_000) }));
    const all = await requests.listForCourse({ org: 'org-1', courseId: 'course-list', limit: 10 });
    expect(all.map((r) => r.id)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4].map((i) => `list-${i}`));
    const b2 = await requests.listForCourse({ org: 'org-1', courseId: 'course-list', batchId: 'b2', limit: 10 });
    expect(b2.map((r) => r.id)).toEqual([12, 10, 8, 6, 4, 2, 0].map((i) => `list-${i}`));
  });
});
