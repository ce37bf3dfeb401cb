import type { Readable } from 'node:stream';
import type { ActivityWindow } from '../domain/activity-window.ts';
import type {
  BatchRecord,
  CourseRecord,
  EnrolmentRecord,
  SessionRecord,
  StoredEnrolment,
  UserRecord,
} from '../domain/records.ts';

export type { ActivityWindow } from '../domain/activity-window.ts';

/**
 * The attributes the course reports use of each record, and nothing more: the reader fetches only
 * these (records may carry much more: profile fields and consent the reports do not show, completed
 * content, certificates, attempts). The learner types below are made from the same lists, and
 * test/integration/course-reports-reader.test.ts checks the reads bring back exactly these.
 */
export const LEARNER_FIELDS = ['batchId', 'userId', 'enrolledAt', 'startedAt', 'completedAt', 'workspaceId'] as const;
/** Enrolment attributes of the exercises report: the learner's, and their results. */
export const PROGRESS_FIELDS = [...LEARNER_FIELDS, 'exerciseResults'] as const;
/** Enrolment attributes of the enrollments report: the learner's, and which exercises they finished. */
export const SUMMARY_FIELDS = [...LEARNER_FIELDS, 'finishedExerciseIds'] as const;
export const PROFILE_FIELDS = ['name', 'email'] as const;
export const SESSION_FIELDS = ['startedAt', 'endedAt'] as const;

/** An enrolment as every course report shows it (name and email come from the profile, when there is one). */
export interface ReportLearner {
  enrolment: Pick<EnrolmentRecord, (typeof LEARNER_FIELDS)[number]>;
  profile?: Pick<UserRecord, (typeof PROFILE_FIELDS)[number]> | undefined;
}

/** An enrolment with its exercise results: the exercises report (and the enrollments exhaust). */
export interface LearnerProgress extends ReportLearner {
  enrolment: Pick<EnrolmentRecord, (typeof PROGRESS_FIELDS)[number]>;
}

/** An enrolment with the ids of the exercises it finished: the enrollments report. */
export interface LearnerSummary extends ReportLearner {
  enrolment: Required<Pick<StoredEnrolment, 'finishedExerciseIds'>> & ReportLearner['enrolment'];
}

/** One enrolment with the activity sessions that fall in a window. */
export interface LearnerActivity {
  bundle: ReportLearner;
  sessions: Pick<SessionRecord, (typeof SESSION_FIELDS)[number]>[];
}

/** What the course reports read from the learning records. */
export interface CourseReportsReader {
  getCourse(courseId: string): Promise<CourseRecord | undefined>;
  /** Every batch of the course, in batch id order. */
  listBatches(courseId: string): Promise<BatchRecord[]>;
  /** A batch's enrolments with profiles, a page at a time, by bucket then user id. */
  learnerPages(courseId: string, batchId: string): AsyncIterable<LearnerProgress[]>;
  /** The same learners with which exercises they finished instead of their results. */
  summaryPages(courseId: string, batchId: string): AsyncIterable<LearnerSummary[]>;
  /** The same pages, each learner with their sessions in the window (start order). */
  activityPages(courseId: string, batchId: string, window: ActivityWindow): AsyncIterable<LearnerActivity[]>;
}

/** Where a result too large for a synchronous response goes, and how the caller fetches it. */
export interface LargeResultStore {
  save(key: string, body: Readable, contentType: string): Promise<void>;
  link(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
}
