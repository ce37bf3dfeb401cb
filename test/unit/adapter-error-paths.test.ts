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

afterEach(() => {
  dbMock.reset();
  s3Mock.reset();
  sfnMock.reset();
});

describe('adapter error paths (aws-sdk-client-mock)', () => {
  it('retries keys DynamoDB left unprocessed in a BatchGet', async () => {
    dbMock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [{ pk: 'USER#a', sk: '#PROFILE', userId: 'a' }] },
        UnprocessedKeys: { t: { Keys: [{ pk: 'USER#b', sk: '#PROFILE' }] } },
      })
      .resolvesOnce({ Responses: { t: [{ pk: 'USER#b', sk: '#PROFILE', userId: 'b' }] } });
    const users = await new DynamoRecordsRepository('t', db).getUsers(['a', 'b']);
    expect([...users.keys()]).toEqual(['a', 'b']);
    expect(dbMock.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('gives up with a clear error when BatchWrite keeps returning unprocessed items', async () => {
    dbMock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    const repository = new DynamoRecordsRepository('t', db);
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
  }, 30_000);

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
