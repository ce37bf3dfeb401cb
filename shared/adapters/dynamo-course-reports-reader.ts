import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { ActivityWindow, CourseReportsReader, LearnerActivity } from '../course-reports/ports.ts';
import { inOrderWithPrefetch } from '../course-reports/prefetch.ts';
import type { BatchRecord, CourseRecord, LearnerBundle, SessionRecord } from '../domain/records.ts';
import { ALL_BUCKETS, learnerBucket } from '../domain/shards.ts';
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
 * (one Query over the page's user id range in its bucket, filtered to the window server-side).
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
    for await (const page of this.records.learnerPages(courseId, batchId, { withProfiles: true, buckets: [bucket] })) {
      const first = page[0]?.enrolment.userId;
      const last = page.at(-1)?.enrolment.userId;
      if (first === undefined || last === undefined) continue;
      const sessions = await this.sessionsBetween(courseId, batchId, learnerBucket(first), first, last, window);
      yield page.map((bundle) => ({ bundle, sessions: sessions.get(bundle.enrolment.userId) ?? [] }));
    }
  }

  private async sessionsBetween(
    courseId: string,
    batchId: string,
    bucket: number,
    firstUser: string,
    lastUser: string,
    window: ActivityWindow,
  ): Promise<Map<string, SessionRecord[]>> {
    const byUser = new Map<string, SessionRecord[]>();
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        // '#' sorts below every id character and '~' above every timestamp one: exactly these users.
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        FilterExpression: 'startedAt <= :to AND endedAt >= :from',
        ExpressionAttributeValues: {
          ':pk': RECORD_KEYS.sessions(courseId, batchId, bucket),
          ':first': `${firstUser}#`,
          ':last': `${lastUser}#~`,
          ':from': window.from,
          ':to': window.to,
        },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const session = recordOf<SessionRecord>(item);
        const list = byUser.get(session.userId);
        if (list) list.push(session);
        else byUser.set(session.userId, [session]);
      }
    }
    return byUser;
  }
}
