import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_SCOPE } from '#shared/usecases/ingest-records';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { PROJECT_ROOT } from '../../infra/paths.ts';
import { type Service, startService } from '../support/local-service.ts';

/** Fewer learners than the demo's 320 keep the stack's start quick; expected counts come from the same records. */
const LEARNERS = 80;
let service: Service;
beforeAll(async () => {
  service = await startService(LEARNERS);
});
afterAll(async () => service?.stop());

interface Course {
  courseId: string;
  name: string;
  batches: { batchId: string; status: string; enrolments: number; role: string; reportTypes: string[]; startDate: string }[];
}
const getCourse = (courseId: string, token: string) =>
  service.call<{ course: Course; error: { code: string } }>('GET', `/v1/courses/${encodeURIComponent(courseId)}`, token);
const search = (query: string, token: string) =>
  service.call<{ courses: { courseId: string; name: string; roles: string[] }[] }>(
    'GET',
    `/v1/courses?query=${encodeURIComponent(query)}`,
    token,
  );

describe('e2e: course dashboard API over HTTP', () => {
  it('counts enrolments at ingestion: the same enrolments sent twice count once', async () => {
    const seeded = demoRecords(LEARNERS) as { kind: string; batchId?: string }[];
    const expected = (batchId: string) => seeded.filter((r) => r.kind === 'enrolment' && r.batchId === batchId).length;
    const writer = await issueLocalToken({ sub: 'importer', org: DEMO.org, scope: INGEST_SCOPE });
    const liveEnrolments = seeded.filter((r) => r.kind === 'enrolment' && r.batchId === DEMO.batches.live).slice(0, 50);
    for (let round = 0; round < 2; round += 1) {
      const { status } = await service.call('POST', '/v1/records', writer, { records: liveEnrolments });
      expect(status).toBe(200);
    }

    const { status, body } = await getCourse(DEMO.courseId, service.tokens.creator);
    expect(status).toBe(200);
    const byId = new Map(body.course.batches.map((b) => [b.batchId, b]));
    expect(byId.get(DEMO.batches.live)?.enrolments).toBe(expected(DEMO.batches.live));
    expect(byId.get(DEMO.batches.expired)?.enrolments).toBe(expected(DEMO.batches.expired));
    expect(byId.get(DEMO.batches.empty)?.enrolments).toBe(0);
    expect(expected(DEMO.batches.live)).toBeGreaterThan(50);
    expect(byId.get(DEMO.batches.expired)?.status).toBe('Expired');
    expect(byId.get(DEMO.batches.live)?.status).toBe('Live');
    expect(byId.get(DEMO.batches.live)?.reportTypes).toEqual([
      'course-progress',
      'user-profile',
      'question-set',
      'enrollments',
      'exercises',
      'user-activity',
    ]);
  });

  it('finds a course by part of its Hindi name, for its creator and for the mentor of its batch', async () => {
    for (const token of [service.tokens.creator, service.tokens.mentor]) {
      const { status, body } = await search('नींव', token);
      expect(status).toBe(200);
      expect(body.courses.map((c) => c.courseId)).toEqual([DEMO.hindiCourse.courseId]);
      expect(body.courses[0]?.name).toBe(DEMO.hindiCourse.name);
    }
    const { body } = await getCourse(DEMO.hindiCourse.courseId, service.tokens.mentor);
    expect(body.course.batches).toEqual([
      expect.objectContaining({ batchId: DEMO.hindiCourse.batchId, enrolments: DEMO.hindiCourse.learners, role: 'mentor' }),
    ]);
  });

  it('finds by do id or part of a name, best matches first, only courses the caller may see', async () => {
    const byName = await search('assess', service.tokens.creator);
    expect(byName.body.courses).toEqual([
      { courseId: DEMO.courseId, name: 'Foundations of Classroom Assessment', roles: ['creator'] },
    ]);
    const all = await search('', service.tokens.creator);
    expect(all.body.courses.map((c) => c.courseId).sort()).toEqual(
      [DEMO.courseId, DEMO.hindiCourse.courseId, DEMO.secondCourse.courseId].sort(),
    );
    const mentorAll = await search('', service.tokens.mentor);
    expect(mentorAll.body.courses.map((c) => c.courseId).sort()).toEqual([DEMO.courseId, DEMO.hindiCourse.courseId].sort());
    expect((await search(DEMO.courseId, service.tokens.mentor)).body.courses[0]?.courseId).toBe(DEMO.courseId);
    expect((await search('', service.tokens.stranger)).body.courses).toEqual([]);
    expect((await search(DEMO.otherOrg.courseId, service.tokens.creator)).body.courses).toEqual([]);
  });

  it('shows a mentor only their batches, without the user profile report', async () => {
    const { body } = await getCourse(DEMO.courseId, service.tokens.mentor);
    expect(body.course.batches.map((b) => b.batchId).sort()).toEqual([DEMO.batches.live, DEMO.batches.empty].sort());
    for (const batch of body.course.batches) {
      expect(batch.role).toBe('mentor');
      expect(batch.reportTypes).toEqual(['course-progress', 'question-set']);
    }
  });

  it("answers 404 for another organisation's course, 403 for a stranger, 401 without a token, 400 for a bad id", async () => {
    expect((await getCourse(DEMO.otherOrg.courseId, service.tokens.creator)).status).toBe(404);
    expect((await getCourse(DEMO.courseId, service.tokens.otherOrgCreator)).status).toBe(404);
    expect((await getCourse('do_missing', service.tokens.creator)).status).toBe(404);
    expect((await getCourse(DEMO.courseId, service.tokens.stranger)).status).toBe(403);
    expect((await service.call('GET', `/v1/courses/${DEMO.courseId}`, undefined)).status).toBe(401);
    expect((await service.call('GET', '/v1/courses', undefined)).status).toBe(401);
    expect((await getCourse('bad#id', service.tokens.creator)).status).toBe(400);
    expect((await service.call('GET', `/v1/courses?query=${'x'.repeat(201)}`, service.tokens.creator)).status).toBe(400);
  });
});

describe('e2e: the API description over HTTP', () => {
  it('serves GET /openapi.json without a token: the committed docs/openapi.json', async () => {
    const { status, body, headers } = await service.call('GET', '/openapi.json', undefined);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toEqual(JSON.parse(readFileSync(`${PROJECT_ROOT}/docs/openapi.json`, 'utf8')));
  });
});
