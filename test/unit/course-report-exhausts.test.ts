import { describe, expect, it } from 'vitest';
import { contextFor, enrollmentsReport, exercisesReport, userActivityReport } from '#shared/course-reports/reports';
import { outlineCourse } from '#shared/domain/course-structure';
import { CourseRecordSchema, type LearnerBundle, type SessionRecord, type UserRecord } from '#shared/domain/records';
import { CourseReportExhaustTypes } from '#shared/domain/report-types';
import { reportDefinition } from '#shared/reports/catalogue';
import type { BatchContext } from '#shared/reports/report-definition';
import { batch, enrolment } from '../support/fixtures.ts';

const course = CourseRecordSchema.parse({
  kind: 'course',
  org: 'org-1',
  courseId: 'course-1',
  name: 'Labs',
  creatorId: 'creator-1',
  children: [
    { type: 'content', id: 'lab-1', name: '=Lab one', exerciseType: 'exercise' },
    { type: 'assessment', id: 'quiz-1', name: 'Quiz', maxScore: 10, exerciseType: 'question' },
  ],
});
const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const context: BatchContext = { outline: outlineCourse(course), batch, window };
const profile: UserRecord = { kind: 'user', org: 'org-1', userId: 'u1', name: 'Asha', email: 'asha@example.org' };
const session: SessionRecord = {
  kind: 'session',
  courseId: 'course-1',
  batchId: 'batch-1',
  userId: 'u1',
  startedAt: '2026-01-05T09:30:00.000Z',
  endedAt: '2026-01-05T10:12:03.250Z',
};
const base: LearnerBundle = {
  enrolment: enrolment({
    startedAt: '2026-01-05T09:30:00.000Z',
    exerciseResults: [{ exerciseId: 'lab-1', result: 'success', finishedAt: '2026-01-06T10:00:00.000Z' }],
  }),
  attempts: [],
  profile,
  sessions: [session, { ...session, startedAt: '2026-01-07T09:00:00.000Z', endedAt: '2026-01-07T09:01:00.000Z' }],
};
const consented: LearnerBundle = {
  ...base,
  consent: {
    kind: 'consent',
    courseId: 'course-1',
    batchId: 'batch-1',
    userId: 'u1',
    given: true,
    at: '2026-01-02T00:00:00.000Z',
  },
};
const withdrawn: LearnerBundle = {
  ...consented,
  consent: { ...(consented.consent as NonNullable<LearnerBundle['consent']>), given: false },
};

/** The sync report's CSV cells as the exhaust writes them: null empty, booleans as words. */
const asExhaustCells = (rows: (string | number | boolean | null)[][]) =>
  rows.map((row) => row.map((cell) => (cell === null ? '' : typeof cell === 'boolean' ? String(cell) : cell)));

describe('course reports as exhausts', () => {
  const sync = contextFor(course, window);
  const cases = [
    {
      type: 'enrollments' as const,
      header: enrollmentsReport.csvColumns(sync),
      rows: (l: LearnerBundle) => enrollmentsReport.csvRows(l, sync),
    },
    {
      type: 'exercises' as const,
      header: exercisesReport.csvColumns(sync),
      rows: (l: LearnerBundle) => exercisesReport.csvRows(l, sync),
    },
    {
      type: 'user-activity' as const,
      header: userActivityReport.csvColumns(sync),
      rows: (l: LearnerBundle) => userActivityReport.csvRows({ bundle: l, sessions: l.sessions ?? [] }, sync),
    },
  ];

  it.each(cases)('$type: the sync report’s header and cells, for a learner who consented', ({ type, header, rows }) => {
    const layout = reportDefinition(type).layout(context);
    expect(layout.header).toEqual(header);
    expect(layout.rows(consented)).toEqual(asExhaustCells(rows(consented)));
    expect(layout.rows(consented).flat()).toContain('asha@example.org');
  });

  it.each(cases)(
    '$type: name and email blank without consent (never given, or withdrawn), the rest unchanged',
    ({ type, header, rows }) => {
      const layout = reportDefinition(type).layout(context);
      const blanked = asExhaustCells(rows({ ...base, profile: undefined }));
      for (const learner of [base, withdrawn]) {
        const written = layout.rows(learner);
        expect(written).toEqual(blanked);
        expect(written.flat()).not.toContain('asha@example.org');
        expect(written.flat()).not.toContain('Asha');
      }
      expect(header).toContain('email');
    },
  );

  it('user-activity: one row per session in the window, which it reads from the request', () => {
    const layout = reportDefinition('user-activity').layout(context);
    const rows = layout.rows(consented);
    expect(rows).toHaveLength(2);
    const at = (name: string) => layout.header.indexOf(name);
    expect(rows[0]?.[at('session_duration_in_seconds')]).toBe(2523.25);
    expect(rows[0]?.[at('total_session_time')]).toBe(2583.25);
    expect(rows[0]?.[at('from')]).toBe(window.from);
    expect(layout.rows({ ...consented, sessions: [] })).toHaveLength(1);
  });

  it.each(CourseReportExhaustTypes)('%s: creators only, password required, ids marked', (type) => {
    const definition = reportDefinition(type);
    expect(definition.passwordRequired).toBe(true);
    const actor = (userId: string) => ({ userId, org: 'org-1' });
    expect(definition.mayRequest(actor('creator-1'), context)).toBe(true);
    expect(definition.mayRequest(actor('batch-creator'), context)).toBe(true);
    expect(definition.mayRequest(actor('mentor-1'), context)).toBe(false);
    const layout = definition.layout(context);
    expect(layout.idColumns.has(layout.header.indexOf('enrollment_id'))).toBe(true);
    expect(layout.idColumns.has(layout.header.indexOf('email'))).toBe(false);
  });
});
