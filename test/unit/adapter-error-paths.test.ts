import { PassThrough } from 'node:stream';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, type UnprocessedRetry } from '#shared/adapters/dynamo-batches';
import { DynamoCourseDirectory } from '#shared/adapters/dynamo-course-directory';
import { DynamoLearnerRecordsRepository } from '#shared/adapters/dynamo-learner-records';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { SfnWorkflowStarter } from '#shared/adapters/sfn-workflow-starter';

const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const dbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
const sfnMock = mockClient(SFNClient);

/** The back-off with its waits recorded instead of slept through. */
function recordedBackoff(rounds = 8): UnprocessedRetry & { waits: number[] } {
  const waits: number[] = [];
  return {
    rounds,
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

afterEach(() => {
  dbMock.reset();
  s3Mock.reset();
  sfnMock.reset();
});

describe('adapter error paths (aws-sdk-client-mock)', () => {
  it('retries keys DynamoDB left unprocessed in a BatchGet, after a back-off', async () => {
    dbMock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [{ pk: 'USER#a', sk: '#PROFILE', userId: 'a' }] },
        UnprocessedKeys: { t: { Keys: [{ pk: 'USER#b', sk: '#PROFILE' }] } },
      })
      .resolvesOnce({ Responses: { t: [{ pk: 'USER#b', sk: '#PROFILE', userId: 'b' }] } });
    const backoff = recordedBackoff();
    const users = await new DynamoRecordsRepository('t', db, undefined, undefined, backoff).getUsers(['a', 'b']);
    expect([...users.keys()]).toEqual(['a', 'b']);
    expect(dbMock.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.t?.Keys).toEqual([
      { pk: 'USER#b', sk: '#PROFILE' },
    ]);
    expect(backoff.waits).toHaveLength(1);
  });

  it('gives up with a clear error when BatchWrite keeps returning unprocessed items, backing off more each round', async () => {
    dbMock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    const backoff = recordedBackoff();
    const repository = new DynamoRecordsRepository('t', db, undefined, undefined, backoff);
    await expect(
      repository.putRecords([
        {
          kind: 'attempt',
          courseId: 'c',
          batchId: 'b',
          userId: 'u',
          assessmentId: 'a',
          attemptId: 't1',
          attemptedAt: '2026-01-01T00:00:00.000Z',
          score: 1,
          responses: [],
        },
      ]),
    ).rejects.toThrow('DynamoDB kept returning unprocessed items');
    expect(dbMock.commandCalls(BatchWriteCommand)).toHaveLength(8);
    // A wait before every round but the first, each in its own doubling band.
    expect(backoff.waits).toHaveLength(7);
    backoff.waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('backs off between half and all of 50 ms × 2^round', () => {
    expect([1, 2, 7].map((round) => backoffMs(round, () => 0))).toEqual([50, 100, 3200]);
    expect([1, 2, 7].map((round) => backoffMs(round, () => 1))).toEqual([100, 200, 6400]);
  });

  it('gives up on keys the course directory and learner records keep getting back unprocessed', async () => {
    dbMock.on(BatchGetCommand).callsFake((input) => ({ UnprocessedKeys: input.RequestItems }));
    const directory = new DynamoCourseDirectory('t', db, recordedBackoff(3));
    await expect(directory.getBatches([{ courseId: 'c', batchId: 'b' }])).rejects.toThrow(
      'DynamoDB kept returning unprocessed keys',
    );
    const learners = new DynamoLearnerRecordsRepository('t', db, recordedBackoff(3));
    await expect(learners.getProgramSessions(['s1'])).rejects.toThrow('DynamoDB kept returning unprocessed keys');
    expect(dbMock.commandCalls(BatchGetCommand)).toHaveLength(6);
  });

  it('reports an already-ended request instead of overwriting its status', async () => {
    dbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    expect(await new DynamoRequestsRepository('t', db).finish('r1', 'FAILED', 'x', new Date())).toBeUndefined();
  });

  it('lets other DynamoDB errors through finish', async () => {
    dbMock.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(new DynamoRequestsRepository('t', db).finish('r1', 'FAILED', 'x', new Date())).rejects.toThrow('throttled');
  });

  it('fails the upload and destroys the body when S3 refuses it', async () => {
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3Mock.on(CreateMultipartUploadCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3Mock.on(UploadPartCommand).rejects(new Error('unused'));
    s3Mock.on(AbortMultipartUploadCommand).resolves({});
    const body = new PassThrough();
    body.end(Buffer.from('zip bytes'));
    const store = new S3ReportStore(
      'bucket',
      new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    );
    await expect(store.upload('reports/k.zip', body, 'application/zip')).rejects.toThrow('Access Denied');
    expect(body.destroyed).toBe(true);
  });

  it('starts one execution named after the request, with nothing but its id as input', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const starter = new SfnWorkflowStarter(
      'arn:sm',
      new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    );
    expect(await starter.start('req-1')).toBe('arn:exec');
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: 'arn:sm',
      name: 'req-1',
      input: '{"requestId":"req-1"}',
    });
  });
});
