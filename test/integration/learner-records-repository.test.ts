import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { ValidationError } from '#shared/domain/errors';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { courseAttempt } from '../support/fixtures.ts';

let emulators: Emulators;
let deps: { records: DynamoRecordsRepository; learners: SnapshotLearnerRecords };

const user = (userId: string, org = 'org-1') => ({ kind: 'user', org, userId, name: userId, lastName: userId.toUpperCase() });
const course = {
  kind: 'course',
  org: 'org-1',
  courseId: 'c1',
  name: 'C1',
  creatorId: 'a',
  children: [{ type: 'content', id: 'x', name: 'x' }],
};
const attempt = (attemptId: string, timeSpentSeconds: number, lastActivityAt: string) =>
  courseAttempt({ org: 'org-1', attemptId, userId: 'u1', courseId: 'c1', timeSpentSeconds, lastActivityAt });

beforeAll(async () => {
  emulators = await startEmulators();
  deps = {
    records: new DynamoRecordsRepository(emulators.tables.records, emulators.db),
    learners: new SnapshotLearnerRecords(emulators.tables.records, emulators.db),
  };
  await ingestRecords([user('u1'), user('u2'), user('u3'), user('m1'), user('m2'), course], deps);
});
afterAll(async () => emulators?.stop());

const rowOf = async (userId: string) => (await deps.learners.userRows('org-1', [userId]))[0];

describe('integration: learner records repository', () => {
  it('keeps the users-list row equal to the sum over attempts, however often an attempt is resent', async () => {
    await ingestRecords([attempt('a1', 100, '2026-01-02T00:00:00Z'), attempt('a2', 50, '2026-01-05T00:00:00Z')], deps);
    await ingestRecords([attempt('a1', 120, '2026-01-03T00:00:00Z')], deps);
    await ingestRecords([attempt('a1', 120, '2026-01-03T00:00:00Z')], deps);
    expect(await rowOf('u1')).toMatchObject({
      timeSpentSeconds: 170,
      lastActivityAt: '2026-01-05T00:00:00.000Z',
      lastName: 'U1',
    });
  });

  it("recounts a manager's direct reports when one of their reports starts managing someone they manage", async () => {
    await ingestRecords(
      [
        { kind: 'manager', org: 'org-1', managerId: 'm1', userId: 'm2' },
        { kind: 'manager', org: 'org-1', managerId: 'm1', userId: 'u2' },
      ],
      deps,
    );
    expect((await rowOf('m1'))?.directReports).toBe(2);
    await ingestRecords([{ kind: 'manager', org: 'org-1', managerId: 'm2', userId: 'u2' }], deps);
    expect((await rowOf('m1'))?.directReports).toBe(1);
    expect((await rowOf('m2'))?.directReports).toBe(1);
  });

  it("refuses to take over another org's group, even past the use case's check", async () => {
    await deps.learners.putLearnerRecords({
      records: [{ kind: 'group', org: 'org-2', groupId: 'g-theirs', name: 'Theirs' }],
      users: [],
      courses: [],
      entities: new Map(),
    });
    await expect(
      deps.learners.putLearnerRecords({
        records: [{ kind: 'group', org: 'org-1', groupId: 'g-theirs', name: 'Mine' }],
        users: [],
        courses: [],
        entities: new Map(),
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const stored = await deps.learners.getEntities([{ type: 'group', id: 'g-theirs' }]);
    expect(stored.get('group#g-theirs')).toMatchObject({ org: 'org-2', name: 'Theirs' });
  });

  it('moves a user between the tabs when deleted and restored', async () => {
    await ingestRecords([{ ...user('u3'), deletedAt: '2026-02-01T00:00:00Z' }], deps);
    expect((await rowOf('u3'))?.deletedAt).toBe('2026-02-01T00:00:00.000Z');
    await ingestRecords([user('u3')], deps);
    expect((await rowOf('u3'))?.deletedAt).toBeNull();
  });
});
