import type { Readable } from 'node:stream';
import type { ActivityWindow } from '../domain/activity-window.ts';
import type { BatchRecord, CourseRecord, LearnerBundle, SessionRecord } from '../domain/records.ts';

export type { ActivityWindow } from '../domain/activity-window.ts';

/** One enrolment with the activity sessions that fall in a window. */
export interface LearnerActivity {
  bundle: LearnerBundle;
  sessions: SessionRecord[];
}

/** What the course reports read from the learning records. */
export interface CourseReportsReader {
  getCourse(courseId: string): Promise<CourseRecord | undefined>;
  /** Every batch of the course, in batch id order. */
  listBatches(courseId: string): Promise<BatchRecord[]>;
  /** A batch's enrolments with profiles, a page at a time, by bucket then user id. */
  learnerPages(courseId: string, batchId: string): AsyncIterable<LearnerBundle[]>;
  /** The same pages, each learner with their sessions in the window (start order). */
  activityPages(courseId: string, batchId: string, window: ActivityWindow): AsyncIterable<LearnerActivity[]>;
}

/** Where a result too large for a synchronous response goes, and how the caller fetches it. */
export interface LargeResultStore {
  save(key: string, body: Readable, contentType: string): Promise<void>;
  link(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
}
