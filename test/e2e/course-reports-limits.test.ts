import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { assertDescribedAnswer } from '../support/api-description.ts';
import { expectedEnrollments, expectedUserActivity } from '../support/expected-course-reports.ts';
import { type Service, startService } from '../support/local-service.ts';

/**
 * The limits of the course reports on a stack whose response cap is a few kilobytes instead of
 * Lambda's 6 MB (the same code path: the cap is an environment value, set from RESPONSE_CAP_BYTES
 * on AWS, see test/infra/course-reports-api) and whose keys may make three calls before 429.
 */
const LEARNERS = 40;
const records = demoRecords(LEARNERS);
let service: Service;
let adminToken: string;

beforeAll(async () => {
  service = await startService(LEARNERS, { RESPONSE_CAP_BYTES: '4000', API_KEY_BURST: '3', API_KEY_RATE_PER_SECOND: '0.001' });
  adminToken = await issueLocalToken({ sub: 'admin-demo', org: DEMO.org, scope: API_KEYS_SCOPE });

  // Seeding through dynalite can take minutes when the shared 2-core machine is busy.
}, 300_000);
afterAll(async () => {
  await service?.stop();
});

async function newKey(): Promise<string> {
  const { status, body } = await service.call<{ authorization: string }>('POST', '/v1/api-keys', adminToken, { label: 'limits' });
  expect(status).toBe(201);
  return body.authorization;
}

async function call(path: string, authorization: string, init: { method?: string; body?: unknown; follow?: boolean } = {}) {
  const response = await fetch(`${service.stack.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    redirect: init.follow ? 'follow' : 'manual',
    headers: { authorization, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  // A followed redirect ends at S3, which the API description does not cover.
  if (!init.follow) {
    const text = await response.clone().text();
    assertDescribedAnswer(init.method ?? 'GET', path, {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
    });
  }
  return response;
}

describe('e2e: course reports over the response cap', () => {
  it('answers 303 to a presigned copy of the whole result, which downloads complete', async () => {
    const authorization = await newKey();
    const path = `/api/v1/ondemand-courses/${DEMO.courseId}/reports/enrollments`;
    const response = await call(path, authorization);
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/\/course-reports\/org-demo\/.+-enrollments\.json\?.*X-Amz-Signature=/);
    expect(await response.json()).toMatchObject({ result: 'success', location, expiresInSeconds: 900 });

    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await download.text();
    expect(text.length).toBeGreaterThan(4000);
    expect(JSON.parse(text)).toEqual({ result: 'success', data: expectedEnrollments(records, DEMO.courseId) });
  });

  it('does the same for a POST, which a client following the 303 reads with GET', async () => {
    const authorization = await newKey();
    const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' };
    const response = await call(`/api/v1/ondemand-courses/${DEMO.courseId}/reports/user-activity?output=csv`, authorization, {
      method: 'POST',
      body: window,
      follow: true,
    });
    expect(response.status).toBe(200);
    expect(response.redirected).toBe(true);
    const lines = (await response.text()).trimEnd().split('\n');
    const expected = expectedUserActivity(records, DEMO.courseId, window);
    expect(lines).toHaveLength(1 + expected.reduce((sum, e) => sum + Math.max(1, e.sessions.length), 0));
  });

  it('still answers a small result inline', async () => {
    const authorization = await newKey();
    const response = await call(`/api/v1/ondemand-courses/${DEMO.secondCourse.courseId}/reports/enrollments`, authorization);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(3);
  });
});

describe('e2e: course reports throttling', () => {
  it('answers 429 with Retry-After once a key has used its burst, while another key still gets through', async () => {
    const busy = await newKey();
    const path = `/api/v1/ondemand-courses/${DEMO.secondCourse.courseId}/reports/enrollments`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call(path, busy)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await call(path, busy);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ result: 'error', error: { code: 'TooManyRequests' } });
    expect((await call(path, await newKey())).status).toBe(200);
  });
});
