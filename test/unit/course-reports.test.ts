import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { encodeReport } from '#shared/course-reports/encode';
import { contextFor, enrollmentsReport } from '#shared/course-reports/reports';
import { activityWindow, overlapsWindow } from '#shared/course-reports/window';
import { ValidationError } from '#shared/domain/errors';
import { MAX_RECORD_BYTES, storedSize } from '#shared/domain/limits';
import type { RecordsRepository } from '#shared/domain/ports';
import { CourseRecordSchema, finishedExerciseIds, type LearnerBundle, type LearningRecord } from '#shared/domain/records';
import { refilledTokens } from '#shared/usecases/api-keys';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { batch, course, enrolment } from '../support/fixtures.ts';

const fixedNow = new Date('2026-03-31T10:15:30.123Z');

describe('course reports: the user activity window', () => {
  it('defaults to the calendar month before the injected clock', () => {
    expect(activityWindow({}, fixedNow)).toEqual({ from: '2026-02-28T10:15:30.123Z', to: '2026-03-31T10:15:30.123Z' });
    expect(activityWindow({ to: '2026-02-15T00:00:00+01:00' }, fixedNow)).toEqual({
      from: '2026-01-14T23:00:00.000Z',
      to: '2026-02-14T23:00:00.000Z',
    });
  });

  it('refuses from after to, and a window over a year, but takes exactly a year', () => {
    expect(() => activityWindow({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, fixedNow)).toThrow(/after/);
    expect(() => activityWindow({ from: '2025-02-28T23:59:59Z', to: '2026-03-01T00:00:00Z' }, fixedNow)).toThrow(ValidationError);
    expect(activityWindow({ from: '2025-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, fixedNow).from).toBe(
      '2025-03-01T00:00:00.000Z',
    );
  });

  it('counts a session that straddles a bound, and not one that ends before from', () => {
    const window = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' };
    expect(overlapsWindow({ startedAt: '2026-02-28T23:00:00.000Z', endedAt: '2026-03-01T00:30:00.000Z' }, window)).toBe(true);
    expect(overlapsWindow({ startedAt: '2026-03-30T23:00:00.000Z', endedAt: '2026-03-31T01:00:00.000Z' }, window)).toBe(true);
    expect(overlapsWindow({ startedAt: '2026-02-28T22:00:00.000Z', endedAt: '2026-02-28T23:59:59.999Z' }, window)).toBe(false);
    expect(overlapsWindow({ startedAt: '2026-03-31T00:00:00.001Z', endedAt: '2026-03-31T02:00:00.000Z' }, window)).toBe(false);
  });
});

describe('course reports: CSV', () => {
  it('quotes strings (a name with a line break too), writes numbers and booleans bare and null empty', async () => {
    const learner: LearnerBundle = {
      enrolment: enrolment(),
      attempts: [],
      profile: { kind: 'user', org: 'org-1', userId: 'u1', name: 'Line\nBreak "Quoted"' },
    };
    async function* pages() {
      yield [learner];
    }
    let text = '';
    for await (const chunk of encodeReport('csv', enrollmentsReport, contextFor(course), pages())) text += chunk;
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '"course_id","course_name","enrollment_id","email","name","workspace_id","enrolled_at","started_at","status","exercises_finished","exercises_count","all_exercises_completed"',
    );
    expect(text).toContain(',"Line\nBreak ""Quoted""","batch-1","2026-01-02T10:00:00.000Z",,"enrolled",0,0,false\n');
    const [, row] = parse(text) as string[][];
    expect(row?.[4]).toBe('Line\nBreak "Quoted"');
    expect(row?.[3]).toBe('');
  });
});

describe('course reports: finished exercises', () => {
  it('counts the same from a learner’s results (the exhaust) as from the ids stored beside them (the API)', () => {
    const withExercises = CourseRecordSchema.parse({
      ...course,
      children: [
        { type: 'content', id: 'lab-1', name: 'Lab', exerciseType: 'exercise' },
        {
          type: 'module',
          id: 'm',
          name: 'M',
          children: [{ type: 'content', id: 'lab-2', name: 'Lab 2', exerciseType: 'exercise' }],
        },
        { type: 'content', id: 'reading', name: 'Reading' },
      ],
    });
    const context = contextFor(withExercises);
    const results = [
      { exerciseId: 'lab-2', result: 'failure' as const, finishedAt: '2026-01-05T00:00:00.000Z' },
      { exerciseId: 'lab-2', result: 'success' as const, finishedAt: '2026-01-06T00:00:00.000Z' },
      // No longer an exercise of the course: not counted either way.
      { exerciseId: 'gone', result: 'success' as const, finishedAt: '2026-01-06T00:00:00.000Z' },
    ];
    const fromResults = enrollmentsReport.jsonItem({ enrolment: enrolment({ exerciseResults: results }) }, context);
    const fromIds = enrollmentsReport.jsonItem(
      { enrolment: { ...enrolment(), finishedExerciseIds: finishedExerciseIds({ exerciseResults: results }) } },
      context,
    );
    expect(fromIds).toEqual(fromResults);
    expect(fromIds).toMatchObject({ exercises_finished: 1, exercises_count: 2, all_exercises_completed: false });
    const all = enrollmentsReport.jsonItem({ enrolment: { ...enrolment(), finishedExerciseIds: ['lab-1', 'lab-2'] } }, context);
    expect(all).toMatchObject({ exercises_finished: 2, all_exercises_completed: true });
  });
});

describe('api keys: token bucket', () => {
  const policy = { ratePerSecond: 2, burst: 5 };
  it('starts full, refills at the rate and never above the burst', () => {
    expect(refilledTokens(undefined, 0, policy)).toBe(5);
    expect(refilledTokens({ tokens: 0, at: 1000 }, 1500, policy)).toBe(1);
    expect(refilledTokens({ tokens: 4, at: 0 }, 60_000, policy)).toBe(5);
    expect(refilledTokens({ tokens: 1, at: 2000 }, 1000, policy)).toBe(1);
  });
});

describe('use case: ingest course report records', () => {
  const exerciseCourse = CourseRecordSchema.parse({
    ...course,
    children: [{ type: 'content', id: 'lab-1', name: 'Lab', exerciseType: 'exercise' }],
  });
  function memory(seed: LearningRecord[]) {
    const written: LearningRecord[] = [...seed];
    const repository: RecordsRepository = {
      getCourse: async (id) => written.find((r): r is typeof course => r.kind === 'course' && r.courseId === id),
      getBatch: async (c, b) => written.find((r): r is typeof batch => r.kind === 'batch' && r.courseId === c && r.batchId === b),
      learnerPages: () => {
        throw new Error('not used');
      },
      getUsers: async () => new Map(),
      countEnrolments: async () => 0,
      putRecords: async (records) => {
        written.push(...records);
      },
    };
    return { repository, written };
  }
  const base = { courseId: 'course-1', batchId: 'batch-1', userId: 'u1' };

  it('writes enrolments with exercise results and sessions', async () => {
    const { repository, written } = memory([exerciseCourse, batch]);
    const result = await ingestRecords(
      [
        {
          kind: 'enrolment',
          ...base,
          enrolledAt: '2026-01-02T10:00:00Z',
          startedAt: '2026-01-02T11:00:00Z',
          workspaceId: 'ws-1',
          exerciseResults: [{ exerciseId: 'lab-1', result: 'success', finishedAt: '2026-01-03T10:00:00Z' }],
        },
        { kind: 'session', ...base, startedAt: '2026-01-02T11:00:00Z', endedAt: '2026-01-02T11:30:00.250Z' },
      ],
      { records: repository },
    );
    expect(result.byKind).toEqual({ enrolment: 1, session: 1 });
    expect(written.at(-1)).toMatchObject({ kind: 'session', endedAt: '2026-01-02T11:30:00.250Z' });
  });

  it('refuses a result for something that is not an exercise, a session ending before it starts, and one of an unknown batch', async () => {
    const { repository, written } = memory([exerciseCourse, batch]);
    const error = await ingestRecords(
      [
        {
          kind: 'enrolment',
          ...base,
          enrolledAt: '2026-01-02T10:00:00Z',
          exerciseResults: [{ exerciseId: 'not-an-exercise', result: 'success', finishedAt: '2026-01-03T10:00:00Z' }],
        },
        { kind: 'session', ...base, startedAt: '2026-01-02T11:00:00Z', endedAt: '2026-01-02T10:00:00Z' },
        { kind: 'session', ...base, batchId: 'nope', startedAt: '2026-01-02T11:00:00Z', endedAt: '2026-01-02T12:00:00Z' },
        {
          kind: 'enrolment',
          ...base,
          enrolledAt: '2026-01-02T10:00:00Z',
          exerciseResults: [{ exerciseId: 'lab-1', result: 'maybe' }],
        },
      ],
      { records: repository },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'records[0].exerciseResults[0].exerciseId',
      'records[1].endedAt',
      'records[2].batchId',
      'records[3].exerciseResults[0].finishedAt',
      'records[3].exerciseResults[0].result',
    ]);
    expect(written).toHaveLength(2);
  });

  it('measures an enrolment against the item size limit as stored, with the ids of its finished exercises', async () => {
    const { repository, written } = memory([exerciseCourse, batch]);
    const results = Array.from({ length: 1_800 }, (_, i) => ({
      exerciseId: `lab-${i}`.padEnd(128, 'x'),
      result: 'success' as const,
      finishedAt: '2026-01-03T10:00:00.000Z',
    }));
    const record = { kind: 'enrolment' as const, ...base, enrolledAt: '2026-01-02T10:00:00Z', exerciseResults: results };
    // Under the limit as sent, over it once the ids are stored beside the results.
    expect(storedSize(record)).toBeLessThan(MAX_RECORD_BYTES);
    expect(storedSize({ ...record, finishedExerciseIds: finishedExerciseIds(record) })).toBeGreaterThan(MAX_RECORD_BYTES);
    const error = await ingestRecords([record], { records: repository }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      path: 'records[0]',
      message: `is larger than ${MAX_RECORD_BYTES} bytes when stored`,
    });
    expect(written).toHaveLength(2);
  });
});
