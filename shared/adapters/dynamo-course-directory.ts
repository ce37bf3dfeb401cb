import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { CourseAccessEntry, CourseDirectory, CourseSummary } from '../domain/course-directory.ts';
import type { BatchRecord } from '../domain/records.ts';
import { clients } from './aws-clients.ts';
import { COURSE_INDEX_KEYS } from './course-index-items.ts';
import { batchGetAll, type Item, queryAll, recordOf, UNPROCESSED_RETRY, type UnprocessedRetry } from './dynamo-batches.ts';
import { RECORD_KEYS } from './dynamo-records-repository.ts';

/** The dashboard's reads of LearningRecords: the access index, course names, batches and enrolment counts. */
export class DynamoCourseDirectory implements CourseDirectory {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
    private readonly retry: UnprocessedRetry = UNPROCESSED_RETRY,
  ) {}

  async accessEntries(userId: string, limit: number): Promise<CourseAccessEntry[]> {
    const entries: CourseAccessEntry[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': COURSE_INDEX_KEYS.accessOf(userId) },
        ProjectionExpression: 'courseId, org, #role, batchId',
        ExpressionAttributeNames: { '#role': 'role' },
        Limit: limit,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        entries.push({
          courseId: String(item.courseId),
          org: String(item.org),
          role: item.role === 'mentor' ? 'mentor' : 'creator',
          batchId: typeof item.batchId === 'string' ? item.batchId : undefined,
        });
        if (entries.length === limit) return entries;
      }
    }
    return entries;
  }

  async courseSummaries(courseIds: string[]): Promise<Map<string, CourseSummary>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      courseIds.map((id) => RECORD_KEYS.course(id)),
      // Only what a search shows: a course item also holds its whole tree.
      { projection: { expression: 'courseId, org, #name, creatorId', names: { '#name': 'name' } }, retry: this.retry },
    );
    return new Map(
      items.map((item) => [
        String(item.courseId),
        { courseId: String(item.courseId), org: String(item.org), name: String(item.name), creatorId: String(item.creatorId) },
      ]),
    );
  }

  async getBatches(keys: { courseId: string; batchId: string }[]): Promise<BatchRecord[]> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      keys.map((k) => RECORD_KEYS.batch(k.courseId, k.batchId)),
      { retry: this.retry },
    );
    return items.map((item) => recordOf<BatchRecord>(item));
  }

  async batchesOf(courseId: string): Promise<BatchRecord[]> {
    return (await this.queryCourse(courseId, 'BATCH#')).map((item) => recordOf<BatchRecord>(item));
  }

  async enrolmentCounts(courseId: string): Promise<Map<string, number>> {
    const items = await this.queryCourse(courseId, COURSE_INDEX_KEYS.enrolmentsPrefix);
    return new Map(
      items.map((item) => [String(item.sk).slice(COURSE_INDEX_KEYS.enrolmentsPrefix.length), Number(item.enrolments ?? 0)]),
    );
  }

  private queryCourse(courseId: string, prefix: string): Promise<Item[]> {
    return queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': RECORD_KEYS.course(courseId).pk, ':prefix': prefix },
    });
  }
}
