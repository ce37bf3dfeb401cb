import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { ActivityWindow, CourseReportsReader, LearnerActivity } from '../course-reports/ports.ts';
import { inOrderWithPrefetch } from '../course-reports/prefetch.ts';
import type { BatchRecord, CourseRecord, LearnerBundle } from '../domain/records.ts';
import { ALL_BUCKETS } from '../domain/shards.ts';
import { clients } from './aws-clients.ts';
import { DynamoRecordsRepository, RECORD_KEYS } from './dynamo-records-repository.ts';

type Item = Record<string, unknown>;

/** Buckets read ahead of the one being answered: each holds at most one page meanwhile. */
const BUCKETS_AHEAD = 4;

function recordOf<T>(item: Item): T {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as T;
}

/**
 * The course reports' reads of LearningRecords: a course's batches, each batch's learners through
 * the records repository, and for the user activity report the sessions of each page's learners
 * (the repository reads them: one Query over the page's user id range in its bucket, filtered to
 * the window server-side).
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
    const batches: BatchRecord[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
        ExpressionAttributeValues: { ':pk': RECORD_KEYS.course(courseId).pk, ':batch': 'BATCH#' },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) batches.push(recordOf<BatchRecord>(item));
    return batches;
  }

  /** Bucket by bucket in order, as the exhausts read, with the next buckets' first pages fetched meanwhile. */
  learnerPages(courseId: string, batchId: string): AsyncIterable<LearnerBundle[]> {
    return inOrderWithPrefetch(
      ALL_BUCKETS.map((bucket) => () => this.records.learnerPages(courseId, batchId, { withProfiles: true, buckets: [bucket] })),
      BUCKETS_AHEAD,
    );
  }

  activityPages(courseId: string, batchId: string, window: ActivityWindow): AsyncIterable<LearnerActivity[]> {
    return inOrderWithPrefetch(
      ALL_BUCKETS.map((bucket) => () => this.bucketActivity(courseId, batchId, bucket, window)),
      BUCKETS_AHEAD,
    );
  }

  private async *bucketActivity(
    courseId: string,
    batchId: string,
    bucket: number,
    window: ActivityWindow,
  ): AsyncIterable<LearnerActivity[]> {
    const pages = this.records.learnerPages(courseId, batchId, { withProfiles: true, buckets: [bucket], sessionsIn: window });
    for await (const page of pages) yield page.map((bundle) => ({ bundle, sessions: bundle.sessions ?? [] }));
  }
}
