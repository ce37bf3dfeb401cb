import { describe, expect, it } from 'vitest';
import { outlineCourse } from '#shared/domain/course-structure';
import type { LearnerBundle, UserRecord } from '#shared/domain/records';
import { CourseExhaustTypes } from '#shared/domain/report-types';
import { reportDefinition } from '#shared/reports/catalogue';
import { type Column, fileLayout } from '#shared/reports/columns';
import type { BatchContext, LearnerRow } from '#shared/reports/report-definition';
import { attempt, batch, course, enrolment } from '../support/fixtures.ts';

const context: BatchContext = { outline: outlineCourse(course), batch };
const profile: UserRecord = { kind: 'user', org: 'org-1', userId: 'u1', name: 'Asha', state: 'Goa' };
const learner: LearnerBundle = {
  enrolment: enrolment({ completedContentIds: ['c1'] }),
  attempts: [
    attempt({ assessmentId: 'a1', score: 4, responses: [{ questionId: 'q1', score: 4, response: ['x'] }] }),
    attempt({ assessmentId: 'a2', score: 2, attemptId: 'other', responses: [{ questionId: 'q2', score: 2, response: ['y'] }] }),
  ],
  profile,
};

describe('report columns as data', () => {
  it.each(CourseExhaustTypes)('%s: every row has one cell per header, headers unique and the DIKSHA ones first', (type) => {
    const layout = reportDefinition(type).layout(context);
    expect(layout.header.slice(0, 5)).toEqual(['Collection Id', 'Collection Name', 'Batch Id', 'Batch Name', 'User UUID']);
    expect(new Set(layout.header).size).toBe(layout.header.length);
    const rows = layout.rows(learner);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toHaveLength(layout.header.length);
      // The common columns read what their headers say, in every report.
      expect(row.slice(0, 5)).toEqual(['course-1', course.name, 'batch-1', batch.name, 'u1']);
    }
    // Ids are marked on the columns themselves, so they move with their column.
    for (const name of ['Collection Id', 'Batch Id', 'User UUID'])
      expect(layout.idColumns.has(layout.header.indexOf(name))).toBe(true);
    expect(layout.idColumns.has(layout.header.indexOf('Collection Name'))).toBe(false);
  });

  it('keeps each dynamic column with its own values: module progress and assessment scores by course order', () => {
    const layout = reportDefinition('course-progress').layout(context);
    const [row = []] = layout.rows(learner);
    const cell = (header: string) => row[layout.header.indexOf(header)];
    expect(cell('Quiz [a1] - Score')).toBe('40%');
    expect(cell('Quiz [a2] - Score')).toBe('40%');
    expect(cell('State')).toBe('Goa');
  });

  it('refuses a layout whose headers repeat or are blank, which a reader could not tell apart', () => {
    const column: Column<LearnerRow> = { header: 'User UUID', cell: (row) => row.learner.enrolment.userId };
    expect(() => fileLayout([column, column], (l) => [{ learner: l }])).toThrow(
      'Two report columns share the header "User UUID"',
    );
    expect(() => fileLayout([{ ...column, header: ' ' }], (l) => [{ learner: l }])).toThrow('empty header');
  });

  it('cannot be given a header without its cell, nor a cell reading what the row does not have (checked by tsc)', () => {
    // @ts-expect-error a column must say how its cell is read
    const headerOnly: Column<LearnerRow> = { header: 'Orphan' };
    // @ts-expect-error a cell may only read what the report prepared for its rows
    const wrongRow: Column<LearnerRow> = { header: 'Score', cell: (row) => row.scores.progress };
    expect([headerOnly, wrongRow]).toHaveLength(2);
  });
});
