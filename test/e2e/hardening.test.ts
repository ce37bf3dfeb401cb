import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients } from '#shared/adapters/aws-clients';
import { zipEntryName } from '#shared/domain/file-names';
import { MAX_OUTLINE_DEPTH, MAX_RECORD_BYTES, MAX_RECORD_NESTING } from '#shared/domain/limits';
import { INGEST_SCOPE } from '#shared/usecases/ingest-records';
import { DEMO } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { sevenZip } from '../../infra/local/seven-zip.ts';
import { download, readCsv, type Service, startService } from '../support/local-service.ts';

/** Inputs that pass validation are stored and reported; inputs that cannot be are a 4xx that changes nothing. */
let service: Service;
let writer: string;

beforeAll(async () => {
  service = await startService(20);
  writer = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org, scope: INGEST_SCOPE });
});
afterAll(async () => service?.stop());

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; existingRequestId?: string };
}
const postRecords = (records: unknown[]) =>
  service.call<ErrorBody & { written?: number }>('POST', '/v1/records', writer, { records });

async function recordItemCount(): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await clients.dynamo.send(
      new ScanCommand({ TableName: service.stack.env.RECORDS_TABLE, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** 128 characters (the id limit), with colons: Windows refuses `:` in file names. */
const longId = (stem: string) => `${stem}:`.repeat(60).slice(0, 128);
const course = (courseId: string, children: unknown[]) => ({
  kind: 'course',
  org: DEMO.org,
  courseId,
  name: 'Hardening course',
  creatorId: DEMO.creator,
  children,
});
const content = (id: string, name = 'Lesson') => ({ type: 'content', id, name });
const quiz = (question: Record<string, unknown> = {}) => ({
  type: 'assessment',
  id: 'quiz',
  name: 'Quiz',
  maxScore: 10,
  questions: [{ id: 'q1', type: 'mcq', title: 'Pick', maxScore: 10, options: ['a', 'b'], ...question }],
});
/** A course's JSON with one chain of modules `levels` deep, written as text: JSON.stringify itself recurses. */
const nestedCourseJson = (courseId: string, levels: number): string => {
  const open = '{"type":"module","id":"m","name":"Module","children":['.repeat(levels - 1);
  const close = ']}'.repeat(levels - 1);
  const wrapper = JSON.stringify(course(courseId, ['CHAIN']));
  return wrapper.replace('"CHAIN"', `${open}${JSON.stringify(content('leaf'))}${close}`);
};

describe('e2e: ids as long and odd as the schema allows', () => {
  it('gives a report for a 128-character course and batch id holding colons, whose ZIP 7-Zip extracts to disk', async () => {
    const courseId = longId('do_course');
    const batchId = longId('batch');
    const stored = await postRecords([
      course(courseId, [content('c1'), quiz()]),
      {
        kind: 'batch',
        org: DEMO.org,
        courseId,
        batchId,
        name: 'Long',
        startDate: '2026-01-01T00:00:00Z',
        creatorId: DEMO.creator,
      },
      { kind: 'user', org: DEMO.org, userId: 'u-long:1', name: 'Asha' },
      {
        kind: 'enrolment',
        courseId,
        batchId,
        userId: 'u-long:1',
        enrolledAt: '2026-01-02T00:00:00Z',
        completedContentIds: ['c1'],
      },
    ]);
    expect(stored.status).toBe(200);

    const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', service.tokens.creator, {
      type: 'course-progress',
      courseId,
      batchIds: [batchId],
      password: 'Long2026pw',
    });
    expect(submitted.status).toBe(202);
    const ended = await service.waitForEnd(submitted.body.request.id, service.tokens.creator);
    expect(ended.status).toBe('SUCCESS');
    const file = ended.batches[0]?.file;
    if (!file) throw new Error('no file');
    expect(file.fileName).not.toMatch(/[<>:"/\\|?*]/);
    const { bytes, disposition } = await download(file.url);
    expect(disposition).toBe(`attachment; filename="${file.fileName}"`);

    // Saved and extracted the way a mentor does it: to files on disk, not to a pipe.
    const dir = mkdtempSync(join(tmpdir(), 'long-ids-'));
    writeFileSync(join(dir, file.fileName), bytes);
    await sevenZip(['x', `-o${join(dir, 'out')}`, '-pLong2026pw', join(dir, file.fileName)]);
    const extracted = readdirSync(join(dir, 'out'));
    expect(extracted).toEqual([zipEntryName(batchId, 'course-progress', courseId)]);
    const { rows } = readCsv(readFileSync(join(dir, 'out', extracted[0] as string), 'utf8'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe(courseId);
  });
});

describe('e2e: records every layer can hold, or a 400 that writes nothing', () => {
  const valid = { kind: 'user', org: DEMO.org, userId: 'u-limits', name: 'Would be written' };

  it.each([
    ['500 levels', 500],
    ['3,000 levels', 3_000],
    ['one level past the limit', MAX_OUTLINE_DEPTH + 1],
  ])('refuses a course outline nested %s deep, naming the limit', async (_, levels) => {
    const before = await recordItemCount();
    const body = `{"records":[${JSON.stringify(valid)},${nestedCourseJson('do_deep', levels)}]}`;
    const response = await service.call<ErrorBody>('POST', '/v1/records', writer, body);
    expect(response.status).toBe(400);
    expect(response.body.error.issues?.[0]?.message).toMatch(
      new RegExp(`${MAX_RECORD_NESTING} levels|at most ${MAX_OUTLINE_DEPTH}`),
    );
    expect(await recordItemCount()).toBe(before);
  });

  it('stores a course outline nested exactly as deep as allowed, with a quiz at the bottom', async () => {
    let node: unknown = quiz();
    for (let level = MAX_OUTLINE_DEPTH - 1; level > 0; level -= 1) {
      node = { type: 'module', id: `d${level}`, name: 'Module', children: [node] };
    }
    const response = await postRecords([course('do_deepest', [node])]);
    expect(response.status).toBe(200);
    expect(await service.records.getCourse('do_deepest')).toMatchObject({ courseId: 'do_deepest' });
  });

  it.each([
    ['a score beyond 2^53', { score: 1e16 }, {}],
    ['a duration of 1e300 seconds', { responses: [{ questionId: 'q1', score: 1, durationSeconds: 1e300 }] }, {}],
    ['a maximum score of 1e200', {}, { maxScore: 1e200 }],
    ['a maximum score of 1e-200', {}, { maxScore: 1e-200 }],
  ])('refuses %s (DynamoDB cannot store it) and writes nothing', async (_, attempt, question) => {
    const before = await recordItemCount();
    const courseId = 'do_numbers';
    const batchId = 'batch-numbers';
    const response = await postRecords([
      valid,
      course(courseId, [quiz(question)]),
      { kind: 'batch', org: DEMO.org, courseId, batchId, name: 'N', startDate: '2026-01-01T00:00:00Z', creatorId: DEMO.creator },
      {
        kind: 'attempt',
        courseId,
        batchId,
        userId: 'u-limits',
        assessmentId: 'quiz',
        attemptId: 't1',
        attemptedAt: '2026-01-03T00:00:00Z',
        score: 1,
        ...attempt,
      },
    ]);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/nothing was written/);
    expect(await recordItemCount()).toBe(before);
  });

  it('refuses records over 400 KB once stored, and lists the limits of their parts, writing nothing', async () => {
    const before = await recordItemCount();
    const bigNames = Array.from({ length: 1_000 }, (_, i) => content(`c${i}`.padEnd(128, 'x'), 'n'.repeat(500)));
    const cases: [unknown, RegExp][] = [
      [course('do_big', bigNames), new RegExp(`larger than ${MAX_RECORD_BYTES} bytes`)],
      [course('do_options', [quiz({ options: Array.from({ length: 300 }, () => 'o'.repeat(2_000)) })]), /100/],
      [
        {
          kind: 'enrolment',
          courseId: DEMO.courseId,
          batchId: DEMO.batches.live,
          userId: 'u-limits',
          enrolledAt: '2026-01-02T00:00:00Z',
          completedContentIds: Array.from({ length: 5_000 }, (_, i) => `content-${i}`),
        },
        /2000/,
      ],
    ];
    for (const [record, reason] of cases) {
      const response = await postRecords([valid, record]);
      expect(response.status).toBe(400);
      expect(response.body.error.issues?.map((i) => i.message).join(' ')).toMatch(reason);
    }
    expect(await recordItemCount()).toBe(before);
  });
});

describe('e2e: request ids and paths', () => {
  it('answers a report id longer than any request id with 400, not 500', async () => {
    const response = await service.call<ErrorBody>('GET', `/v1/reports/${'a'.repeat(3_000)}`, service.tokens.creator);
    expect(response.status).toBe(400);
    expect(response.body.error.message.length).toBeLessThanOrEqual(300);
  });

  it.each(['%E0%A4%A', '%', 'abc%zz'])('answers a malformed percent-escape (%s) with 400', async (malformed) => {
    const response = await fetch(`${service.stack.apiUrl}/v1/reports/${malformed}`, {
      headers: { authorization: `Bearer ${service.tokens.creator}` },
    });
    expect(response.status).toBe(400);
  });
});

describe('e2e: tighter request rules', () => {
  const live = { type: 'course-progress', courseId: DEMO.courseId, batchIds: [DEMO.batches.live] };

  it('answers a JSON route called with another content-type with 415', async () => {
    const response = await fetch(`${service.stack.apiUrl}/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.tokens.creator}`, 'content-type': 'text/plain' },
      body: JSON.stringify(live),
    });
    expect(response.status).toBe(415);
  });

  it('refuses duplicate batch ids naming them, and passwords with control characters', async () => {
    const twice = await service.call<ErrorBody>('POST', '/v1/reports', service.tokens.creator, {
      ...live,
      batchIds: [DEMO.batches.live, DEMO.batches.expired, DEMO.batches.live],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain(`more than once: ${DEMO.batches.live}`);
    for (const password of ['Secret123\n', 'Sec\u0000ret123', 'Secret\u007f123']) {
      const response = await service.call<ErrorBody>('POST', '/v1/reports', service.tokens.creator, { ...live, password });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/control characters/);
    }
  });

  it('keeps every 4xx message within 300 characters, echoing at most an excerpt of the input', async () => {
    const huge = 'k'.repeat(10_000);
    const responses = [
      await service.call<ErrorBody>('POST', '/v1/reports', service.tokens.creator, { ...live, [huge]: 1 }),
      await postRecords(
        Array.from({ length: 40 }, (_, i) => ({ kind: 'user', org: DEMO.org, userId: `${huge}${i}`, name: huge })),
      ),
    ];
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.body.error.message.length).toBeLessThanOrEqual(300);
      expect(JSON.stringify(response.body).length).toBeLessThan(20_000);
      for (const issue of response.body.error.issues ?? []) {
        expect(issue.path.length + issue.message.length).toBeLessThanOrEqual(300);
      }
    }
  });

  it("answers a list of another organisation's course with 404, as POST does", async () => {
    const response = await service.call<ErrorBody>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.otherOrgCreator,
    );
    expect(response.status).toBe(404);
    expect((await service.call('GET', `/v1/reports?courseId=do_no_such_course`, service.tokens.creator)).status).toBe(404);
  });

  it('dedupes per requester: mentor and creator each get their own request; the same person twice gets 409', async () => {
    const submit = (token: string) =>
      service.call<ErrorBody & { request: { id: string } }>('POST', '/v1/reports', token, { ...live, password: 'Own2026pw' });
    const [creator, creatorAgain, mentor] = await Promise.all([
      submit(service.tokens.creator),
      submit(service.tokens.creator),
      submit(service.tokens.mentor),
    ]);
    expect(mentor.status).toBe(202);
    expect([creator.status, creatorAgain.status].sort()).toEqual([202, 409]);
    const accepted = creator.status === 202 ? creator : creatorAgain;
    const refused = creator.status === 409 ? creator : creatorAgain;
    expect(refused.body.error.existingRequestId).toBe(accepted.body.request.id);
    expect(accepted.body.request.id).not.toBe(mentor.body.request.id);
    expect((await service.waitForEnd(accepted.body.request.id, service.tokens.creator)).status).toBe('SUCCESS');
    expect((await service.waitForEnd(mentor.body.request.id, service.tokens.mentor)).status).toBe('SUCCESS');
  });
});
