import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ExportSnapshot, SNAPSHOT_KEY, SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { DynamoLearnerRecordsRepository } from '#shared/adapters/dynamo-learner-records';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { ACADEMY, learnerDemoRecords } from '../../infra/local/learner-demo-data.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let learners: SnapshotLearnerRecords;
/** The same table read the old way: one Query of the whole partition per user. */
let partitions: DynamoLearnerRecordsRepository;
const demo = learnerDemoRecords(new Date('2026-07-01T00:00:00Z'));
const demoUsers = demo.flatMap((r) => (r.kind === 'user' ? [String(r.userId)] : []));
const org = ACADEMY.org;

/** Records the partition reads the snapshot reader falls back to (it calls the base class's). */
const partitionReads = () => vi.spyOn(DynamoLearnerRecordsRepository.prototype, 'exportActivities');

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  learners = new SnapshotLearnerRecords(emulators.tables.records, emulators.db);
  partitions = new DynamoLearnerRecordsRepository(emulators.tables.records, emulators.db);
}, 60_000);
afterAll(async () => emulators?.stop());
afterEach(() => vi.restoreAllMocks());

async function snapshotItem(userId: string) {
  return (await emulators.db.send(new GetCommand({ TableName: emulators.tables.records, Key: SNAPSHOT_KEY(userId) }))).Item;
}

/** Reads through snapshots, asserting none of `userIds` needed its partition read, and compares with the partition reads. */
async function expectServedFromSnapshots(userIds: string[]) {
  const reads = partitionReads();
  const fromSnapshots = await learners.exportActivities(userIds);
  expect(reads.mock.calls.flatMap(([ids]) => ids)).toEqual([]);
  reads.mockRestore();
  expect(fromSnapshots).toEqual(await partitions.exportActivities(userIds));
  return fromSnapshots;
}

describe('integration: export snapshots', () => {
  it('keeps every user’s snapshot equal to their partition after each record, however indirectly it reaches them', async () => {
    // Prepare: the entities first, then every other demo record in a call of its own, so a record
    // that files an item on someone else's partition (a manager's REPORT#, an assigned session,
    // a reply on the parent's author) is the only thing that could have refreshed that user.
    const entityKinds = new Set(['user', 'course', 'organisation', 'group', 'program', 'path']);
    await ingestRecords(
      demo.filter((r) => entityKinds.has(String(r.kind))),
      { records, learners },
    );
    const rest = demo.filter((r) => !entityKinds.has(String(r.kind)));
    expect(new Set(rest.map((r) => r.kind))).toEqual(
      new Set([
        'membership',
        'manager',
        'program-session',
        'path-session',
        'course-attempt',
        'answer',
        'assessment-result',
        'attendance',
        'certificate',
        'post',
        'reaction',
        'like',
      ]),
    );
    // Answers only ever land on their own user's partition and the export reads none: one call for them all.
    const calls = [rest.filter((r) => r.kind === 'answer'), ...rest.filter((r) => r.kind !== 'answer').map((r) => [r])];
    for (const call of calls) {
      // Act
      await ingestRecords(call, { records, learners });
      // Assess: every user, not only the record's own, reads the same from its snapshot.
      await expectServedFromSnapshots(demoUsers);
    }
    const activities = await expectServedFromSnapshots(demoUsers);
    // The comparison is not vacuous: the demo's users have the things the export counts.
    const all = [...activities.values()];
    for (const part of ['memberships', 'managerIds', 'reportIds', 'attempts', 'assessments', 'posts'] as const) {
      expect(
        all.some((a) => a[part].length > 0),
        part,
      ).toBe(true);
    }
    expect(all.some((a) => a.assignedSessionIds.length > 0 || a.assignedPathSessionIds.length > 0)).toBe(true);
  }, 120_000);

  it('refreshes a manager whose only new record is the manager link of someone else', async () => {
    const [learner, manager] = ['snap-learner', 'snap-manager'];
    await ingestRecords(
      [learner, manager].map((userId) => ({ kind: 'user', org, userId, name: userId })),
      { records, learners },
    );
    const before = await expectServedFromSnapshots([manager]);
    expect(before.get(manager)?.reportIds).toEqual([]);

    await ingestRecords([{ kind: 'manager', org, userId: learner, managerId: manager }], { records, learners });

    const after = await expectServedFromSnapshots([manager, learner]);
    expect(after.get(manager)?.reportIds).toEqual([learner]);
    expect(after.get(learner)?.managerIds).toEqual([manager]);
  });

  it('leaves a snapshot alone when a call only resends the profile or adds answers, which it does not hold', async () => {
    const userId = 'snap-quiet';
    const profile = { kind: 'user', org, userId, name: userId };
    await ingestRecords([profile], { records, learners });
    expect(await snapshotItem(userId)).toMatchObject({ seq: 1, snapSeq: 1 });

    await ingestRecords([{ ...profile, firstName: 'Quinn' }], { records, learners });
    await ingestRecords(
      [
        {
          kind: 'answer',
          org,
          answerId: 'snap-quiet-answer',
          userId,
          courseId: ACADEMY.courses.onboarding,
          questionId: 'q1',
          question: 'Why?',
          score: 80,
          answeredAt: '2026-06-01T00:00:00Z',
        },
      ],
      { records, learners },
    );

    expect(await snapshotItem(userId)).toMatchObject({ seq: 1, snapSeq: 1 });
    // The new name comes from the profile, read beside the snapshot.
    expect((await expectServedFromSnapshots([userId])).get(userId)?.profile.firstName).toBe('Quinn');
  });

  it('keeps the fresher snapshot when a slower refresh of the same user ends last', async () => {
    const userId = 'snap-race';
    await ingestRecords([{ kind: 'user', org, userId, name: userId }], { records, learners });
    // A refresh that has bumped and read the partition, then stalls before storing what it read.
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let read: () => void = () => undefined;
    const hasRead = new Promise<void>((resolve) => {
      read = resolve;
    });
    class Stalling extends SnapshotLearnerRecords {
      protected override async readSnapshot(id: string): Promise<ExportSnapshot> {
        const snapshot = await super.readSnapshot(id);
        read();
        await stalled;
        return snapshot;
      }
    }
    const slow = new Stalling(emulators.tables.records, emulators.db).refreshUsers([userId]);
    await hasRead;

    // Meanwhile an ingestion adds a membership and refreshes, bumping after the slow one.
    await ingestRecords([{ kind: 'membership', org, groupId: ACADEMY.groups.sales, userId, role: 'learner' }], {
      records,
      learners,
    });
    release();
    await slow;

    // The slow refresh's older read (no membership) did not overwrite the newer one.
    const activities = await expectServedFromSnapshots([userId]);
    expect(activities.get(userId)?.memberships.map((m) => m.groupId)).toEqual([ACADEMY.groups.sales]);
    expect(await snapshotItem(userId)).toMatchObject({ seq: 3, snapSeq: 3 });
  });

  it('reads the partition of a user whose refresh bumped but never stored (a crash in between)', async () => {
    const userId = 'snap-crash';
    await ingestRecords([{ kind: 'user', org, userId, name: userId }], { records, learners });
    class Crashing extends SnapshotLearnerRecords {
      protected override async store(): Promise<void> {
        throw new Error('the refresh crashed');
      }
    }
    const crashing = new Crashing(emulators.tables.records, emulators.db);
    await expect(
      ingestRecords([{ kind: 'membership', org, groupId: ACADEMY.groups.support, userId, role: 'learner' }], {
        records,
        learners: crashing,
      }),
    ).rejects.toThrow('the refresh crashed');
    expect(await snapshotItem(userId)).toMatchObject({ seq: 2, snapSeq: 1 });

    const reads = partitionReads();
    const activities = await learners.exportActivities([userId]);
    expect(reads.mock.calls).toEqual([[[userId]]]);
    // The membership written before the crash is there, though the snapshot never got it.
    expect(activities.get(userId)?.memberships.map((m) => m.groupId)).toEqual([ACADEMY.groups.support]);
  });

  /** A user with a membership, written the way ingestion wrote before snapshots: records, no snapshot. */
  async function storeWithoutSnapshot(userId: string, role: 'coach' | 'learner') {
    await records.putRecords([{ kind: 'user', org, userId, name: userId }]);
    await partitions.putLearnerRecords({
      records: [{ kind: 'membership', org, groupId: ACADEMY.groups.ops, userId, role }],
      users: [],
      courses: [],
      entities: new Map(),
    });
    expect(await snapshotItem(userId)).toBeUndefined();
  }

  it('reads the partition of a user stored before snapshots existed, and of a user without a profile nowhere', async () => {
    const userId = 'snap-legacy';
    await storeWithoutSnapshot(userId, 'coach');

    const reads = partitionReads();
    const activities = await learners.exportActivities([userId, 'snap-nobody']);
    expect(reads.mock.calls).toEqual([[[userId]]]);
    expect([...activities.keys()]).toEqual([userId]);
    expect(activities.get(userId)?.memberships).toMatchObject([{ groupId: ACADEMY.groups.ops, role: 'coach' }]);
  });

  it('gives users stored before snapshots existed a snapshot with the one-off backfill', async () => {
    const userId = 'snap-backfilled';
    await storeWithoutSnapshot(userId, 'learner');

    expect(await learners.backfillExportSnapshots()).toBeGreaterThanOrEqual(1);
    const activities = await expectServedFromSnapshots([userId]);
    expect(activities.get(userId)?.memberships).toMatchObject([{ groupId: ACADEMY.groups.ops, role: 'learner' }]);
  });

  it('stores a too-large marker instead of a snapshot over 400 KB, and the export reads that user’s partition', async () => {
    const userId = 'snap-prolific';
    await ingestRecords([{ kind: 'user', org, userId, name: userId }], { records, learners });
    // 1,000 posts with long ids: ~450 KB of snapshot, more than one DynamoDB item may hold.
    const long = (prefix: string, i: number) => `${prefix}-${String(i).padStart(4, '0')}-${'x'.repeat(110)}`;
    const posts = Array.from({ length: 1000 }, (_, i) => ({
      kind: 'post',
      org,
      postId: long('snap-post', i),
      authorId: userId,
      place: 'learning-need-forum',
      placeId: long('need', i),
      type: 'publication',
      postedAt: '2026-06-01T00:00:00Z',
    }));
    await ingestRecords(posts, { records, learners });

    const item = await snapshotItem(userId);
    expect(item).toMatchObject({ tooLarge: true, seq: 2, snapSeq: 2 });
    expect(item?.activity).toBeUndefined();
    const reads = partitionReads();
    const activities = await learners.exportActivities([userId]);
    expect(reads.mock.calls).toEqual([[[userId]]]);
    expect(activities.get(userId)?.posts).toHaveLength(1000);
  });

  it('serves a snapshot again once a refresh fits, after a too-large marker', async () => {
    const userId = 'snap-shrinking';
    await ingestRecords([{ kind: 'user', org, userId, name: userId }], { records, learners });
    await ingestRecords([{ kind: 'membership', org, groupId: ACADEMY.groups.ops, userId, role: 'learner' }], {
      records,
      learners,
    });
    // A limit of 10 bytes stands for a partition that has outgrown the real one.
    await new SnapshotLearnerRecords(emulators.tables.records, emulators.db, undefined, 10).refreshUsers([userId]);
    expect(await snapshotItem(userId)).toMatchObject({ tooLarge: true });

    await learners.refreshUsers([userId]);

    expect(await snapshotItem(userId)).not.toHaveProperty('tooLarge');
    expect((await expectServedFromSnapshots([userId])).get(userId)?.memberships).toHaveLength(1);
  });
});
