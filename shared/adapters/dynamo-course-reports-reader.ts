import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ActivityWindow,
  type CourseReportsReader,
  LEARNER_FIELDS,
  type LearnerActivity,
  type LearnerProgress,
  type LearnerSummary,
  PROFILE_FIELDS,
  PROGRESS_FIELDS,
  SESSION_FIELDS,
  SUMMARY_FIELDS,
} from '../course-reports/ports.ts';
import type { BatchRecord, CourseRecord } from '../domain/records.ts';
import { ALL_BUCKETS } from '../domain/shards.ts';
import { clients } from './aws-clients.ts';
import { queryAll, recordOf } from './dynamo-batches.ts';
import { DynamoRecordsRepository, RECORD_KEYS } from './dynamo-records-repository.ts';
import { orderedPrefetch } from './ordered-prefetch.ts';

/** Pages fetched ahead, in the buckets after the one being answered, while it is answered. */
const PAGES_AHEAD = 4;

/** What each report reads (course-reports/ports): the user activity report needs no exercise results. */
const PROGRESS_READ = { enrolment: PROGRESS_FIELDS, profile: PROFILE_FIELDS, session: [] } as const;
const SUMMARY_READ = { enrolment: SUMMARY_FIELDS, profile: PROFILE_FIELDS, session: [] } as const;
const ACTIVITY_READ = { enrolment: LEARNER_FIELDS, profile: PROFILE_FIELDS, session: SESSION_FIELDS } as const;

/** Bucket by bucket in order, as the exhausts read, with the next buckets' first pages fetched meanwhile. */
const byBucket = <T>(read: (bucket: number) => AsyncIterable<T[]>): AsyncIterable<T[]> =>
  orderedPrefetch(
    ALL_BUCKETS.map((bucket) => () => read(bucket)),
    { maxAhead: PAGES_AHEAD },
  );

/**
 * The course reports' reads of LearningRecords: a course's batches, each batch's learners through
 * the records repository, and for the user activity report the sessions of each page's learners
 * (the repository reads them: one Query over the page's user id range in its bucket, filtered to
 * the window server-side). Every read is projected to the attributes the reports show, and reads
 * enrolments only (no consent, no attempts): most of what a report would otherwise receive, and
 * spend its CPU parsing, it never uses.
 */
export class DynamoCourseReportsReader implements CourseReportsReader {
  private readonly records: DynamoRecordsRepository;

  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
  ) {
    this.records = new DynamoRecordsRepository(tableName, db);
  }

  getCourse(courseId: string): Promise<CourseRecord | undefined> {
    return this.records.getCourse(courseId);
  }

  async listBatches(courseId: string): Promise<BatchRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
      ExpressionAttributeValues: { ':pk': RECORD_KEYS.course(courseId).pk, ':batch': 'BATCH#' },
    });
    return items.map((item) => recordOf<BatchRecord>(item));
  }

  learnerPages(courseId: string, batchId: string): AsyncIterable<LearnerProgress[]> {
    return byBucket((bucket) =>
      this.records.projectedLearnerPages(courseId, batchId, { withProfiles: true, buckets: [bucket] }, PROGRESS_READ),
    );
  }

  summaryPages(courseId: string, batchId: string): AsyncIterable<LearnerSummary[]> {
    return byBucket((bucket) => this.bucketSummaries(courseId, batchId, bucket));
  }

  /** A bucket's learners with their finished exercises, read from their results where not stored yet. */
  private async *bucketSummaries(courseId: string, batchId: string, bucket: number): AsyncIterable<LearnerSummary[]> {
    const pages = this.records.projectedLearnerPages(courseId, batchId, { withProfiles: true, buckets: [bucket] }, SUMMARY_READ);
    for await (const page of pages) {
      const older = page.filter((learner) => learner.enrolment.finishedExerciseIds === undefined);
      const finished =
        older.length > 0
          ? await this.records.finishedExercisesOf(
              courseId,
              batchId,
              older.map((learner) => learner.enrolment.userId),
            )
          : new Map<string, string[]>();
      yield page.map(({ enrolment, profile }) => ({
        enrolment: {
          ...enrolment,
          finishedExerciseIds: enrolment.finishedExerciseIds ?? finished.get(enrolment.userId) ?? [],
        },
        profile,
      }));
    }
  }

  activityPages(courseId: string, batchId: string, window: ActivityWindow): AsyncIterable<LearnerActivity[]> {
    return byBucket((bucket) => this.bucketActivity(courseId, batchId, bucket, window));
  }

  private async *bucketActivity(
    courseId: string,
    batchId: string,
    bucket: number,
    window: ActivityWindow,
  ): AsyncIterable<LearnerActivity[]> {
    const pages = this.records.projectedLearnerPages(
      courseId,
      batchId,
      { withProfiles: true, buckets: [bucket], sessionsIn: window },
      ACTIVITY_READ,
    );
    for await (const page of pages) {
      yield page.map(({ enrolment, profile, sessions }) => ({ bundle: { enrolment, profile }, sessions: sessions ?? [] }));
    }
  }
}
