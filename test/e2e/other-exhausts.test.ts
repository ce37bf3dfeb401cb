import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeList } from '#shared/reports/list-encoding';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { expectedQuestionSet, expectedUserProfile } from '../support/expected.ts';
import { download, openZip, type ReportBody, readCsv, type Service, startService } from '../support/local-service.ts';

const PASSWORD = 'Profile2026x';
let service: Service;
const run = promisify(execFile);

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => service?.stop());

async function requestAndOpen(body: Record<string, unknown>, token: string, password?: string) {
  const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', token, body);
  expect(submitted.status).toBe(202);
  const ended: ReportBody = await service.waitForEnd(submitted.body.request.id, token);
  expect(ended.status).toBe('SUCCESS');
  const files = new Map<string, { header: string[]; rows: string[][]; raw: string }>();
  for (const batch of ended.batches) {
    if (!batch.file) throw new Error(`no file for ${batch.batchId}`);
    const { bytes } = await download(batch.file.url);
    const { text } = await openZip(bytes, password);
    files.set(batch.batchId, { ...readCsv(text), raw: text });
  }
  return files;
}

describe('e2e: user profile exhaust', () => {
  const body = {
    type: 'user-profile',
    courseId: DEMO.courseId,
    batchIds: [DEMO.batches.live, DEMO.batches.expired],
    password: PASSWORD,
  };

  it('is refused to a mentor (403) and without a password (400), writing nothing', async () => {
    const mentor = await service.call<{ error: { code: string } }>('POST', '/v1/reports', service.tokens.mentor, body);
    expect(mentor.status).toBe(403);
    const { password: _omitted, ...withoutPassword } = body;
    const noPassword = await service.call<{ error: { message: string; issues: { path: string }[] } }>(
      'POST',
      '/v1/reports',
      service.tokens.creator,
      withoutPassword,
    );
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.issues.map((i) => i.path)).toContain('password');
    const list = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    expect(list.body.requests).toHaveLength(0);
  });

  it('gives one file per batch (live and expired), cell by cell as computed from the seeded records', async () => {
    const files = await requestAndOpen(body, service.tokens.creator, PASSWORD);
    expect([...files.keys()]).toEqual([DEMO.batches.live, DEMO.batches.expired]);
    const records = demoRecords();
    for (const [batchId, file] of files) {
      expect(file.header).toEqual([
        'Collection Id',
        'Collection Name',
        'Batch Id',
        'Batch Name',
        'User UUID',
        'User Name',
        'State',
        'District',
        'Org Name',
        'External ID',
        'Mobile Number',
        'Email ID',
        'Consent Provided',
        'Consent Provided Date',
      ]);
      expect(file.rows).toEqual(expectedUserProfile(records, DEMO.courseId, batchId));
    }
    const live = files.get(DEMO.batches.live);
    const consents = new Set(live?.rows.map((r) => r[12]));
    expect(consents).toEqual(new Set(['Yes', 'No']));
  });

  it('never writes a PII value of a learner who did not consent, or withdrew, anywhere in the file', async () => {
    const files = await requestAndOpen({ ...body, password: 'Another2026y' }, service.tokens.creator, 'Another2026y');
    const records = demoRecords() as Record<string, unknown>[];
    const latest = new Map<string, Record<string, unknown>>();
    for (const c of records.filter((r) => r.kind === 'consent')) {
      const key = String(c.userId);
      if (!latest.has(key) || String(latest.get(key)?.at) < String(c.at)) latest.set(key, c);
    }
    const enrolled = new Set(records.filter((r) => r.kind === 'enrolment').map((r) => String(r.userId)));
    const nonConsenting = records.filter(
      (r) => r.kind === 'user' && enrolled.has(String(r.userId)) && latest.get(String(r.userId))?.given !== true,
    );
    const withdrawn = [...latest.values()].filter((c) => c.given === false);
    expect(nonConsenting.length).toBeGreaterThan(50);
    expect(withdrawn.length).toBeGreaterThan(0);
    const everything = [...files.values()].map((f) => f.raw).join('\n');
    for (const user of nonConsenting) {
      for (const field of ['email', 'phone', 'externalId']) expect(everything).not.toContain(String(user[field]));
    }
  });
});

describe('e2e: question set responses exhaust', () => {
  it('lets a mentor ask without a password and gives one row per question per attempt, lists intact', async () => {
    const files = await requestAndOpen(
      { type: 'question-set', courseId: DEMO.courseId, batchIds: [DEMO.batches.live] },
      service.tokens.mentor,
    );
    const file = files.get(DEMO.batches.live);
    expect(file?.header.at(-2)).toBe('Question Options');
    const expected = expectedQuestionSet(demoRecords(), DEMO.courseId, DEMO.batches.live);
    expect(expected.length).toBeGreaterThan(500);
    expect(file?.rows).toEqual(expected);
    const attemptIds = new Set(file?.rows.map((r) => r[7]));
    expect(attemptIds.size).toBeGreaterThan(300);
    const awkward = file?.rows.find((r) => decodeList(r[17] ?? '[]').some((v) => v.includes('\n')));
    expect(decodeList(awkward?.[17] ?? '')).toEqual(['What is 2+2?\n(I think)']);
  });

  it('writes a header-only file for a batch with no enrolments', async () => {
    const files = await requestAndOpen(
      { type: 'question-set', courseId: DEMO.courseId, batchIds: [DEMO.batches.empty], password: 'Empty2026z' },
      service.tokens.creator,
      'Empty2026z',
    );
    const file = files.get(DEMO.batches.empty);
    expect(file?.header[0]).toBe('Collection Id');
    expect(file?.rows).toEqual([]);
  });
});

describe('e2e: who sees which requests', () => {
  it("hides the creator's user profile requests from a mentor, who still sees the question set ones", async () => {
    const asCreator = await service.call<{ requests: { type: string }[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    const asMentor = await service.call<{ requests: { type: string }[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.mentor,
    );
    expect(new Set(asCreator.body.requests.map((r) => r.type))).toEqual(new Set(['user-profile', 'question-set']));
    expect(new Set(asMentor.body.requests.map((r) => r.type))).toEqual(new Set(['question-set']));
  });
});

describe('e2e: ingesting learning records over HTTP', () => {
  const user = { kind: 'user', org: DEMO.org, userId: 'new-learner-1', name: 'Nandini Rao', state: 'Goa' };

  it('needs the records/write scope', async () => {
    const response = await service.call('POST', '/v1/records', service.tokens.creator, { records: [user] });
    expect(response.status).toBe(403);
  });

  it('writes valid records of the caller’s organisation, all or nothing on validation', async () => {
    const writer = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org, scope: 'records/write' });
    const ok = await service.call<{ written: number }>('POST', '/v1/records', writer, {
      records: [
        user,
        {
          kind: 'enrolment',
          courseId: DEMO.courseId,
          batchId: DEMO.batches.empty,
          userId: user.userId,
          enrolledAt: '2026-11-01T09:00:00Z',
        },
      ],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.written).toBe(2);
    expect((await service.records.getUsers([user.userId])).get(user.userId)?.name).toBe('Nandini Rao');

    const bad = await service.call<{ error: { issues: { path: string }[] } }>('POST', '/v1/records', writer, {
      records: [
        { ...user, name: 'Changed' },
        { kind: 'user', org: DEMO.org, userId: 'bad#id', name: 'X' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i) => i.path)).toContain('records[1].userId');
    expect((await service.records.getUsers([user.userId])).get(user.userId)?.name).toBe('Nandini Rao');
  });

  it('imports a JSON-lines file with the bulk import command, through the same API', async () => {
    const writer = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org, scope: 'records/write' });
    const file = join(mkdtempSync(join(tmpdir(), 'import-')), 'records.jsonl');
    const lines = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({ kind: 'user', org: DEMO.org, userId: `imported-${i}`, name: `Imported ${i}` }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const importer = (path: string) =>
      run(process.execPath, [
        '--import',
        'tsx',
        'scripts/import-records.ts',
        '--api',
        service.stack.apiUrl,
        '--token',
        writer,
        path,
      ]);
    expect((await importer(file)).stdout).toContain('Imported 1500 records');
    expect((await service.records.getUsers(['imported-0', 'imported-1499'])).size).toBe(2);

    writeFileSync(file, `${lines[0]}\n{"kind":"user","org":"${DEMO.org}","userId":"bad id","name":"x"}\n`);
    const failed = (await importer(file).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('line 2: records[1].userId');
  });

  it("refuses to take over another organisation's course or to enrol its learners", async () => {
    const intruder = await issueLocalToken({ sub: 'intruder', org: DEMO.otherOrg.org, scope: 'records/write' });
    const takeover = await service.call<{ error: { issues: { path: string; message: string }[] } }>(
      'POST',
      '/v1/records',
      intruder,
      {
        records: [
          {
            kind: 'course',
            org: DEMO.otherOrg.org,
            courseId: DEMO.courseId,
            name: 'Mine now',
            creatorId: 'intruder',
            children: [{ type: 'content', id: 'c', name: 'c' }],
          },
        ],
      },
    );
    expect(takeover.status).toBe(400);
    expect(takeover.body.error.issues[0]).toEqual({ path: 'records[0].courseId', message: 'belongs to another organisation' });
    expect((await service.records.getCourse(DEMO.courseId))?.creatorId).toBe(DEMO.creator);

    const poach = await service.call('POST', '/v1/records', intruder, {
      records: [
        {
          kind: 'enrolment',
          courseId: DEMO.otherOrg.courseId,
          batchId: DEMO.otherOrg.batchId,
          userId: 'user-0001',
          enrolledAt: '2026-11-01T09:00:00Z',
        },
      ],
    });
    expect(poach.status).toBe(400);
  });
});
