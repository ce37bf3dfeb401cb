import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { ListRequestsQuery, RequestLock, RequestsRepository } from '../domain/ports.ts';
import { type BatchProgress, isActive, type ReportRequest, type RequestStatus } from '../domain/report-request.ts';
import { clients } from './aws-clients.ts';

/**
 * ReportRequests: `REQ#{id}` items (GSI byCourse: `scope` = `{org}#{course}` / `createdKey` =
 * `{createdAt}#{id}`) and
 * `LOCK#{dedupeKey}` items that keep two identical requests from running at once. DynamoDB Local
 * emulators lack transactions, so every write here is a single conditional write, ordered by the
 * use case so that a crash between two of them leaves nothing stuck.
 */
export const BY_COURSE_INDEX = 'byCourse';
/**
 * The byCourse index's key attributes on a request item. `scope` holds `{org}#{course}` (or `{org}#~exports` for the org's exports); it keeps
 * that name on AWS because renaming a GSI key attribute means a new index and every item rewritten.
 */
export const BY_COURSE_KEY = { partition: 'scope', sort: 'createdKey' } as const;
/** Sparse index of the requests still in flight: only they carry `active`. */
export const ACTIVE_INDEX = 'active';
const ACTIVE_MARK = 'ACTIVE';

const requestKey = (id: string) => ({ pk: `REQ#${id}` });
/** The byCourse scope of a request: its course's, or the org's exports' (`~` is in no id). */
const EXPORTS_SCOPE = '~exports';
const scopeOf = (org: string, courseId: string | undefined) => `${org}#${courseId ?? EXPORTS_SCOPE}`;
const lockKey = (dedupeKey: string) => ({ pk: `LOCK#${dedupeKey}` });

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

function requestOf(item: Record<string, unknown>): ReportRequest {
  const { pk: _pk, [BY_COURSE_KEY.partition]: _course, [BY_COURSE_KEY.sort]: _created, active: _active, ...request } = item;
  return request as unknown as ReportRequest;
}

export class DynamoRequestsRepository implements RequestsRepository {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
  ) {}

  async acquireLock(lock: RequestLock, now: Date): Promise<{ acquired: true } | { acquired: false; holder: RequestLock }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...lockKey(lock.dedupeKey), ...lock },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return { acquired: true as const };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const holder = await this.getLock(lock.dedupeKey);
    if (!holder) return this.acquireLock(lock, now);
    return { acquired: false as const, holder };
  }

  async getLock(dedupeKey: string): Promise<RequestLock | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: lockKey(dedupeKey), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { pk: _pk, ...lock } = out.Item;
    return lock as RequestLock;
  }

  async replaceLock(lock: RequestLock, staleRequestId: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...lockKey(lock.dedupeKey), ...lock },
          ConditionExpression: 'attribute_not_exists(pk) OR requestId = :stale',
          ExpressionAttributeValues: { ':stale': staleRequestId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLock(dedupeKey: string, requestId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: lockKey(dedupeKey),
          ConditionExpression: 'requestId = :id',
          ExpressionAttributeValues: { ':id': requestId },
        }),
      );
    } catch (error) {
      // Already released, or taken over by a later request: either way not ours to delete.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async create(request: ReportRequest): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...requestKey(request.id),
          [BY_COURSE_KEY.partition]: scopeOf(request.org, request.courseId),
          [BY_COURSE_KEY.sort]: `${request.createdAt}#${request.id}`,
          ...(isActive(request.status) ? { active: ACTIVE_MARK } : {}),
          ...request,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<ReportRequest | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: requestKey(id), ConsistentRead: true }));
    return out.Item ? requestOf(out.Item) : undefined;
  }

  async setExecution(id: string, executionArn: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: 'SET executionArn = :arn, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':arn': executionArn, ':now': now.toISOString() },
      }),
    );
  }

  async markProcessing(id: string, now: Date): Promise<ReportRequest> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requestKey(id),
          UpdateExpression: 'SET #status = :processing, updatedAt = :now',
          ConditionExpression: '#status IN (:submitted, :processing)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':processing': 'PROCESSING', ':submitted': 'SUBMITTED', ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return requestOf(out.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new InvalidTransitionError(`Report request ${id} is no longer active`);
      throw error;
    }
  }

  async recordBatch(id: string, batchId: string, progress: BatchProgress): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: requestKey(id),
        UpdateExpression: 'SET batches.#batch = :progress, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#batch': batchId },
        ExpressionAttributeValues: { ':progress': progress, ':now': progress.updatedAt },
      }),
    );
  }

  async finish(
    id: string,
    status: Extract<RequestStatus, 'SUCCESS' | 'FAILED'>,
    error: string | undefined,
    now: Date,
  ): Promise<ReportRequest | undefined> {
    try {
      // One conditional write ends the request and removes its secrets; ALL_OLD hands the
      // notification address to this caller alone (a retry, or a second path, finds it gone).
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requestKey(id),
          UpdateExpression: `SET #status = :status, updatedAt = :now, completedAt = :now${error ? ', #error = :error' : ''} REMOVE sealedPassword, notifyEmail, active`,
          ConditionExpression: '#status IN (:submitted, :processing)',
          ExpressionAttributeNames: { '#status': 'status', ...(error ? { '#error': 'error' } : {}) },
          ExpressionAttributeValues: {
            ':status': status,
            ':now': now.toISOString(),
            ':submitted': 'SUBMITTED',
            ':processing': 'PROCESSING',
            ...(error ? { ':error': error } : {}),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return requestOf(out.Attributes ?? {});
    } catch (caught) {
      if (isConditionFailure(caught)) return undefined;
      throw caught;
    }
  }

  async listActiveIds(): Promise<string[]> {
    const ids: string[] = [];
    try {
      const pages = paginateQuery(
        { client: this.db },
        {
          TableName: this.tableName,
          IndexName: ACTIVE_INDEX,
          KeyConditionExpression: 'active = :active',
          ExpressionAttributeValues: { ':active': ACTIVE_MARK },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.pk).slice('REQ#'.length));
      return ids;
    } catch (error) {
      // A local table made before the index existed (dynalite cannot add one): read it whole instead.
      if ((error as { name?: string }).name !== 'ValidationException') throw error;
    }
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :req) AND #status IN (:submitted, :processing)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':req': 'REQ#', ':submitted': 'SUBMITTED', ':processing': 'PROCESSING' },
        ProjectionExpression: 'pk',
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.pk).slice('REQ#'.length));
    return ids;
  }

  listForCourse({ org, courseId, batchId, limit }: ListRequestsQuery): Promise<ReportRequest[]> {
    return this.listScope(scopeOf(org, courseId), limit, batchId ? (r) => r.batchIds.includes(batchId) : undefined);
  }

  listOrgExports({ org, requestedBy, limit }: { org: string; requestedBy: string; limit: number }): Promise<ReportRequest[]> {
    return this.listScope(scopeOf(org, undefined), limit, (r) => r.requestedBy === requestedBy);
  }

  private async listScope(scope: string, limit: number, keep?: (request: ReportRequest) => boolean): Promise<ReportRequest[]> {
    const found: ReportRequest[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_COURSE_INDEX,
          KeyConditionExpression: '#scope = :scope',
          ExpressionAttributeNames: { '#scope': BY_COURSE_KEY.partition },
          ExpressionAttributeValues: { ':scope': scope },
          ScanIndexForward: false,
          Limit: keep ? 50 : limit,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const request = requestOf(item);
        if (!keep || keep(request)) found.push(request);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && found.length < limit);
    return found.slice(0, limit);
  }
}
