import { BatchGetCommand, type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { CourseAccessEntry, CourseDirectory, CourseSummary } from '../domain/course-directory.ts';
import type { BatchRecord } from '../domain/records.ts';
import { clients } from './aws-clients.ts';
import { COURSE_INDEX_KEYS } from './course-index-items.ts';
import { RECORD_KEYS } from './dynamo-records-repository.ts';

const BATCH_GET_LIMIT = 100;
const MAX_UNPROCESSED_ROUNDS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Item = Record<string, unknown>;

/** The dashboard's reads of LearningRecords: the access index, course names, batches and enrolment counts. */
export class DynamoCourseDirectory implements CourseDirectory {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
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
    const items = await this.batchGet(
      courseIds.map((id) => RECORD_KEYS.course(id)),
      // Only what a search shows: a course item also holds its whole tree.
      'courseId, org, #name, creatorId',
    );
    return new Map(
      items.map((item) => [
        String(item.courseId),
        { courseId: String(item.courseId), org: String(item.org), name: String(item.name), creatorId: String(item.creatorId) },
      ]),
    );
  }

  async getBatches(keys: { courseId: string; batchId: string }[]): Promise<BatchRecord[]> {
    const items = await this.batchGet(keys.map((k) => RECORD_KEYS.batch(k.courseId, k.batchId)));
    return items.map(batchOf);
  }

  async batchesOf(courseId: string): Promise<BatchRecord[]> {
    return (await this.queryCourse(courseId, 'BATCH#')).map(batchOf);
  }

  async enrolmentCounts(courseId: string): Promise<Map<string, number>> {
    const items = await this.queryCourse(courseId, COURSE_INDEX_KEYS.enrolmentsPrefix);
    return new Map(
      items.map((item) => [String(item.sk).slice(COURSE_INDEX_KEYS.enrolmentsPrefix.length), Number(item.enrolments ?? 0)]),
    );
  }

  private async queryCourse(courseId: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': RECORD_KEYS.course(courseId).pk, ':prefix': prefix },
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  private async batchGet(keys: Item[], projection?: string): Promise<Item[]> {
    const found: Item[] = [];
    const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending: Item[] | undefined = unique.slice(i, i + BATCH_GET_LIMIT);
      for (let round = 0; pending && pending.length > 0; round += 1) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed keys');
        if (round > 0) await sleep(50 * 2 ** round);
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ...(projection ? { ProjectionExpression: projection, ExpressionAttributeNames: { '#name': 'name' } } : {}),
              },
            },
          }),
        );
        found.push(...(out.Responses?.[this.tableName] ?? []));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }
}

function batchOf(item: Item): BatchRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as BatchRecord;
}
