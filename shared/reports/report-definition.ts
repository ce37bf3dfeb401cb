import type { ActivityWindow } from '../domain/activity-window.ts';
import type { CourseOutline } from '../domain/course-structure.ts';
import type { BatchRecord, LearnerBundle, UserRecord } from '../domain/records.ts';
import type { Actor, ReportType } from '../domain/report-types.ts';
import type { Column, FileLayout } from './columns.ts';

export interface BatchContext {
  outline: CourseOutline;
  batch: BatchRecord;
  /** The request's activity window; only the user activity report has one. */
  window?: ActivityWindow | undefined;
}

/**
 * One report type: who may ask for it, and, per batch, its columns and how one learner becomes
 * rows. Layouts are pure: the workflow streams learners through them a page at a time.
 */
export interface ReportDefinition {
  type: ReportType;
  /** A password is mandatory because the file may carry personal data. */
  passwordRequired: boolean;
  /** Whether rows need the learner's profile (a BatchGet per page of learners). */
  needsProfiles: boolean;
  /** Whether rows need the learner's activity sessions in the request's window (a Query per page). */
  needsSessions?: true;
  mayRequest(actor: Actor, context: BatchContext): boolean;
  /**
   * Prepares, once per batch, what every row needs (lookups by id, scoring plans, the dynamic
   * columns of the course's modules and assessments) and returns the file's layout.
   */
  layout(context: BatchContext): FileLayout;
  /** A rough size of one learner's CSV rows, for Plan to refuse files a format cannot hold. */
  csvBytesPerLearner(outline: CourseOutline): number;
}

export function isCreator(actor: Actor, { outline, batch }: BatchContext): boolean {
  return actor.userId === outline.course.creatorId || actor.userId === batch.creatorId;
}

export function isMentor(actor: Actor, { batch }: BatchContext): boolean {
  return batch.mentors.includes(actor.userId);
}

/** What every row of every report knows: whose row it is. */
export interface LearnerRow {
  learner: LearnerBundle;
}

/**
 * The DIKSHA columns every report starts with: Collection Id, Collection Name, Batch Id, Batch
 * Name, User UUID. Course and batch are the same on every row of a file.
 */
export function commonColumns({ outline, batch }: BatchContext): Column<LearnerRow>[] {
  const { courseId, name: courseName } = outline.course;
  const { batchId, name: batchName } = batch;
  return [
    { header: 'Collection Id', id: true, cell: () => courseId },
    { header: 'Collection Name', cell: () => courseName },
    { header: 'Batch Id', id: true, cell: () => batchId },
    { header: 'Batch Name', cell: () => batchName },
    { header: 'User UUID', id: true, cell: (row) => row.learner.enrolment.userId },
  ];
}

/** A column showing a profile field, blank for a learner without a profile (or of another org). */
export function profileColumn(
  header: string,
  field: keyof Pick<
    UserRecord,
    'state' | 'district' | 'orgName' | 'schoolId' | 'schoolName' | 'block' | 'cluster' | 'userType' | 'userSubType' | 'board'
  >,
  options: { id?: true } = {},
): Column<LearnerRow> {
  return { header, ...options, cell: (row) => row.learner.profile?.[field] ?? '' };
}
