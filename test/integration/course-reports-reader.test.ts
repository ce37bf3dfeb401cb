import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCourseReportsReader } from '#shared/adapters/dynamo-course-reports-reader';
import { DynamoRecordsRepository, RECORD_KEYS } from '#shared/adapters/dynamo-records-repository';
import type { LearnerActivity, LearnerProgress, LearnerSummary } from '#shared/course-reports/ports';
import { type LearningRecord, LearningRecordSchema } from '#shared/domain/records';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { batch, course } from '../support/fixtures.ts';

/**
 * The course reports read each record projected to the attributes they show. These learners carry
 * every attribute a record may hold (profile fields the reports do not show, consent, attempts,
 * completed content, certificates, sessions), so the reads must come back with exactly the fields
 * the reports use: one missing would blank a column, one extra would be parsed for nothing.
 */
let emulators: Emulators;
let reader: DynamoCourseReportsReader;
let repository: DynamoRecordsRepository;

const LEARNERS = 30;
const userId = (i: number) => `u${String(i).padStart(2, '0')}`;
const at = (day: number) => `2026-02-${String(day).padStart(2, '0')}T10:00:00.000Z`;

beforeAll(async () => {
  emulators = await startEmulators();
  // Pages of 5 items: learners and their consent and attempts straddle page boundaries.
  repository = new DynamoRecordsRepository(emulators.tables.records, emulators.db, 5);
  const raw: unknown[] = [course, batch];
  for (let i = 0; i < LEARNERS; i += 1) {
    const id = userId(i);
    raw.push({
      kind: 'user',
      org: 'org-1',
      userId: id,
      name: `Learner ${i}`,
      email: `l${i}@example.org`,
      phone: '+91 9810000000',
      state: 'Goa',
      schoolName: 'School',
    });
    raw.push({
      kind: 'enrolment',
      courseId: 'course-1',
      batchId: 'batch-1',
      userId: id,
      enrolledAt: at(1),
      ...(i % 3 === 0 ? {} : { startedAt: at(2) }),
      ...(i % 3 === 2 ? { completedAt: at(9) } : {}),
      ...(i % 2 === 0 ? { workspaceId: `ws-${i}` } : {}),
      completedContentIds: ['c1', 'a1'],
      certificates: [{ id: `cert-${i}`, issuedAt: at(9) }],
      exerciseResults: [{ exerciseId: 'a1', result: i % 2 ? 'success' : 'failure', finishedAt: at(3) }],
    });
    raw.push({ kind: 'consent', courseId: 'course-1', batchId: 'batch-1', userId: id, given: true, at: at(1) });
    for (let a = 0; a < i % 3; a += 1) {
      raw.push({
        kind: 'attempt',
        courseId: 'course-1',
        batchId: 'batch-1',
        userId: id,
        assessmentId: 'a1',
        attemptId: `t${a}`,
        attemptedAt: at(3),
        score: a,
      });
    }
    raw.push({ kind: 'session', courseId: 'course-1', batchId: 'batch-1', userId: id, startedAt: at(4), endedAt: at(5) });
  }
  await repository.putRecords(raw.map((r) => LearningRecordSchema.parse(r)) as LearningRecord[]);
  reader = new DynamoCourseReportsReader(emulators.tables.records, emulators.db);
});
afterAll(async () => emulators?.stop());

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

const sortedIds = () => Array.from({ length: LEARNERS }, (_, i) => userId(i));
const indexOf = (id: string) => Number(id.slice(1));

/** Learner `i`'s enrolment as the reports read it: what they show, and nothing else. */
const shownEnrolment = (i: number) => ({
  kind: 'enrolment',
  batchId: 'batch-1',
  userId: userId(i),
  enrolledAt: at(1),
  ...(i % 3 === 0 ? {} : { startedAt: at(2) }),
  ...(i % 3 === 2 ? { completedAt: at(9) } : {}),
  ...(i % 2 === 0 ? { workspaceId: `ws-${i}` } : {}),
});
const shownProfile = (i: number) => ({ userId: userId(i), name: `Learner ${i}`, email: `l${i}@example.org` });

describe('course reports reader against DynamoDB (dynalite)', () => {
  it('reads each enrolment once with exactly the attributes the enrollments and exercises reports show', async () => {
    const learners = await all<LearnerProgress>(reader.learnerPages('course-1', 'batch-1'));
    expect(learners.map((l) => l.enrolment.userId).sort()).toEqual(sortedIds());
    for (const learner of learners) {
      const i = indexOf(learner.enrolment.userId);
      // Exact objects: no consent, attempts, certificates, completed content, keys or unshown profile fields.
      expect(learner).toEqual({
        enrolment: {
          ...shownEnrolment(i),
          exerciseResults: [{ exerciseId: 'a1', result: i % 2 ? 'success' : 'failure', finishedAt: at(3) }],
        },
        profile: shownProfile(i),
      });
    }
  });

  it('reads the user activity report without exercise results, with each session in the window', async () => {
    const window = { from: at(1), to: at(20) };
    const learners = await all<LearnerActivity>(reader.activityPages('course-1', 'batch-1', window));
    expect(learners.map((l) => l.bundle.enrolment.userId).sort()).toEqual(sortedIds());
    for (const { bundle, sessions } of learners) {
      const i = indexOf(bundle.enrolment.userId);
      expect(bundle).toEqual({ enrolment: shownEnrolment(i), profile: shownProfile(i) });
      expect(sessions).toEqual([{ userId: userId(i), startedAt: at(4), endedAt: at(5) }]);
    }
  });

  it('reads the enrollments report with the ids of the finished exercises instead of the results', async () => {
    // Only Queries: ids, names and emails are all stored beside the enrolments.
    const sent: string[] = [];
    emulators.db.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize', name: 'countSummaryReads' },
    );
    const learners = await all<LearnerSummary>(reader.summaryPages('course-1', 'batch-1')).finally(() =>
      emulators.db.middlewareStack.remove('countSummaryReads'),
    );
    expect(new Set(sent)).toEqual(new Set(['QueryCommand']));
    expect(learners.map((l) => l.enrolment.userId).sort()).toEqual(sortedIds());
    for (const learner of learners) {
      const i = indexOf(learner.enrolment.userId);
      expect(learner).toEqual({ enrolment: { ...shownEnrolment(i), finishedExerciseIds: ['a1'] }, profile: shownProfile(i) });
    }
  });

  it('works the finished exercises out from the results of enrolments stored without them, until the backfill', async () => {
    // As an older release stored them: no finishedExerciseIds on three enrolments.
    const older = [userId(3), userId(4), userId(17)];
    for (const id of older) {
      await emulators.db.send(
        new UpdateCommand({
          TableName: emulators.tables.records,
          Key: { pk: RECORD_KEYS.learnersOf('course-1', 'batch-1', id), sk: `ENROL#${id}` },
          UpdateExpression: 'REMOVE finishedExerciseIds',
        }),
      );
    }
    const read = async () =>
      Object.fromEntries(
        (await all<LearnerSummary>(reader.summaryPages('course-1', 'batch-1'))).map((l) => [
          l.enrolment.userId,
          l.enrolment.finishedExerciseIds,
        ]),
      );
    const expected = Object.fromEntries(sortedIds().map((id) => [id, ['a1']]));
    expect(await read()).toEqual(expected);
    expect(await repository.backfillCourseReports()).toEqual({ withIds: older.length, enrolments: LEARNERS });
    expect(await repository.backfillCourseReports()).toEqual({ withIds: 0, enrolments: LEARNERS });
    expect(await read()).toEqual(expected);
  });
});
