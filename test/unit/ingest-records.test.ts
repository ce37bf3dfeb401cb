import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import type { RecordsRepository } from '#shared/domain/ports';
import type { LearningRecord } from '#shared/domain/records';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { batch, course } from '../support/fixtures.ts';

/** An in-memory records port: this suite is about validation, not storage. */
function memoryRecords(seed: LearningRecord[] = []) {
  const written: LearningRecord[] = [...seed];
  const repository: RecordsRepository = {
    getCourse: async (id) => written.find((r): r is typeof course => r.kind === 'course' && r.courseId === id),
    getBatch: async (c, b) => written.find((r): r is typeof batch => r.kind === 'batch' && r.courseId === c && r.batchId === b),
    learnerPages: () => {
      throw new Error('not used');
    },
    getUsers: async (ids) =>
      new Map(written.flatMap((r) => (r.kind === 'user' && ids.includes(r.userId) ? [[r.userId, r] as const] : []))),
    countEnrolments: async () => 0,
    putRecords: async (records) => {
      written.push(...records);
    },
  };
  return { repository, written };
}

describe('use case: ingest records', () => {
  it('writes valid records, parents in the same call counting as existing', async () => {
    const { repository, written } = memoryRecords();
    const result = await ingestRecords(
      [
        course,
        batch,
        { kind: 'enrolment', courseId: 'course-1', batchId: 'batch-1', userId: 'u1', enrolledAt: '2026-01-02T10:00:00Z' },
      ],
      { records: repository },
    );
    expect(result).toEqual({ written: 3, byKind: { course: 1, batch: 1, enrolment: 1 } });
    expect(written.at(-1)).toMatchObject({ completedContentIds: [], enrolledAt: '2026-01-02T10:00:00.000Z' });
  });

  it('writes nothing when one record is invalid, and names every problem by position', async () => {
    const { repository, written } = memoryRecords([course, batch]);
    const error = await ingestRecords(
      [
        { kind: 'user', org: 'org-1', userId: 'u1', name: 'Ok' },
        { kind: 'user', org: 'org-1', userId: 'u#2', name: 'Bad id', email: 'not-an-email' },
        {
          kind: 'attempt',
          courseId: 'course-1',
          batchId: 'nope',
          userId: 'u1',
          assessmentId: 'a1',
          attemptId: 't',
          attemptedAt: '2026-01-01T00:00:00Z',
          score: 1,
        },
        {
          kind: 'attempt',
          courseId: 'course-1',
          batchId: 'batch-1',
          userId: 'u1',
          assessmentId: 'c1',
          attemptId: 't',
          attemptedAt: '2026-01-01T00:00:00Z',
          score: 1,
        },
      ],
      { records: repository },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['records[1].userId', 'records[1].email', 'records[2].batchId', 'records[3].assessmentId']),
    );
    expect(written).toHaveLength(2);
  });

  it('refuses to take over a course, batch or user of another organisation', async () => {
    const { repository, written } = memoryRecords([
      course,
      batch,
      { kind: 'user', org: 'org-2', userId: 'theirs', name: 'Them' },
    ]);
    const error = (await ingestRecords(
      [
        { ...course, org: 'org-2', creatorId: 'intruder' },
        { ...batch, org: 'org-2' },
        { kind: 'user', org: 'org-1', userId: 'theirs', name: 'Renamed' },
        { kind: 'enrolment', courseId: 'course-1', batchId: 'batch-1', userId: 'theirs', enrolledAt: '2026-01-02T10:00:00Z' },
      ],
      { records: repository },
    ).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'records[0].courseId', message: 'belongs to another organisation' },
        { path: 'records[1].batchId', message: 'belongs to another organisation' },
        { path: 'records[2].userId', message: 'belongs to another organisation' },
        { path: 'records[3].userId', message: "belongs to another organisation than the batch's" },
      ]),
    );
    expect(written).toHaveLength(3);
  });

  it("refuses records of another organisation than the caller's", async () => {
    const { repository } = memoryRecords();
    await expect(ingestRecords([{ ...course, org: 'org-2' }], { records: repository }, { org: 'org-1' })).rejects.toThrow(
      ValidationError,
    );
  });
});
