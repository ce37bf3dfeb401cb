import { randomUUID } from 'node:crypto';
import { type Delivery, deliver } from '../course-reports/deliver.ts';
import { CONTENT_TYPES, encodeReport, type OutputFormat } from '../course-reports/encode.ts';
import type {
  ActivityWindow,
  CourseReportsReader,
  LargeResultStore,
  LearnerActivity,
  LearnerProgress,
  LearnerSummary,
} from '../course-reports/ports.ts';
import {
  type CourseReportKind,
  contextFor,
  enrollmentsReport,
  exercisesReport,
  userActivityReport,
} from '../course-reports/reports.ts';
import { NotFoundError } from '../domain/errors.ts';

export interface CourseReportQuery {
  org: string;
  courseId: string;
  kind: CourseReportKind;
  format: OutputFormat;
  /** The user activity report's window (already resolved, see course-reports/window). */
  window?: ActivityWindow | undefined;
}

export interface CourseReportDeps {
  reader: CourseReportsReader;
  results: LargeResultStore;
  /** Largest body answered inline (course-reports/deliver: RESPONSE_CAP_BYTES on AWS). */
  capBytes: number;
}

export type CourseReportAnswer = Delivery & { contentType: string };

/**
 * Runs one course report synchronously: one row per enrolment of the course, over all its batches
 * (batch id order, then bucket and user id). A course of another organisation reads as missing.
 */
export async function runCourseReport(query: CourseReportQuery, deps: CourseReportDeps): Promise<CourseReportAnswer> {
  const course = await deps.reader.getCourse(query.courseId);
  if (!course || course.org !== query.org) throw new NotFoundError(`Course ${query.courseId} not found`);
  const batches = await deps.reader.listBatches(query.courseId);
  const context = contextFor(course, query.window);

  async function* learners(): AsyncIterable<LearnerProgress[]> {
    for (const batch of batches) yield* deps.reader.learnerPages(query.courseId, batch.batchId);
  }
  async function* summaries(): AsyncIterable<LearnerSummary[]> {
    for (const batch of batches) yield* deps.reader.summaryPages(query.courseId, batch.batchId);
  }
  async function* activity(window: ActivityWindow): AsyncIterable<LearnerActivity[]> {
    for (const batch of batches) yield* deps.reader.activityPages(query.courseId, batch.batchId, window);
  }

  const chunks =
    query.kind === 'user-activity'
      ? encodeReport(query.format, userActivityReport, context, activity(requireWindow(query.window)))
      : query.kind === 'enrollments'
        ? encodeReport(query.format, enrollmentsReport, context, summaries())
        : encodeReport(query.format, exercisesReport, context, learners());
  const contentType = CONTENT_TYPES[query.format];
  const key = `course-reports/${query.org}/${new Date().toISOString().slice(0, 10)}/${randomUUID()}-${query.kind}.${query.format}`;
  const delivery = await deliver(chunks, { capBytes: deps.capBytes, store: deps.results, key, contentType });
  return { ...delivery, contentType };
}

function requireWindow(window: ActivityWindow | undefined): ActivityWindow {
  if (!window) throw new Error('The user activity report needs a window');
  return window;
}
