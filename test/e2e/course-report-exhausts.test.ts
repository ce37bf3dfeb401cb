import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readId } from '#shared/report-files/cells';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import {
  type Cell,
  type ExpectedActivity,
  expectedEnrollments,
  expectedExercises,
  expectedUserActivity,
} from '../support/expected-course-reports.ts';
import { download, openZip, type ReportBody, readCsv, type Service, startService } from '../support/local-service.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

const PASSWORD = 'Reports2026x';
const LEARNERS = 80;
const records = demoRecords(LEARNERS);
// biome-ignore lint/suspicious/noExplicitAny: raw demo records, read field by field.
type Raw = Record<string, any>;
let service: Service;

beforeAll(async () => {
  service = await startService(LEARNERS);
}, 300_000);
afterAll(async () => service?.stop());

/** Whether a learner's latest consent (by its own time) says yes: only then may course staff see name and email. */
function consented(batchId: string, userId: string): boolean {
  const latest = (records as Raw[])
    .filter((r) => r.kind === 'consent' && r.courseId === DEMO.courseId && r.batchId === batchId && r.userId === userId)
    .sort((a, b) => (a.at < b.at ? 1 : -1))[0];
  return latest?.given === true;
}

/** A sync report item as course staff get it in the exhaust: name and email blank without consent. */
function forStaff<T extends object>(item: T, id: string, fields: [keyof T, keyof T]): T {
  const [batchId = '', userId = ''] = id.split(':');
  return consented(batchId, userId) ? item : { ...item, [fields[0]]: null, [fields[1]]: null };
}

/** A cell as the exhaust's CSV text holds it: null empty, booleans and numbers as JavaScript prints them. */
const text = (cell: Cell) => (cell === null ? '' : String(cell));

async function requestAndOpen(body: Record<string, unknown>) {
  const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', service.tokens.creator, body);
  expect(submitted.status).toBe(202);
  const ended: ReportBody & { window?: { from: string; to: string } } = await service.waitForEnd(
    submitted.body.request.id,
    service.tokens.creator,
  );
  expect(ended.status).toBe('SUCCESS');
  const files = new Map<string, { header: string[]; rows: string[][]; rowCount: number }>();
  for (const batch of ended.batches) {
    if (!batch.file) throw new Error(`no file for ${batch.batchId}`);
    const { bytes } = await download(batch.file.url);
    const opened = await openZip(bytes, PASSWORD);
    expect(opened.method).toMatch(/AES-256/);
    const csv = readCsv(opened.text);
    // Ids are written Excel-safe (="…" for long digit-only ones); read back exactly.
    files.set(batch.batchId, { header: csv.header, rows: csv.rows.map((row) => row.map(readId)), rowCount: batch.file.rows });
  }
  return { files, ended };
}

const batchIds = [DEMO.batches.live, DEMO.batches.expired];
const inBatch = (batchId: string) => (id: unknown) => String(id).startsWith(`${batchId}:`);

describe('e2e: course reports as async exhausts', () => {
  it('enrollments: one ZIP per batch, cell by cell the sync report’s rows for that batch, name and email only with consent', async () => {
    const { files } = await requestAndOpen({ type: 'enrollments', courseId: DEMO.courseId, batchIds, password: PASSWORD });
    const all = expectedEnrollments(records, DEMO.courseId);
    const columns = Object.keys(all[0] ?? {});
    expect(columns).toContain('status');
    let blanked = 0;
    for (const batchId of batchIds) {
      const file = files.get(batchId);
      const expected = all
        .filter((row) => inBatch(batchId)(row.enrollment_id))
        .map((row) => forStaff(row, String(row.enrollment_id), ['email', 'name']));
      expect(expected.length).toBeGreaterThan(0);
      blanked += expected.filter((row) => row.name === null).length;
      expect(file?.header).toEqual(columns);
      expect(file?.rows).toEqual(expected.map((row) => columns.map((c) => text(row[c] as Cell))));
      expect(file?.rowCount).toBe(expected.length);
    }
    // The seeded consents include refusals and withdrawals: the gate was exercised, not vacuous.
    expect(blanked).toBeGreaterThan(0);
  });

  it('exercises: exercise{n}_* columns in course order, cell by cell', async () => {
    const { files } = await requestAndOpen({ type: 'exercises', courseId: DEMO.courseId, batchIds, password: PASSWORD });
    const all = expectedExercises(records, DEMO.courseId);
    const columns = Object.keys(all[0] ?? {});
    expect(columns).toContain('exercise1_title');
    for (const batchId of batchIds) {
      const expected = all
        .filter((row) => inBatch(batchId)(row.enrollment_id))
        .map((row) => forStaff(row, String(row.enrollment_id), ['email', 'name']));
      const file = files.get(batchId);
      expect(file?.header).toEqual(columns);
      expect(file?.rows).toEqual(expected.map((row) => columns.map((c) => text(row[c] as Cell))));
    }
  });

  it('user-activity: one row per session in the requested window (a session straddling from included whole)', async () => {
    const straddling = (records as Raw[]).find((r) => r.kind === 'session') as Raw;
    const from = new Date((Date.parse(straddling.startedAt) + Date.parse(straddling.endedAt)) / 2).toISOString();
    const to = new Date(Date.parse(from) + 20 * 86_400_000).toISOString();
    const { files, ended } = await requestAndOpen({
      type: 'user-activity',
      courseId: DEMO.courseId,
      batchIds,
      password: PASSWORD,
      from,
      to,
    });
    expect(ended.window).toEqual({ from, to });
    const all = expectedUserActivity(records, DEMO.courseId, { from, to });
    const rowsOf = (e: ExpectedActivity): Cell[][] => {
      const lead: Cell[] = [e.courseId, e.workspaceId, e.enrollmentId, e.name, e.email, e.status, e.enrolledAt, e.startedAt];
      const tail: Cell[] = [e.totalSessionTime, e.from, e.to];
      return e.sessions.length === 0
        ? [[...lead, null, null, null, ...tail]]
        : e.sessions.map((s) => [...lead, s.sessionStartTime, s.sessionEndTime, s.sessionDurationInSeconds, ...tail]);
    };
    let sessions = 0;
    for (const batchId of batchIds) {
      const expected = all
        .filter((e) => inBatch(batchId)(e.enrollmentId))
        .map((e) => forStaff(e, e.enrollmentId, ['email', 'name']));
      sessions += expected.reduce((n, e) => n + e.sessions.length, 0);
      const file = files.get(batchId);
      expect(file?.header.slice(8, 11)).toEqual(['session_start_time', 'session_end_time', 'session_duration_in_seconds']);
      expect(file?.rows).toEqual(expected.flatMap(rowsOf).map((row) => row.map(text)));
    }
    expect(sessions).toBeGreaterThan(1);
    const straddlingRow = files
      .get(straddling.batchId)
      ?.rows.find((row) => row[2] === `${straddling.batchId}:${straddling.userId}` && row[8] === straddling.startedAt);
    expect(straddlingRow?.[9]).toBe(straddling.endedAt);
  });

  it('refuses a bad window, or a window on another report, with 400, and writes nothing', async () => {
    const body = { type: 'user-activity', courseId: DEMO.courseId, batchIds, password: PASSWORD };
    const bad = [
      { ...body, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { ...body, from: '2025-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
      { ...body, from: 'yesterday' },
      { ...body, to: '2026-13-01T00:00:00Z' },
      { ...body, type: 'enrollments', from: '2026-01-01T00:00:00Z' },
    ];
    const before = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    for (const request of bad) {
      const answer = await service.call<{ error: { issues?: { path: string }[] } }>(
        'POST',
        '/v1/reports',
        service.tokens.creator,
        request,
      );
      expect(answer.status, JSON.stringify(request)).toBe(400);
      expect(answer.body.error.issues?.map((i) => i.path).some((p) => p === 'from' || p === 'to')).toBe(true);
    }
    const after = await service.call<{ requests: unknown[] }>(
      'GET',
      `/v1/reports?courseId=${DEMO.courseId}`,
      service.tokens.creator,
    );
    expect(after.body.requests).toHaveLength(before.body.requests.length);
  });

  it('is for the course’s creator only, with a password: a mentor gets 403 and is not offered them; no password is a 400', async () => {
    for (const type of ['enrollments', 'exercises', 'user-activity']) {
      const body = { type, courseId: DEMO.courseId, batchIds: [DEMO.batches.live], password: PASSWORD };
      const mentor = await service.call('POST', '/v1/reports', service.tokens.mentor, body);
      expect(mentor.status).toBe(403);
      const { password: _omitted, ...withoutPassword } = body;
      const noPassword = await service.call<{ error: { issues: { path: string }[] } }>(
        'POST',
        '/v1/reports',
        service.tokens.creator,
        withoutPassword,
      );
      expect(noPassword.status).toBe(400);
      expect(noPassword.body.error.issues.map((i) => i.path)).toContain('password');
    }
    type Overview = { course: { batches: { batchId: string; reportTypes: string[] }[] } };
    const live = (answer: { body: Overview }) => answer.body.course.batches.find((b) => b.batchId === DEMO.batches.live);
    const asCreator = await service.call<Overview>('GET', `/v1/courses/${DEMO.courseId}`, service.tokens.creator);
    expect(live(asCreator)?.reportTypes).toEqual(
      expect.arrayContaining(['course-progress', 'enrollments', 'exercises', 'user-activity']),
    );
    const asMentor = await service.call<Overview>('GET', `/v1/courses/${DEMO.courseId}`, service.tokens.mentor);
    expect(live(asMentor)?.reportTypes).toEqual(['course-progress', 'question-set']);
  });
});
