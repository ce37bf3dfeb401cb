import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCourseDirectory } from '#shared/adapters/dynamo-course-directory';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors';
import { type LearningRecord, LearningRecordSchema } from '#shared/domain/records';
import { type BrowseCoursesDeps, courseOverview, searchCourses } from '#shared/usecases/browse-courses';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { batch, course, enrolment } from '../support/fixtures.ts';

let emulators: Emulators;
let records: DynamoRecordsRepository;
let deps: BrowseCoursesDeps;
const now = new Date('2026-06-01T00:00:00Z');

const parse = (raw: unknown[]) => raw.map((r) => LearningRecordSchema.parse(r)) as LearningRecord[];
const enrolments = (batchId: string, count: number) =>
  Array.from({ length: count }, (_, i) => enrolment({ batchId, userId: `u${String(i).padStart(3, '0')}` }));
const expired = { ...batch, batchId: 'batch-old', name: 'Old batch', endDate: '2026-03-01T00:00:00.000Z', mentors: [] };

beforeAll(async () => {
  emulators = await startEmulators();
  records = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  deps = {
    directory: new DynamoCourseDirectory(emulators.tables.records, emulators.db),
    records,
    clock: { now: () => now },
  };
  await records.putRecords(parse([course, batch, expired]));
});
afterAll(async () => emulators?.stop());

describe('course directory against DynamoDB (dynalite)', () => {
  it('counts each enrolment once, however often and however concurrently it is sent', async () => {
    const first = enrolments('batch-1', 60);
    await records.putRecords(first);
    // The same enrolments again (one changed), twice at once, and again within one call.
    const again = first.map((e, i) => (i === 0 ? { ...e, completedContentIds: ['c1'] } : e));
    await Promise.all([records.putRecords(again), records.putRecords(again)]);
    await records.putRecords([...first.slice(0, 10), ...first.slice(0, 10)]);
    // New enrolments sent twice at once: only one conditional put creates each, so each counts once.
    await Promise.all([records.putRecords(enrolments('batch-old', 7)), records.putRecords(enrolments('batch-old', 7))]);

    const counts = await deps.directory.enrolmentCounts('course-1');
    expect(counts).toEqual(
      new Map([
        ['batch-1', 60],
        ['batch-old', 7],
      ]),
    );
    expect(counts.get('batch-1')).toBe(await records.countEnrolments('course-1', 'batch-1', [...Array(16).keys()]));
  });

  it('shows the course creator every batch with Live/Expired from the clock, counts and every report type', async () => {
    const overview = await courseOverview('course-1', { userId: 'creator-1', org: 'org-1' }, deps);
    expect(overview).toEqual({
      courseId: 'course-1',
      name: 'Course One',
      batches: [
        {
          batchId: 'batch-1',
          name: 'Batch One',
          startDate: '2026-01-01T00:00:00.000Z',
          endDate: undefined,
          status: 'Live',
          enrolments: 60,
          role: 'creator',
          reportTypes: ['course-progress', 'user-profile', 'question-set', 'enrollments', 'exercises', 'user-activity'],
        },
        expect.objectContaining({ batchId: 'batch-old', status: 'Expired', enrolments: 7, role: 'creator' }),
      ],
    });
  });

  it('shows a mentor only the batches they mentor, without the user profile report', async () => {
    const overview = await courseOverview('course-1', { userId: 'mentor-1', org: 'org-1' }, deps);
    expect(overview.batches.map((b) => [b.batchId, b.role, b.reportTypes])).toEqual([
      ['batch-1', 'mentor', ['course-progress', 'question-set']],
    ]);
  });

  it('refuses a stranger (403) and another organisation (404)', async () => {
    await expect(courseOverview('course-1', { userId: 'someone', org: 'org-1' }, deps)).rejects.toThrow(ForbiddenError);
    await expect(courseOverview('course-1', { userId: 'creator-1', org: 'org-2' }, deps)).rejects.toThrow(NotFoundError);
    await expect(courseOverview('nope', { userId: 'creator-1', org: 'org-1' }, deps)).rejects.toThrow(NotFoundError);
  });

  it('finds courses by part of the name for creators and mentors, and drops a mentor the batch no longer names', async () => {
    expect(await searchCourses({ query: 'one' }, { userId: 'mentor-1', org: 'org-1' }, deps)).toEqual([
      { courseId: 'course-1', name: 'Course One', roles: ['mentor'] },
    ]);
    expect(await searchCourses({ query: 'COURSE' }, { userId: 'creator-1', org: 'org-1' }, deps)).toEqual([
      { courseId: 'course-1', name: 'Course One', roles: ['creator'] },
    ]);
    await records.putRecords(parse([{ ...batch, mentors: [] }]));
    expect(await searchCourses({ query: 'one' }, { userId: 'mentor-1', org: 'org-1' }, deps)).toEqual([]);
    expect(await searchCourses({ query: 'course-1' }, { userId: 'someone', org: 'org-1' }, deps)).toEqual([]);
    expect(await searchCourses({ query: 'one' }, { userId: 'creator-1', org: 'org-2' }, deps)).toEqual([]);
  });
});
