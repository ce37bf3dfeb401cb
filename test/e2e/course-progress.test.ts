import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clients } from '#shared/adapters/aws-clients';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { captureOutput } from '../support/captured-output.ts';
import { addCorruptBatch } from '../support/corrupt-batch.ts';
import { expectedCourseProgress } from '../support/expected.ts';
import {
  download,
  openZip,
  type ReportBody,
  readCsv,
  type Service,
  startService,
  zipOpensWith,
} from '../support/local-service.ts';

// Log everything the handlers can log (set before their loggers are built), so the PII test below
// reads the most verbose output there is.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const PASSWORD = 'Mentor2026pw';
let output: string[] = [];
let service: Service;

beforeAll(async () => {
  output = captureOutput();
  service = await startService();
});
afterAll(async () => service?.stop());

const submit = (body: Record<string, unknown>, token = service.tokens.creator) =>
  service.call<{ request: { id: string; status: string }; error: { code: string; message: string; existingRequestId?: string } }>(
    'POST',
    '/v1/reports',
    token,
    body,
  );
const live = { type: 'course-progress', courseId: DEMO.courseId, batchIds: [DEMO.batches.live] };

describe('e2e: course progress exhaust over HTTP', () => {
  let finished: ReportBody;

  it('goes from 202 SUBMITTED to SUCCESS with one presigned link per batch', async () => {
    const { status, body } = await submit({ ...live, password: PASSWORD });
    expect(status).toBe(202);
    expect(body.request.status).toBe('SUBMITTED');
    finished = await service.waitForEnd(body.request.id, service.tokens.creator);
    expect(finished.status).toBe('SUCCESS');
    expect(finished.batches).toHaveLength(1);
    expect(finished.batches[0]?.file?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+X-Amz-Expires=1800/);
  });

  it('downloads by the link, opens with the password, and matches rows computed from the seeded records', async () => {
    const file = finished.batches[0]?.file;
    if (!file) throw new Error('no file');
    const { bytes, disposition } = await download(file.url);
    expect(disposition).toBe(`attachment; filename="${file.fileName}"`);
    expect(bytes.length).toBe(file.bytes);

    expect(await zipOpensWith(bytes, 'wrong-password1')).toBe(false);
    const { name, text, method } = await openZip(bytes, PASSWORD);
    expect(finished.encryption).toBe('aes256');
    expect(method).toBe('AES-256 Deflate');
    expect(name).toBe(`${DEMO.batches.live}_course-progress_${DEMO.courseId}.csv`);
    const { header, rows } = readCsv(text);
    expect(header).toEqual([
      'Collection Id',
      'Collection Name',
      'Batch Id',
      'Batch Name',
      'User UUID',
      'State',
      'District',
      'Org Name',
      'School Id',
      'School Name',
      'Block Name',
      'Cluster Name',
      'User Type',
      'User Sub Type',
      'Declared Board',
      'Enrolment Date',
      'Completion Date',
      'Certificate Status',
      'Progress',
      'Total Score',
      'Why we assess - Progress',
      'Designing questions - Progress',
      'Question types in practice - Progress',
      'Feedback that works - Progress',
      'Check your understanding - Score',
      'Practice quiz - Score',
      'Final assessment - Score',
    ]);
    const expected = expectedCourseProgress(demoRecords(), DEMO.courseId, DEMO.batches.live);
    expect(rows.length).toBe(file.rows);
    expect(rows.length).toBeGreaterThan(200);
    expect(rows).toEqual(expected);
    // The seeded formula in a school name arrives neutralised.
    expect(rows.some((row) => row[9]?.startsWith("'=HYPERLINK"))).toBe(true);
  });

  it('encrypts with ZipCrypto when asked, for mentors whose only tool is Windows Explorer or unzip', async () => {
    const { status, body } = await submit({
      ...live,
      batchIds: [DEMO.batches.expired],
      password: PASSWORD,
      encryption: 'zipcrypto',
    });
    expect(status).toBe(202);
    const ended = await service.waitForEnd(body.request.id, service.tokens.creator);
    expect(ended.status).toBe('SUCCESS');
    expect(ended.encryption).toBe('zipcrypto');
    const { bytes } = await download(ended.batches[0]?.file?.url ?? '');
    expect(await zipOpensWith(bytes, 'wrong-password1')).toBe(false);
    const { method, text } = await openZip(bytes, PASSWORD);
    expect(method).toBe('ZipCrypto Deflate');
    expect(readCsv(text).rows.length).toBe(ended.batches[0]?.file?.rows);
  });

  it('refuses a second identical request while the first is in flight, naming it (409)', async () => {
    const body = { ...live, batchIds: [DEMO.batches.live, DEMO.batches.expired] };
    const [first, second] = await Promise.all([submit(body), submit(body)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = first.status === 202 ? first : second;
    const refused = first.status === 409 ? first : second;
    expect(refused.body.error.existingRequestId).toBe(accepted.body.request.id);
    expect((await service.waitForEnd(accepted.body.request.id, service.tokens.creator)).status).toBe('SUCCESS');
    // Once it has ended the same request may be made again.
    const again = await submit(body);
    expect(again.status).toBe(202);
    await service.waitForEnd(again.body.request.id, service.tokens.creator);
  });

  it('lets a mentor of the batch ask, and refuses a stranger of the same org (403)', async () => {
    const mentor = await submit({ ...live, batchIds: [DEMO.batches.empty] }, service.tokens.mentor);
    expect(mentor.status).toBe(202);
    const ended = await service.waitForEnd(mentor.body.request.id, service.tokens.mentor);
    expect(ended.status).toBe('SUCCESS');
    expect(ended.batches[0]?.file?.rows).toBe(0);

    const stranger = await submit(live, service.tokens.stranger);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('Forbidden');
  });

  it('shows a request and its links only to who may ask for that report: not to a stranger of the same org', async () => {
    const path = `/v1/reports/${finished.id}`;
    expect((await service.call('GET', path, service.tokens.creator)).status).toBe(200);
    // The mentor of the live batch may ask for its course progress, so may see this one.
    expect((await service.call('GET', path, service.tokens.mentor)).status).toBe(200);
    expect((await service.call('GET', path, service.tokens.stranger)).status).toBe(403);
    expect((await service.call('GET', path, service.tokens.otherOrgCreator)).status).toBe(404);
    const list = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.stranger,
    );
    expect(list.status).toBe(200);
    expect(list.body.requests).toEqual([]);
  });

  it('answers bad input with a 4xx naming the reason, and writes nothing', async () => {
    const before = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    const cases: [unknown, number, RegExp][] = [
      [{ ...live, batchIds: [] }, 400, /batchIds/],
      [{ ...live, type: 'grades' }, 400, /type/],
      [{ ...live, password: 'short' }, 400, /password/],
      [{ ...live, encryption: 'zipcrypto' }, 400, /encryption/],
      [{ ...live, password: PASSWORD, encryption: 'rot13' }, 400, /encryption/],
      [{ ...live, surprise: 1 }, 400, /surprise|Unrecognized/],
      [{ ...live, batchIds: Array.from({ length: 21 }, (_, i) => `b${i}`) }, 400, /Number of batches in request exceeded/],
      ['{not json', 400, /JSON/],
      [{ ...live, courseId: 'do_missing' }, 404, /Course do_missing not found/],
      [{ ...live, batchIds: ['0000000000000001'] }, 404, /Batch 0000000000000001 not found/],
      [{ ...live, batchIds: [DEMO.otherOrg.batchId] }, 404, /not found/],
      [{ ...live, batchIds: [DEMO.secondCourse.batchId] }, 404, /Batch batch-second not found in course/],
    ];
    for (const [body, status, reason] of cases) {
      const response = await service.call<{ error: { message: string } }>('POST', '/v1/reports', service.tokens.creator, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body.error.message).toMatch(reason);
    }
    const otherOrg = await submit(
      { type: 'course-progress', courseId: DEMO.courseId, batchIds: [DEMO.batches.live] },
      service.tokens.otherOrgCreator,
    );
    expect(otherOrg.status).toBe(404);
    expect((await service.call('POST', '/v1/reports', undefined, live)).status).toBe(401);

    const after = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    expect(after.body.requests).toEqual(before.body.requests.map(() => expect.anything()));
    expect(after.body.requests.length).toBe(before.body.requests.length);
  });

  it('ends FAILED with a readable message when a batch cannot be produced, keeps the good batch, and frees the lock', async () => {
    const brokenBatch = 'batch-corrupt';
    await addCorruptBatch(service, brokenBatch, 'Corrupt', '2026-01-01T00:00:00.000Z');
    const body = { ...live, batchIds: [brokenBatch, DEMO.batches.empty] };
    const { body: submitted } = await submit(body);
    const ended = await service.waitForEnd(submitted.request.id, service.tokens.creator);
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toBe(`1 of 2 batches failed (${brokenBatch}: Report generation failed (TypeError))`);
    const broken = ended.batches.find((b) => b.batchId === brokenBatch);
    expect(broken).toMatchObject({ status: 'FAILED', error: 'Report generation failed (TypeError)' });
    expect(ended.batches.find((b) => b.batchId === DEMO.batches.empty)?.file?.url).toBeTruthy();
    expect(ended.error).not.toMatch(/at |\.ts:/);
    // The lock went with the failure: the same request may be made again at once.
    expect((await submit(body)).status).toBe(202);
  });

  it('lists the last ten requests, newest first, optionally for one batch', async () => {
    const combos = [
      [DEMO.batches.expired],
      [DEMO.batches.live, DEMO.batches.empty],
      [DEMO.batches.expired, DEMO.batches.empty],
      [DEMO.batches.live, DEMO.batches.expired, DEMO.batches.empty],
    ];
    for (const batchIds of combos) {
      const { body } = await submit({ ...live, batchIds });
      await service.waitForEnd(body.request.id, service.tokens.creator);
    }
    const { body } = await service.call<{ requests: { id: string; createdAt: string; batchIds: string[] }[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    expect(body.requests).toHaveLength(10);
    const created = body.requests.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(body.requests[0]?.batchIds).toEqual(combos.at(-1));

    const forEmpty = await service.call<{ requests: { batchIds: string[] }[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}&batchId=${DEMO.batches.empty}`,
      service.tokens.creator,
    );
    expect(forEmpty.body.requests.length).toBeGreaterThan(0);
    expect(forEmpty.body.requests.every((r) => r.batchIds.includes(DEMO.batches.empty))).toBe(true);
  });

  it('never lets the password reach logs, execution input or the stored request once it has ended', async () => {
    await service.stack.stepFunctions.idle();
    expect(output.join('').length).toBeGreaterThan(0);
    expect(output.join('')).not.toContain(PASSWORD);
    for (const execution of service.stack.stepFunctions.executions.values()) {
      expect(execution.input).not.toContain(PASSWORD);
      expect(JSON.parse(execution.input)).toEqual({ requestId: expect.any(String) });
      expect(execution.output ?? '').not.toContain(PASSWORD);
    }
    const raw = await clients.dynamo.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: service.stack.env.REQUESTS_TABLE,
        Key: { pk: `REQ#${finished.id}` },
      }),
    );
    expect(raw.Item?.status).toBe('SUCCESS');
    expect(raw.Item).not.toHaveProperty('sealedPassword');
    expect(JSON.stringify(raw.Item)).not.toContain(PASSWORD);
  });
});
