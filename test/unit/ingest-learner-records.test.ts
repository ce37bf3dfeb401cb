import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import type { LearnerIngestionRepository } from '#shared/domain/export-snapshots';
import { entityKey, type LearnerWrite, type StoredEntity } from '#shared/domain/learner-ports';
import type { RecordsRepository } from '#shared/domain/ports';
import type { LearningRecord, UserRecord } from '#shared/domain/records';
import { ingestRecords } from '#shared/usecases/ingest-records';

/** In-memory ports: this suite is about the org rules, not storage. */
function memory(stored: StoredEntity[] = [], users: UserRecord[] = []) {
  const writes: LearnerWrite[] = [];
  const base: LearningRecord[] = [];
  const records: RecordsRepository = {
    getCourse: async () => undefined,
    getBatch: async () => undefined,
    learnerPages: () => {
      throw new Error('not used');
    },
    countEnrolments: async () => 0,
    getUsers: async (ids) => new Map(users.filter((u) => ids.includes(u.userId)).map((u) => [u.userId, u])),
    putRecords: async (r) => {
      base.push(...r);
    },
  };
  const notUsed = () => {
    throw new Error('not used');
  };
  const learners: LearnerIngestionRepository = {
    getEntities: async (refs) =>
      new Map(
        stored.filter((e) => refs.some((r) => r.type === e.type && r.id === e.id)).map((e) => [entityKey(e.type, e.id), e]),
      ),
    putLearnerRecords: async (write) => {
      writes.push(write);
    },
    refreshExportSnapshots: async () => undefined,
    getOrganisation: notUsed,
    getUserActivity: notUsed,
    getMemberships: notUsed,
    groupMembers: notUsed,
    groupSessionIds: notUsed,
    getProgramSessions: notUsed,
    userRows: notUsed,
    authoredCourses: notUsed,
    courseEvents: notUsed,
  };
  return { deps: { records, learners }, writes, base };
}

const user = (userId: string, org = 'org-1') => ({ kind: 'user', org, userId, name: userId, firstName: 'F', lastName: 'L' });
const course = (courseId: string, extra = {}) => ({
  kind: 'course',
  org: 'org-1',
  courseId,
  name: courseId,
  creatorId: 'creator',
  children: [{ type: 'content', id: 'x', name: 'x' }],
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('use case: ingest learner records', () => {
  it('writes learner records with the users and courses of the same call, profile fields kept', async () => {
    const { deps, writes, base } = memory();
    const result = await ingestRecords(
      [
        user('u1'),
        user('coach'),
        course('c1'),
        { kind: 'group', org: 'org-1', groupId: 'g1', name: 'G' },
        { kind: 'membership', org: 'org-1', groupId: 'g1', userId: 'u1', role: 'learner' },
        { kind: 'manager', org: 'org-1', userId: 'u1', managerId: 'coach' },
        {
          kind: 'course-attempt',
          org: 'org-1',
          attemptId: 'a1',
          userId: 'u1',
          courseId: 'c1',
          startedAt: '2026-01-01T00:00:00Z',
          lastActivityAt: '2026-01-02T00:00:00Z',
          timeSpentSeconds: 60,
          progress: 100,
          language: 'en',
        },
      ],
      deps,
      { org: 'org-1' },
    );
    expect(result.byKind).toEqual({ user: 2, course: 1, group: 1, membership: 1, manager: 1, 'course-attempt': 1 });
    expect(base.find((r) => r.kind === 'user')).toMatchObject({ firstName: 'F', lastName: 'L' });
    expect(writes[0]?.records.map((r) => r.kind)).toEqual(['group', 'membership', 'manager', 'course-attempt']);
    expect(writes[0]?.users.map((u) => u.userId)).toEqual(['u1', 'coach']);
  });

  it("refuses, writing nothing, a membership in another org's group and a reference to a missing user", async () => {
    const { deps, writes, base } = memory([{ type: 'group', id: 'g-other', org: 'org-2' }]);
    const error = await refusal(
      ingestRecords(
        [
          user('u1'),
          { kind: 'membership', org: 'org-1', groupId: 'g-other', userId: 'u1', role: 'coach' },
          { kind: 'manager', org: 'org-1', userId: 'u1', managerId: 'ghost' },
        ],
        deps,
        { org: 'org-1' },
      ),
    );
    expect(error.issues).toEqual([
      { path: 'records[1].groupId', message: 'belongs to another organisation' },
      { path: 'records[2].managerId', message: 'user ghost does not exist' },
    ]);
    expect(writes).toEqual([]);
    expect(base).toEqual([]);
  });

  it("refuses to take over another org's group, post or session, and records naming another org", async () => {
    const { deps } = memory([
      { type: 'group', id: 'g1', org: 'org-2' },
      { type: 'user', id: 'u2', org: 'org-2' },
    ]);
    const error = await refusal(
      ingestRecords(
        [
          { kind: 'group', org: 'org-1', groupId: 'g1', name: 'Mine now' },
          { kind: 'group', org: 'org-2', groupId: 'g2', name: 'Theirs' },
          { kind: 'like', org: 'org-1', likeId: 'l1', userId: 'u2', postId: 'p1', likedAt: '2026-01-01T00:00:00Z' },
        ],
        deps,
        { org: 'org-1' },
      ),
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'records[0].groupId', message: 'belongs to another organisation' },
        { path: 'records[1].org', message: 'is not your organisation' },
        { path: 'records[2].userId', message: 'belongs to another organisation' },
        { path: 'records[2].postId', message: 'post p1 does not exist' },
      ]),
    );
  });

  it('keeps the main author of the original on a duplicate course, and refuses another one', async () => {
    const { deps, base } = memory([{ type: 'course', id: 'orig', org: 'org-1', mainAuthorId: 'amit' }]);
    await ingestRecords([course('copy', { duplicateOf: 'orig' })], deps, { org: 'org-1' });
    expect(base[0]).toMatchObject({ courseId: 'copy', mainAuthorId: 'amit' });
    const error = await refusal(ingestRecords([course('copy2', { duplicateOf: 'orig', mainAuthorId: 'someone' })], deps, {}));
    expect(error.issues).toEqual([
      { path: 'records[0].mainAuthorId', message: 'a duplicate keeps the main author of its original (amit)' },
    ]);
  });

  it('refuses a post that is a reply without a parent, and a certificate from both a path and a program', async () => {
    const { deps } = memory();
    const error = await refusal(
      ingestRecords(
        [
          {
            kind: 'post',
            org: 'org-1',
            postId: 'p',
            authorId: 'u',
            place: 'profile',
            placeId: 'u',
            type: 'reply',
            postedAt: '2026-01-01T00:00:00Z',
          },
          {
            kind: 'certificate',
            org: 'org-1',
            certificateId: 'c',
            userId: 'u',
            name: 'C',
            pathId: 'p',
            programId: 'pr',
            deliveredAt: '2026-01-01T00:00:00Z',
          },
        ],
        deps,
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['records[0].replyToPostId', 'records[1].programId']);
  });
});
