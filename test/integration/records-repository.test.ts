import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordsRepository, SEQUENTIAL_READS } from '#shared/adapters/dynamo-records-repository';
import { ValidationError } from '#shared/domain/errors';
import type { LearnerBundle, LearningRecord } from '#shared/domain/records';
import { LearningRecordSchema } from '#shared/domain/records';
import { ALL_BUCKETS, learnerBucket } from '#shared/domain/shards';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { batch, course } from '../support/fixtures.ts';

let emulators: Emulators;
let repository: DynamoRecordsRepository;

const parse = (raw: unknown[]) => raw.map((r) => LearningRecordSchema.parse(r)) as LearningRecord[];
let pageCount = 0;
const collect = async (pages: AsyncIterable<LearnerBundle[]>) => {
  const out: LearnerBundle[] = [];
  pageCount = 0;
  for await (const page of pages) {
    pageCount += 1;
    out.push(...page);
  }
  return out;
};

beforeAll(async () => {
  emulators = await startEmulators();
  // Pages of 7 items so learners straddle page boundaries.
  repository = new DynamoRecordsRepository(emulators.tables.records, emulators.db, 7);
  const learners: unknown[] = [];
  for (let i = 0; i < 150; i += 1) {
    const userId = `u${String(i).padStart(3, '0')}`;
    learners.push({ kind: 'user', org: 'org-1', userId, name: `Learner ${i}`, state: i % 2 ? 'Goa' : 'Kerala' });
    learners.push({ kind: 'enrolment', courseId: 'course-1', batchId: 'batch-1', userId, enrolledAt: '2026-01-02T00:00:00Z' });
    for (let a = 0; a < i % 4; a += 1) {
      learners.push({
        kind: 'attempt',
        courseId: 'course-1',
        batchId: 'batch-1',
        userId,
        assessmentId: 'a1',
        attemptId: `t${a}`,
        attemptedAt: '2026-01-03T00:00:00Z',
        score: a,
      });
    }
  }
  await repository.putRecords(parse([course, batch, ...learners]));
});
afterAll(async () => emulators?.stop());

describe('records repository against DynamoDB (dynalite)', () => {
  it('reads course and batch back as written', async () => {
    expect(await repository.getCourse('course-1')).toEqual(course);
    expect((await repository.getBatch('course-1', 'batch-1'))?.mentors).toEqual(['mentor-1']);
    expect(await repository.getBatch('course-1', 'nope')).toBeUndefined();
  });

  it('streams every learner once, bucket by bucket in user id order, with all attempts, across page boundaries', async () => {
    const learners = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles: false }));
    expect(learners).toHaveLength(150);
    const ids = learners.map((l) => l.enrolment.userId);
    const expected = [...ids].sort((a, b) => learnerBucket(a) - learnerBucket(b) || a.localeCompare(b));
    expect(ids).toEqual(expected);
    expect(new Set(ids.map(learnerBucket)).size).toBeGreaterThan(10);
    for (const learner of learners) expect(learner.attempts).toHaveLength(Number(learner.enrolment.userId.slice(1)) % 4);
    expect(pageCount).toBeGreaterThan(20);
    expect(learners[0]?.profile).toBeUndefined();
  });

  it('attaches profiles fetched in BatchGets of at most 100 when asked', async () => {
    const learners = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles: true }));
    expect(learners.every((l) => l.profile?.userId === l.enrolment.userId)).toBe(true);
    const u001 = learners.find((l) => l.enrolment.userId === 'u001');
    expect(u001?.profile?.state).toBe('Goa');
  });

  it('gives the same learners in the same order reading all buckets at once as reading them one after another', async () => {
    const sequential = new DynamoRecordsRepository(emulators.tables.records, emulators.db, 7, SEQUENTIAL_READS);
    // Tiny budgets too, so lanes wait on each other and BatchGets queue behind one another.
    const tight = new DynamoRecordsRepository(emulators.tables.records, emulators.db, 7, { pagesAhead: 2, batchGets: 2 });
    for (const withProfiles of [false, true]) {
      const before = await collect(sequential.learnerPages('course-1', 'batch-1', { withProfiles }));
      const after = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles }));
      const squeezed = await collect(tight.learnerPages('course-1', 'batch-1', { withProfiles }));
      expect(before).toHaveLength(150);
      expect(after).toEqual(before);
      expect(squeezed).toEqual(before);
    }
    const someBuckets = { withProfiles: true, buckets: [3, 4, 5, 6] };
    expect(await collect(repository.learnerPages('course-1', 'batch-1', someBuckets))).toEqual(
      await collect(sequential.learnerPages('course-1', 'batch-1', someBuckets)),
    );
  });

  it('keeps the latest consent by its own timestamp, whatever order events arrive in', async () => {
    const consent = (given: boolean, at: string) => ({
      kind: 'consent',
      courseId: 'course-1',
      batchId: 'batch-1',
      userId: 'u001',
      given,
      at,
    });
    await repository.putRecords(parse([consent(false, '2026-02-01T00:00:00Z')]));
    await repository.putRecords(parse([consent(true, '2026-01-01T00:00:00Z')]));
    const learners = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles: false }));
    expect(learners.find((l) => l.enrolment.userId === 'u001')?.consent).toMatchObject({
      given: false,
      at: '2026-02-01T00:00:00.000Z',
    });
    await repository.putRecords(parse([consent(true, '2026-03-01T00:00:00Z')]));
    const again = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles: false }));
    expect(again.find((l) => l.enrolment.userId === 'u001')?.consent?.given).toBe(true);
  });

  it('reads only the buckets asked for, and counts enrolments server-side', async () => {
    const some = await collect(repository.learnerPages('course-1', 'batch-1', { withProfiles: false, buckets: [0, 1, 2] }));
    expect(some.length).toBeGreaterThan(0);
    expect(some.every((l) => learnerBucket(l.enrolment.userId) <= 2)).toBe(true);
    expect(await repository.countEnrolments('course-1', 'batch-1', [0, 1, 2])).toBe(some.length);
    expect(await repository.countEnrolments('course-1', 'batch-1', ALL_BUCKETS)).toBe(150);
  });

  it('never overwrites a course, batch or user of another organisation, even past the use case checks', async () => {
    await repository.putRecords(
      parse([{ kind: 'user', org: 'org-2', userId: 'shared-id', name: 'Theirs', email: 'them@example.org' }]),
    );
    await expect(
      repository.putRecords(parse([{ kind: 'user', org: 'org-1', userId: 'shared-id', name: 'Ours' }])),
    ).rejects.toThrow(ValidationError);
    await expect(repository.putRecords(parse([{ ...course, org: 'org-2' }]))).rejects.toThrow(ValidationError);
    expect((await repository.getUsers(['shared-id'])).get('shared-id')?.name).toBe('Theirs');
    expect((await repository.getCourse('course-1'))?.org).toBe('org-1');
  });

  it('yields nothing for a batch without enrolments', async () => {
    expect(await collect(repository.learnerPages('course-1', 'empty', { withProfiles: true }))).toEqual([]);
  });
});
