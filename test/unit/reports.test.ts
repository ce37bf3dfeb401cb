import { describe, expect, it } from 'vitest';
import { outlineCourse } from '#shared/domain/course-structure';
import { CourseRecordSchema, type UserRecord } from '#shared/domain/records';
import { courseProgressReport } from '#shared/reports/course-progress';
import { decodeList } from '#shared/reports/list-encoding';
import { questionSetReport } from '#shared/reports/question-set';
import type { BatchContext } from '#shared/reports/report-definition';
import { userProfileReport } from '#shared/reports/user-profile';
import { attempt, batch, course, enrolment } from '../support/fixtures.ts';

const context: BatchContext = { outline: outlineCourse(course), batch };
const profile: UserRecord = {
  kind: 'user',
  org: 'org-1',
  userId: 'u1',
  name: 'Asha Rao',
  email: 'asha@example.org',
  phone: '+91 9800000000',
  externalId: 'EXT-1',
  state: 'Karnataka',
  district: 'Mysuru',
};
const cellsOf = (report: typeof courseProgressReport, row: (string | number)[]) =>
  Object.fromEntries(report.layout(context).header.map((column, i) => [column, row[i]]));

describe('report: course progress', () => {
  it('adds module progress and assessment score columns in course order, telling same-named ones apart', () => {
    const columns = courseProgressReport.layout(context).header;
    expect(columns.slice(0, 3)).toEqual(['Collection Id', 'Collection Name', 'Batch Id']);
    expect(columns.slice(18)).toEqual([
      'Progress',
      'Total Score',
      'Module A [m1] - Progress',
      'Module B - Progress',
      'Module A [m2a] - Progress',
      'Quiz [a1] - Score',
      'Quiz [a2] - Score',
    ]);
  });

  it('has no module columns for a course without modules', () => {
    const flat = CourseRecordSchema.parse({ ...course, children: [{ type: 'content', id: 'c1', name: 'Only' }] });
    const columns = courseProgressReport.layout({ outline: outlineCourse(flat), batch }).header;
    expect(columns.at(-1)).toBe('Total Score');
  });

  it('fills one row from the enrolment, best attempts and profile', () => {
    const learner = {
      enrolment: enrolment({
        completedContentIds: ['c1', 'a1'],
        certificates: [{ id: 'x', issuedAt: '2026-02-01T00:00:00.000Z' }],
      }),
      attempts: [
        attempt({ assessmentId: 'a1', score: 4 }),
        attempt({ assessmentId: 'a1', score: 5 }),
        attempt({ assessmentId: 'a2', score: 2 }),
      ],
      profile,
    };
    const [row] = courseProgressReport.layout(context).rows(learner);
    const cells = cellsOf(courseProgressReport, row ?? []);
    expect(cells).toMatchObject({
      'User UUID': 'u1',
      State: 'Karnataka',
      'Certificate Status': 'Issued',
      Progress: 50,
      'Total Score': '47%',
      'Module A [m1] - Progress': 100,
      'Module B - Progress': 0,
      'Quiz [a1] - Score': '50%',
      'Quiz [a2] - Score': '40%',
      'Completion Date': '',
    });
  });

  it('lets the course creator, the batch creator and a batch mentor ask; nobody else', () => {
    expect(courseProgressReport.mayRequest({ userId: 'creator-1', org: 'org-1' }, context)).toBe(true);
    expect(courseProgressReport.mayRequest({ userId: 'batch-creator', org: 'org-1' }, context)).toBe(true);
    expect(courseProgressReport.mayRequest({ userId: 'mentor-1', org: 'org-1' }, context)).toBe(true);
    expect(courseProgressReport.mayRequest({ userId: 'someone', org: 'org-1' }, context)).toBe(false);
  });
});

describe('report: user profile', () => {
  const rowFor = (consent?: { given: boolean; at: string }) => {
    const learner = {
      enrolment: enrolment(),
      attempts: [],
      profile,
      consent: consent && { kind: 'consent' as const, courseId: 'course-1', batchId: 'batch-1', userId: 'u1', ...consent },
    };
    return cellsOf(userProfileReport, userProfileReport.layout(context).rows(learner)[0] ?? []);
  };

  it('writes personal data of a learner who consented, with the consent date', () => {
    expect(rowFor({ given: true, at: '2026-01-05T00:00:00.000Z' })).toMatchObject({
      'User Name': 'Asha Rao',
      'Email ID': 'asha@example.org',
      'Mobile Number': '+91 9800000000',
      'External ID': 'EXT-1',
      'Consent Provided': 'Yes',
      'Consent Provided Date': '2026-01-05T00:00:00.000Z',
    });
  });

  it.each([
    ['never asked', undefined],
    ['refused or withdrew', { given: false, at: '2026-01-06T00:00:00.000Z' }],
  ])('blanks personal data of a learner who %s', (_case, consent) => {
    const cells = rowFor(consent);
    expect(cells).toMatchObject({
      'User Name': '',
      'Email ID': '',
      'Mobile Number': '',
      'External ID': '',
      'Consent Provided': 'No',
      'Consent Provided Date': '',
    });
    expect(JSON.stringify(cells)).not.toMatch(/asha|Asha|9800000000|EXT-1/);
    expect(cells.State).toBe('Karnataka');
  });

  it('is for creators only, not mentors', () => {
    expect(userProfileReport.mayRequest({ userId: 'creator-1', org: 'org-1' }, context)).toBe(true);
    expect(userProfileReport.mayRequest({ userId: 'mentor-1', org: 'org-1' }, context)).toBe(false);
    expect(userProfileReport.passwordRequired).toBe(true);
  });
});

describe('report: question set responses', () => {
  it('writes one row per question per attempt, each attempt with its own id, in the order they happened', () => {
    const learner = {
      enrolment: enrolment(),
      attempts: [
        attempt({
          assessmentId: 'a1',
          score: 10,
          attemptId: 'second',
          attemptedAt: '2026-01-09T00:00:00.000Z',
          responses: [{ questionId: 'q1', score: 10, durationSeconds: 12, response: ['y'] }],
        }),
        attempt({
          assessmentId: 'a1',
          score: 0,
          attemptId: 'first',
          attemptedAt: '2026-01-08T00:00:00.000Z',
          responses: [{ questionId: 'q1', score: 0, response: ['x, "quoted"\nnext'] }],
        }),
        attempt({
          assessmentId: 'a2',
          score: 5,
          attemptId: 'third',
          responses: [{ questionId: 'q2', score: 5, response: ['पाठ'] }],
        }),
      ],
    };
    const rows = questionSetReport
      .layout(context)
      .rows(learner)
      .map((row) => cellsOf(questionSetReport, row));
    expect(rows.map((r) => r['Attempt ID'])).toEqual(['third', 'first', 'second']);
    expect(rows[1]).toMatchObject({
      'QuestionSet Id': 'a1',
      'QuestionSet Title': 'Quiz',
      'Question ID': 'q1',
      'Question Type': 'Multiple Choice',
      'Question Score': 0,
      'Question Max Score': 10,
      'Question Duration (seconds)': '',
    });
    expect(decodeList(String(rows[1]?.['Question Options']))).toEqual(['x', 'y']);
    expect(decodeList(String(rows[1]?.['Question Response']))).toEqual(['x, "quoted"\nnext']);
    expect(rows[0]?.['Question Type']).toBe('Fill In The Blanks');
  });
});
