import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/adapters/observability';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { assertDescribedAnswer } from '../support/api-description.ts';
import {
  type Cell,
  csvText,
  type ExpectedActivity,
  expectedEnrollments,
  expectedExercises,
  expectedUserActivity,
} from '../support/expected-course-reports.ts';
import { type Service, startService } from '../support/local-service.ts';

const REPORTS = `/api/v1/ondemand-courses`;
const ENROLLMENT_COLUMNS = [
  'course_id',
  'course_name',
  'enrollment_id',
  'email',
  'name',
  'workspace_id',
  'enrolled_at',
  'started_at',
  'status',
  'exercises_finished',
  'exercises_count',
  'all_exercises_completed',
];

let service: Service;
let adminToken: string;
let otherOrgAdminToken: string;
let authorization: string;
const LEARNERS = 120;
const records = demoRecords(LEARNERS);

async function get(path: string, auth: string | undefined, init: { method?: string; body?: unknown; accept?: string } = {}) {
  const response = await fetch(`${service.stack.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(init.accept ? { accept: init.accept } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  assertDescribedAnswer(init.method ?? 'GET', path, {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
  });
  return { status: response.status, text, headers: response.headers };
}

async function createKey(token: string, label: string) {
  const { status, body } = await service.call<{ apiKey: string; authorization: string; key: { id: string } }>(
    'POST',
    '/v1/api-keys',
    token,
    { label },
  );
  expect(status).toBe(201);
  return body;
}

const cells = (item: Record<string, Cell>, columns: string[]) => columns.map((column) => item[column] ?? null);

beforeAll(async () => {
  service = await startService(LEARNERS);
  // Handlers log at INFO; the test about logs turns them up itself.
  logger.setLogLevel('WARN');
  adminToken = await issueLocalToken({ sub: 'admin-demo', org: DEMO.org, scope: API_KEYS_SCOPE });
  otherOrgAdminToken = await issueLocalToken({ sub: 'admin-other', org: DEMO.otherOrg.org, scope: API_KEYS_SCOPE });
  authorization = (await createKey(adminToken, 'integration tests')).authorization;

  // Seeding through dynalite can take minutes when the shared 2-core machine is busy.
}, 300_000);
afterAll(async () => {
  await service?.stop();
});

describe('e2e: course reports, enrollments', () => {
  const expected = expectedEnrollments(records, DEMO.courseId);

  it('answers JSON by default: one item per enrolment of every batch, as computed from the records', async () => {
    const { status, text, headers } = await get(`${REPORTS}/${DEMO.courseId}/reports/enrollments`, authorization);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text);
    expect(body.result).toBe('success');
    expect(body.data).toEqual(expected);
    expect(expected.length).toBe(LEARNERS);
    // The demo has every status, and learners who never started have no started_at.
    expect(new Set(expected.map((r) => r.status))).toEqual(new Set(['enrolled', 'started', 'finished']));
    expect(expected.find((r) => r.status === 'enrolled')?.started_at).toBeNull();
  });

  it('answers CSV for ?output=csv and for Accept: text/csv, header first, strings quoted, numbers and booleans bare', async () => {
    const byQuery = await get(`${REPORTS}/${DEMO.courseId}/reports/enrollments?output=csv`, authorization);
    const byAccept = await get(`${REPORTS}/${DEMO.courseId}/reports/enrollments`, authorization, { accept: 'text/csv' });
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byAccept.text).toBe(byQuery.text);
    expect(byQuery.text).toBe(
      csvText(
        ENROLLMENT_COLUMNS,
        expected.map((row) => cells(row, ENROLLMENT_COLUMNS)),
      ),
    );
    const [header, ...rows] = parse(byQuery.text) as string[][];
    expect(header).toEqual(ENROLLMENT_COLUMNS);
    expect(rows).toHaveLength(LEARNERS);
    expect(rows[0]?.[6]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('lists a course without exercises with zero counts, and an enrolment never started as enrolled', async () => {
    const { status, text } = await get(`${REPORTS}/${DEMO.secondCourse.courseId}/reports/enrollments`, authorization);
    expect(status).toBe(200);
    const data = JSON.parse(text).data as Record<string, Cell>[];
    expect(data).toEqual(expectedEnrollments(records, DEMO.secondCourse.courseId));
    expect(data.map((r) => [r.exercises_count, r.all_exercises_completed])).toEqual([
      [0, false],
      [0, false],
      [0, false],
    ]);
    expect(data.find((r) => r.enrollment_id === `${DEMO.secondCourse.batchId}:user-0000`)).toMatchObject({
      status: 'enrolled',
      started_at: null,
    });
  });
});

describe('e2e: course reports, exercises', () => {
  it('answers JSON with exercise{n}_* fields in course order, as computed from the records', async () => {
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/exercises?output=json`, authorization);
    expect(status).toBe(200);
    const data = JSON.parse(text).data as Record<string, Cell>[];
    expect(data).toEqual(expectedExercises(records, DEMO.courseId));
    expect(Object.keys(data[0] ?? {}).slice(9, 13)).toEqual([
      'exercise1_title',
      'exercise1_type',
      'exercise1_result',
      'exercise1_finished_at',
    ]);
    expect(data[0]?.exercise2_title).toBe('Multiple choice done right');
    expect(data[0]?.exercise2_type).toBe('exercise');
    expect(new Set(data.map((r) => r.exercise1_result))).toEqual(new Set(['success', 'failure', null]));
  });

  it('answers CSV with the dynamic columns, parsed back the same', async () => {
    const expected = expectedExercises(records, DEMO.courseId);
    const columns = Object.keys(expected[0] ?? {});
    expect(columns).toHaveLength(9 + 5 * 4);
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/exercises?output=csv`, authorization);
    expect(status).toBe(200);
    expect(text).toBe(
      csvText(
        columns,
        expected.map((row) => cells(row, columns)),
      ),
    );
    const [header] = parse(text) as string[][];
    expect(header?.at(-1)).toBe('exercise5_finished_at');
  });

  it('has no exercise columns for a course without exercises', async () => {
    const { text } = await get(`${REPORTS}/${DEMO.secondCourse.courseId}/reports/exercises?output=csv`, authorization);
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual([
      'course_id',
      'course_name',
      'enrollment_id',
      'email',
      'name',
      'workspace_id',
      'exercises_finished',
      'exercises_count',
      'all_exercises_completed',
    ]);
    expect(rows).toHaveLength(3);
  });
});

describe('e2e: course reports, user activity', () => {
  // A session that straddles `from`: it started before the window and ended inside it.
  const straddling = (records as { kind: string; userId: string; startedAt: string; endedAt: string }[]).find(
    (r) => r.kind === 'session',
  ) as { userId: string; startedAt: string; endedAt: string };
  const from = new Date((Date.parse(straddling.startedAt) + Date.parse(straddling.endedAt)) / 2).toISOString();
  const to = new Date(Date.parse(from) + 20 * 86_400_000).toISOString();

  it('lists every enrolment with the sessions overlapping the window, a session straddling from included whole', async () => {
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/user-activity`, authorization, {
      method: 'POST',
      body: { from, to },
    });
    expect(status).toBe(200);
    const data = JSON.parse(text).data as ExpectedActivity[];
    expect(data).toEqual(expectedUserActivity(records, DEMO.courseId, { from, to }));
    const entry = data.find((e) => e.enrollmentId.endsWith(`:${straddling.userId}`));
    expect(entry?.sessions[0]).toEqual({
      sessionStartTime: straddling.startedAt,
      sessionEndTime: straddling.endedAt,
      sessionDurationInSeconds: (Date.parse(straddling.endedAt) - Date.parse(straddling.startedAt)) / 1000,
    });
    expect((entry?.sessions[0]?.sessionStartTime ?? '') < from).toBe(true);
    expect(data.some((e) => e.sessions.length > 1)).toBe(true);
  });

  it('answers CSV with one row per session, and one blank-session row for an enrolment without any', async () => {
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/user-activity?output=csv`, authorization, {
      method: 'POST',
      body: { from, to },
    });
    expect(status).toBe(200);
    const expected = expectedUserActivity(records, DEMO.courseId, { from, to });
    const lead = (e: (typeof expected)[number]): Cell[] => [
      e.courseId,
      e.workspaceId,
      e.enrollmentId,
      e.name,
      e.email,
      e.status,
      e.enrolledAt,
      e.startedAt,
    ];
    const rows = expected.flatMap((e) =>
      e.sessions.length === 0
        ? [[...lead(e), null, null, null, e.totalSessionTime, e.from, e.to]]
        : e.sessions.map((s) => [
            ...lead(e),
            s.sessionStartTime,
            s.sessionEndTime,
            s.sessionDurationInSeconds,
            e.totalSessionTime,
            e.from,
            e.to,
          ]),
    );
    const header = [
      'course_id',
      'workspace_id',
      'enrollment_id',
      'name',
      'email',
      'status',
      'enrolled_at',
      'started_at',
      'session_start_time',
      'session_end_time',
      'session_duration_in_seconds',
      'total_session_time',
      'from',
      'to',
    ];
    expect(text).toBe(csvText(header, rows));
    const parsed = parse(text) as string[][];
    expect(parsed.length - 1).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(expected.length);
  });

  it('defaults the window to the month before the request', async () => {
    const before = Date.now();
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/user-activity`, authorization, { method: 'POST' });
    const after = Date.now();
    expect(status).toBe(200);
    const first = JSON.parse(text).data[0];
    const windowTo = new Date(first.to);
    expect(windowTo.getTime()).toBeGreaterThanOrEqual(before);
    expect(windowTo.getTime()).toBeLessThanOrEqual(after);
    // One calendar month earlier, the day clamped to that month's length (31 March → 28 February).
    const monthBefore = new Date(windowTo);
    monthBefore.setUTCDate(1);
    monthBefore.setUTCMonth(monthBefore.getUTCMonth() - 1);
    const lastDay = new Date(Date.UTC(monthBefore.getUTCFullYear(), monthBefore.getUTCMonth() + 1, 0)).getUTCDate();
    monthBefore.setUTCDate(Math.min(windowTo.getUTCDate(), lastDay));
    expect(first.from).toBe(monthBefore.toISOString());
  });

  it.each([
    [{ from: 'yesterday' }, /from/],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, /from is after to/],
    [{ from: '2024-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, /more than a year/],
    [{ from: '2026-01-01T00:00:00Z', extra: 1 }, /extra|Unrecognized/i],
    ['{not json', /not valid JSON/],
  ])('refuses a bad window %j with 400', async (body, message) => {
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/user-activity`, authorization, {
      method: 'POST',
      body,
    });
    expect(status).toBe(400);
    const parsed = JSON.parse(text);
    expect(parsed.result).toBe('error');
    expect(parsed.error.code).toBe('BadRequest');
    expect(parsed.error.message).toMatch(message);
  });
});

describe('e2e: course reports, errors and API keys', () => {
  it('refuses an output other than json or csv with 400 in the error envelope', async () => {
    const { status, text } = await get(`${REPORTS}/${DEMO.courseId}/reports/enrollments?output=xml`, authorization);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      result: 'error',
      error: { code: 'BadRequest', message: 'output must be json or csv' },
    });
  });

  it("answers 404 for another organisation's course and for an unknown one", async () => {
    for (const courseId of [DEMO.otherOrg.courseId, 'no_such_course']) {
      const { status, text } = await get(`${REPORTS}/${courseId}/reports/enrollments`, authorization);
      expect(status).toBe(404);
      expect(JSON.parse(text)).toMatchObject({ result: 'error', error: { code: 'NotFound' } });
    }
    const other = await createKey(otherOrgAdminToken, 'other org');
    const { status } = await get(`${REPORTS}/${DEMO.courseId}/reports/enrollments`, other.authorization);
    expect(status).toBe(404);
  });

  it('answers 401 for a missing, malformed, unknown or org-mismatched key, and never logs a key', async () => {
    const key = await createKey(adminToken, 'logging');
    const unknown = `Bearer ${DEMO.org}:cek_${'A'.repeat(43)}`;
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');
    try {
      const path = `${REPORTS}/${DEMO.courseId}/reports/enrollments`;
      expect((await get(path, undefined)).status).toBe(401);
      expect((await get(path, 'Bearer nonsense')).status).toBe(401);
      expect((await get(path, `Bearer ${DEMO.org}:${key.apiKey.slice(0, -1)}`)).status).toBe(401);
      expect((await get(path, unknown)).status).toBe(401);
      expect((await get(path, `Bearer ${DEMO.otherOrg.org}:${key.apiKey}`)).status).toBe(401);
      expect((await get(path, key.authorization)).status).toBe(200);
    } finally {
      logger.setLogLevel('WARN');
      out.mockRestore();
      err.mockRestore();
    }
    const logs = written.join('');
    // The authorizer did log each decision, with the key id and never the key.
    expect(logs).toContain('API key refused');
    expect(logs).toContain(key.key.id);
    expect(logs).not.toContain(key.apiKey);
    expect(logs).not.toContain(key.apiKey.slice(4, 20));
    expect(logs).not.toContain('A'.repeat(43));
  });

  it('creates, lists (never the key) and revokes keys; a revoked key is refused', async () => {
    const created = await createKey(adminToken, 'to revoke');
    expect(created.apiKey).toMatch(/^cek_[A-Za-z0-9_-]{43}$/);
    expect(created.authorization).toBe(`Bearer ${DEMO.org}:${created.apiKey}`);
    const path = `${REPORTS}/${DEMO.secondCourse.courseId}/reports/enrollments`;
    expect((await get(path, created.authorization)).status).toBe(200);

    const listed = await service.call<{ keys: Record<string, unknown>[] }>('GET', '/v1/api-keys', adminToken);
    expect(listed.status).toBe(200);
    const entry = listed.body.keys.find((k) => k.id === created.key.id);
    expect(entry).toMatchObject({ label: 'to revoke', revokedAt: null });
    expect(Object.keys(entry ?? {}).sort()).toEqual(['createdAt', 'id', 'label', 'lastUsedAt', 'revokedAt']);
    expect(entry?.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(created.apiKey);
    // Another org's admin sees none of them and cannot revoke them.
    const otherList = await service.call<{ keys: { id: string }[] }>('GET', '/v1/api-keys', otherOrgAdminToken);
    expect(otherList.body.keys.map((k) => k.id)).not.toContain(created.key.id);
    expect((await service.call('DELETE', `/v1/api-keys/${created.key.id}`, otherOrgAdminToken)).status).toBe(404);

    expect((await service.call('DELETE', `/v1/api-keys/${created.key.id}`, adminToken)).status).toBe(200);
    expect((await get(path, created.authorization)).status).toBe(401);
    const after = await service.call<{ keys: Record<string, unknown>[] }>('GET', '/v1/api-keys', adminToken);
    expect(after.body.keys.find((k) => k.id === created.key.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('keeps key management to tokens with the apikeys/manage scope', async () => {
    expect((await service.call('POST', '/v1/api-keys', service.tokens.creator, { label: 'x' })).status).toBe(403);
    expect((await service.call('GET', '/v1/api-keys', service.tokens.creator)).status).toBe(403);
    expect((await service.call('GET', '/v1/api-keys', undefined)).status).toBe(401);
  });
});
