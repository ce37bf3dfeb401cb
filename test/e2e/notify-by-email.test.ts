import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clients } from '#shared/adapters/aws-clients';
import { RECORD_KEYS } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { REPORT_LINK_PARAM } from '#shared/domain/report-notice';
import { LINK_EXPIRY_SECONDS } from '#shared/usecases/read-reports';
import { DEMO } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { LOCAL_BUCKET } from '../../infra/local/local-stack.ts';
import { captureOutput } from '../support/captured-output.ts';
import { download, openZip, type ReportBody, readCsv, type Service, startService } from '../support/local-service.ts';

// Log everything the handlers can log (set before their loggers are built): the address must be in none of it.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const PASSWORD = 'Notify2026pw';
const ADDRESS = 'anita.creator@example.org';
let output: string[] = [];
let service: Service;
let creator: string;
let outbox: string;

beforeAll(async () => {
  output = captureOutput();
  service = await startService(40);
  creator = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org, email: ADDRESS });
  outbox = service.stack.env.LOCAL_OUTBOX_DIR as string;
});
afterAll(async () => service?.stop());

interface Message {
  headers: Map<string, string>;
  body: string;
}

/** The outbox's messages about one request, parsed as a mail reader would (headers, blank line, body). */
function messagesFor(requestId: string): Message[] {
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox)
    .filter((name) => name.endsWith(`-${requestId}.eml`))
    .map((name) => {
      const [head = '', ...rest] = readFileSync(join(outbox, name), 'utf8').split('\r\n\r\n');
      const headers = new Map(
        head.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      return { headers, body: rest.join('\r\n\r\n') };
    });
}

/**
 * The step that ends a request sends its message just after the request reads as ended, so a
 * reader who saw the end waits for the message as a mail client would (up to a minute; not a timing claim).
 */
async function eventually<T>(look: () => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i += 1) {
    const found = look();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('It never happened');
}

const messageFor = (requestId: string) =>
  eventually(() => {
    const found = messagesFor(requestId);
    return found.length > 0 ? found : undefined;
  });

async function submitAndWait(body: Record<string, unknown>, token = creator): Promise<ReportBody> {
  const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', token, body);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  return service.waitForEnd(submitted.body.request.id, token);
}

describe('e2e: told by e-mail when a report ends (local outbox)', () => {
  const progress = {
    type: 'course-progress',
    courseId: DEMO.courseId,
    batchIds: [DEMO.batches.live],
    password: PASSWORD,
    notifyByEmail: true,
  };

  it('refuses notifyByEmail (400, with the reason) to a token without an address, or given as anything but a boolean', async () => {
    const noAddress = await service.call<{ error: { message: string; issues: { path: string }[] } }>(
      'POST',
      '/v1/reports',
      service.tokens.creator,
      progress,
    );
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.error.message).toContain('no verified e-mail address');
    expect(noAddress.body.error.issues.map((i) => i.path)).toEqual(['notifyByEmail']);
    const notBoolean = await service.call('POST', '/v1/reports', creator, { ...progress, notifyByEmail: 'yes' });
    expect(notBoolean.status).toBe(400);
    // Neither wrote anything (the next test makes the same request and is accepted) nor sent anything.
    expect(existsSync(outbox) ? readdirSync(outbox) : []).toEqual([]);
  });

  it('writes one message with a link to the dashboard; after the first link expired, the link gives a fresh one that downloads a ZIP that opens', async () => {
    const ended = await submitAndWait(progress);
    expect(ended.status).toBe('SUCCESS');

    const messages = await messageFor(ended.id);
    expect(messages).toHaveLength(1);
    const [message] = messages as [Message];
    expect(message.headers.get('To')).toBe(ADDRESS);
    expect(message.headers.get('Subject')).toBe('Your course-progress report is ready');
    const links = message.body.match(/https?:\/\/\S+/g) ?? [];
    expect(links).toEqual([`${service.stack.apiUrl}/?${REPORT_LINK_PARAM}=${ended.id}`]);
    expect(message.body).not.toMatch(/X-Amz-|\.zip/);

    // The link opens the dashboard page itself.
    const page = await fetch(links[0] as string);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    // The first link, as it was minted more than its 30 minutes ago: expired now (signed in the past, no waiting).
    const item = await new DynamoRequestsRepository(service.stack.env.REQUESTS_TABLE as string).get(ended.id);
    const file = item?.batches[DEMO.batches.live]?.file;
    if (!file) throw new Error('the request has no file');
    const signedLongAgo = new S3ReportStore(LOCAL_BUCKET, clients.s3, {
      now: () => new Date(Date.now() - (LINK_EXPIRY_SECONDS + 60) * 1000),
    });
    const expired = await signedLongAgo.downloadLink(file.key, file.fileName, LINK_EXPIRY_SECONDS);
    expect((await fetch(expired)).status).toBe(403);

    // Following the message: the report id in its link, read through the API as the dashboard does after sign-in.
    const reportId = new URL(links[0] as string).searchParams.get(REPORT_LINK_PARAM) as string;
    const fresh = await service.call<{ request: ReportBody }>('GET', `/v1/reports/${encodeURIComponent(reportId)}`, creator);
    const url = fresh.body.request.batches[0]?.file?.url;
    if (!url) throw new Error('no fresh link');
    expect(url).not.toBe(expired);
    const { text } = await openZip((await download(url)).bytes, PASSWORD);
    const { header, rows } = readCsv(text);
    expect(header).toContain('Progress');
    expect(rows.length).toBe(file.rows);
    expect(rows.length).toBeGreaterThan(0);

    // The address lived on the request item only while it ran; never in the execution input, a read or a log.
    expect(item).not.toHaveProperty('notifyEmail');
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: item?.executionArn }));
    expect(JSON.parse(execution.input ?? '')).toEqual({ requestId: ended.id });
    expect(JSON.stringify(fresh.body)).not.toContain(ADDRESS);
    expect(output.join('')).not.toContain(ADDRESS);
    expect(output.join('')).toContain('Report notice sent');
  });

  it('tells of a course report exhaust too, and of a failure with its reason', async () => {
    const enrollments = await submitAndWait({ ...progress, type: 'enrollments' });
    expect(enrollments.status).toBe('SUCCESS');
    expect((await messageFor(enrollments.id)).map((m) => m.headers.get('Subject'))).toEqual(['Your enrollments report is ready']);

    // A corrupt enrolment written behind the ingestion path's back makes the batch fail.
    const brokenBatch = 'batch-corrupt-mail';
    await service.records.putRecords([
      {
        kind: 'batch',
        org: DEMO.org,
        courseId: DEMO.courseId,
        batchId: brokenBatch,
        name: 'Corrupt',
        startDate: '2026-01-01T00:00:00.000Z',
        creatorId: DEMO.creator,
        mentors: [],
      },
    ]);
    await clients.dynamo.send(
      new PutCommand({
        TableName: service.stack.env.RECORDS_TABLE,
        Item: {
          pk: RECORD_KEYS.learnersOf(DEMO.courseId, brokenBatch, 'user-x'),
          sk: 'ENROL#user-x',
          kind: 'enrolment',
          userId: 'user-x',
          enrolledAt: 'not a date',
        },
      }),
    );
    const failed = await submitAndWait({ ...progress, batchIds: [brokenBatch] });
    expect(failed.status).toBe('FAILED');
    const [message] = await messageFor(failed.id);
    expect(message?.headers.get('Subject')).toBe('Your course-progress report failed');
    expect(message?.body).toContain(`could not be made: ${failed.error}`);
    expect(message?.body).toContain(`?${REPORT_LINK_PARAM}=${failed.id}`);
  });

  it('still ends the report SUCCESS, downloadable, when the message cannot be sent', async () => {
    // The outbox made unwritable: a file where its folder should be.
    rmSync(outbox, { recursive: true, force: true });
    writeFileSync(outbox, 'not a folder');
    try {
      const ended = await submitAndWait({ ...progress, batchIds: [DEMO.batches.expired] });
      expect(ended.status).toBe('SUCCESS');
      expect(ended.error).toBeUndefined();
      const url = ended.batches[0]?.file?.url;
      if (!url) throw new Error('no link');
      expect((await openZip((await download(url)).bytes, PASSWORD)).text.length).toBeGreaterThan(0);
      const item = await new DynamoRequestsRepository(service.stack.env.REQUESTS_TABLE as string).get(ended.id);
      expect(item).not.toHaveProperty('notifyEmail');
      const failure = await eventually(() =>
        output.find((line) => line.includes('Report notice could not be sent') && line.includes(ended.id)),
      );
      expect(JSON.parse(failure)).toMatchObject({ reportRequestId: ended.id, errorType: expect.any(String) });
      expect(output.join('')).not.toContain(ADDRESS);
    } finally {
      rmSync(outbox, { force: true });
    }
  });
});
