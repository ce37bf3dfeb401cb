import type { BatchRecord } from './records.ts';

/**
 * The read side of the course dashboard. The records table keeps, next to the records themselves,
 * an index of who may find which course (written at ingestion) and per-batch enrolment counts
 * (kept at ingestion, so reads never count a batch's learners).
 */

/** One index entry: the user created the course, or created or mentors one of its batches. */
export interface CourseAccessEntry {
  courseId: string;
  org: string;
  role: 'creator' | 'mentor';
  /** Set when the entry comes from a batch (its creator or a mentor). */
  batchId?: string | undefined;
}

export interface CourseSummary {
  courseId: string;
  org: string;
  name: string;
  creatorId: string;
}

export interface CourseDirectory {
  /**
   * The index entries for a user, at most `limit`. The index is a hint for search: it may still name
   * a course whose creator or mentors changed, so callers confirm each entry against the records.
   */
  accessEntries(userId: string, limit: number): Promise<CourseAccessEntry[]>;
  /** Name, org and creator of each course that exists, by id. */
  courseSummaries(courseIds: string[]): Promise<Map<string, CourseSummary>>;
  /** The batches named, as stored (missing ones are left out). */
  getBatches(keys: { courseId: string; batchId: string }[]): Promise<BatchRecord[]>;
  /** Every batch of a course. */
  batchesOf(courseId: string): Promise<BatchRecord[]>;
  /** Enrolments per batch of a course, as counted at ingestion; a batch with none is absent. */
  enrolmentCounts(courseId: string): Promise<Map<string, number>>;
}
