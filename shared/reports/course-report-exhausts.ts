import { courseExercises } from '../course-reports/exercises.ts';
import {
  type CourseReport,
  type Cell as CourseReportCell,
  contextFor,
  enrollmentsReport,
  exercisesReport,
  userActivityReport,
} from '../course-reports/reports.ts';
import type { Cell } from '../domain/cell.ts';
import type { LearnerBundle } from '../domain/records.ts';
import type { ReportType } from '../domain/report-types.ts';
import type { FileLayout } from './columns.ts';
import { type BatchContext, isCreator, type ReportDefinition } from './report-definition.ts';
import { hasConsented } from './user-profile.ts';

/**
 * The course reports (enrollments, exercises, user activity) as async exhausts, one batch per ZIP.
 * Columns and rows are the sync API's own (shared/course-reports/reports.ts): one definition of
 * each report, two ways of delivering it. What differs is only what a file for course staff must do:
 * - **consent**: `name` and `email` are written only for learners whose latest consent says yes,
 *   blank otherwise, as in the user profile exhaust (the sync API answers the org's own key, which
 *   needs no consent gate; the exhaust goes to course staff, who do);
 * - **cells**: the exhausts' CSV rules (BOM, CRLF, formula-safe text); `null` is an empty cell and
 *   booleans read `true`/`false`, as in the sync CSV.
 * They carry names and emails, so like the user profile exhaust they are for the course's (or
 * batch's) creator only and need a password.
 */

/** Columns that hold identifiers, kept exact when a spreadsheet opens the file. */
const ID_COLUMNS = new Set(['course_id', 'enrollment_id', 'workspace_id']);

const exhaustCell = (cell: CourseReportCell): Cell =>
  cell === null ? '' : typeof cell === 'boolean' ? (cell ? 'true' : 'false') : cell;

/** The learner as course staff may see them: without the profile (name, email) unless they consented. */
const consentedView = (learner: LearnerBundle): LearnerBundle =>
  hasConsented(learner.consent) ? learner : { ...learner, profile: undefined };

function layoutOf<L>(report: CourseReport<L>, context: BatchContext, toLearner: (bundle: LearnerBundle) => L): FileLayout {
  const reportContext = contextFor(context.outline.course, context.window);
  const header = report.csvColumns(reportContext);
  return {
    header,
    idColumns: new Set(header.flatMap((name, i) => (ID_COLUMNS.has(name) ? [i] : []))),
    rows: (bundle) => report.csvRows(toLearner(consentedView(bundle)), reportContext).map((row) => row.map(exhaustCell)),
  };
}

function courseReportExhaust<L>(
  type: ReportType,
  report: CourseReport<L>,
  toLearner: (bundle: LearnerBundle) => L,
  csvBytesPerLearner: ReportDefinition['csvBytesPerLearner'],
  extra: Pick<ReportDefinition, 'needsSessions'> = {},
): ReportDefinition {
  return {
    type,
    passwordRequired: true,
    needsProfiles: true,
    ...extra,
    mayRequest: (actor, context) => isCreator(actor, context),
    csvBytesPerLearner,
    layout: (context) => layoutOf(report, context, toLearner),
  };
}

/** One row per enrolment of the batch. */
export const enrollmentsExhaust = courseReportExhaust(
  'enrollments',
  enrollmentsReport,
  (bundle) => bundle,
  () => 300,
);

/** One row per enrolment, with four columns per exercise of the course in course order. */
export const exercisesExhaust = courseReportExhaust(
  'exercises',
  exercisesReport,
  (bundle) => bundle,
  (outline) => 250 + 80 * courseExercises(outline.course).length,
);

/**
 * One row per session in the request's window (an enrolment without one still gets a row, its
 * session cells blank). The window is resolved when the request is made and kept on it.
 */
export const userActivityExhaust = courseReportExhaust(
  'user-activity',
  userActivityReport,
  (bundle) => ({ bundle, sessions: bundle.sessions ?? [] }),
  // A row of ~300 bytes per session, assuming a few sessions per learner in a window.
  () => 1_200,
  { needsSessions: true },
);
