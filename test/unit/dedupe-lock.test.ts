import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { heldLockDecision, type ReportRequest, START_GRACE_MS } from '#shared/domain/report-request';

const now = new Date('2026-06-01T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const lock = (requestId: string, takenAt = ago(1_000)) => ({
  dedupeKey: 'k',
  requestId,
  takenAt,
  expiresAt: '2099-01-01T00:00:00.000Z',
});
const request = (id: string, fields: Partial<ReportRequest>): ReportRequest =>
  ({
    id,
    org: 'org',
    type: 'course-progress',
    courseId: 'c',
    batchIds: ['b'],
    requestedBy: 'u',
    status: 'PROCESSING',
    dedupeKey: 'k',
    createdAt: ago(60_000),
    updatedAt: ago(60_000),
    batches: {},
    executionArn: 'arn:exec',
    ...fields,
  }) as ReportRequest;

describe('domain: a dedupe lock another request holds', () => {
  it('refuses while the holder runs, naming it', () => {
    expect(heldLockDecision(lock('r1'), request('r1', {}), now)).toEqual({ action: 'refuse', existingRequestId: 'r1' });
    expect(heldLockDecision(lock('r1'), request('r1', { status: 'SUBMITTED' }), now)).toEqual({
      action: 'refuse',
      existingRequestId: 'r1',
    });
  });

  it('takes over from a holder that has ended, however new its lock', () => {
    for (const status of ['SUCCESS', 'FAILED'] as const) {
      expect(heldLockDecision(lock('r1', now.toISOString()), request('r1', { status }), now)).toEqual({ action: 'take-over' });
    }
  });

  it('refuses while a missing holder may still be being written, and takes over once its lock is past the grace', () => {
    expect(heldLockDecision(lock('r1', ago(START_GRACE_MS - 1)), undefined, now)).toEqual({
      action: 'refuse',
      existingRequestId: 'r1',
    });
    expect(heldLockDecision(lock('r1', ago(START_GRACE_MS)), undefined, now)).toEqual({ action: 'take-over' });
    // A lock written without takenAt (before it existed) is old.
    expect(heldLockDecision({ requestId: 'r1' }, undefined, now)).toEqual({ action: 'take-over' });
  });

  it('ends a SUBMITTED holder whose workflow never started once past the grace, and refuses before that', () => {
    const orphan = (age: number) => request('r1', { status: 'SUBMITTED', executionArn: undefined, createdAt: ago(age) });
    expect(heldLockDecision(lock('r1'), orphan(START_GRACE_MS + 1), now)).toEqual({
      action: 'fail-holder-and-take-over',
      holderId: 'r1',
    });
    expect(heldLockDecision(lock('r1'), orphan(START_GRACE_MS), now)).toEqual({ action: 'refuse', existingRequestId: 'r1' });
  });
});

describe('adapter: the requests repository lock (aws-sdk-client-mock)', () => {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  const dbMock = mockClient(DynamoDBDocumentClient);
  const repository = new DynamoRequestsRepository('t', db);
  const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
  afterEach(() => dbMock.reset());

  it('takes a lock only where none is, or where the one there has expired by now', async () => {
    dbMock.on(PutCommand).resolves({});
    expect(await repository.acquireLock(lock('r2'), now)).toEqual({ acquired: true });
    expect(dbMock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 't',
      Item: { pk: 'LOCK#k', ...lock('r2') },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  });

  it('names the holder, read consistently, when the lock is taken', async () => {
    dbMock.on(PutCommand).rejects(conditionFailed());
    dbMock.on(GetCommand).resolves({ Item: { pk: 'LOCK#k', ...lock('r1') } });
    expect(await repository.acquireLock(lock('r2'), now)).toEqual({ acquired: false, holder: lock('r1') });
    expect(dbMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ Key: { pk: 'LOCK#k' }, ConsistentRead: true });
  });

  it('tries again when the holder released the lock between the refused put and the read', async () => {
    dbMock.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    dbMock.on(GetCommand).resolves({});
    expect(await repository.acquireLock(lock('r2'), now)).toEqual({ acquired: true });
    expect(dbMock.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('lets other errors through instead of reading them as a held lock', async () => {
    dbMock.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(repository.acquireLock(lock('r2'), now)).rejects.toThrow('throttled');
    expect(dbMock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('replaces a lock only while the stale holder still has it', async () => {
    dbMock.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    expect(await repository.replaceLock(lock('r2'), 'r1')).toBe(true);
    expect(dbMock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR requestId = :stale',
      ExpressionAttributeValues: { ':stale': 'r1' },
    });
    expect(await repository.replaceLock(lock('r3'), 'r1')).toBe(false);
  });

  it("releases only its own lock: someone else's is left, quietly; other errors surface", async () => {
    dbMock.on(DeleteCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).rejects(new Error('throttled'));
    await repository.releaseLock('k', 'r1');
    expect(dbMock.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'LOCK#k' },
      ConditionExpression: 'requestId = :id',
      ExpressionAttributeValues: { ':id': 'r1' },
    });
    await expect(repository.releaseLock('k', 'r1')).resolves.toBeUndefined();
    await expect(repository.releaseLock('k', 'r1')).rejects.toThrow('throttled');
  });
});
