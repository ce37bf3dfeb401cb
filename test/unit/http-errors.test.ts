import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuplicateRequestError, ForbiddenError, NotFoundError, ValidationError } from '#shared/domain/errors';
import { RateLimitedError } from '#shared/usecases/api-keys';
import {
  type ApiEvent,
  apiHandler,
  courseReportErrorResponse,
  errorResponse,
  jsonBody,
  MissingIdentityError,
  UnsupportedMediaTypeError,
} from '../../functions/commons/http.ts';
import { ApiError, CourseReportError } from '../../functions/openapi/responses.ts';
import { localLambdaContext } from '../../infra/local/lambda-context.ts';

const event = (headers: Record<string, string> = {}, body?: string) =>
  ({ headers, body, isBase64Encoded: false, requestContext: { requestId: 'req-1' } }) as unknown as ApiEvent;

afterEach(() => vi.restoreAllMocks());

describe('api: errors as HTTP responses', () => {
  it('logs an unexpected error with its stack trace, and answers 500 without it', () => {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const error = new Error('table CourseExhaust-Requests throttled');
    const response = errorResponse(error, event());
    expect(response).toMatchObject({ statusCode: 500 });
    const body = String((response as { body: string }).body);
    expect(body).toContain('req-1');
    expect(body).not.toContain('throttled');
    expect(body).not.toMatch(/at .+\.ts:\d+/);
    const logged = lines.join('');
    expect(logged).toContain('throttled');
    expect(logged).toContain('http-errors.test.ts');
  });

  it('clips 4xx messages to 300 characters and at most 20 short issues', () => {
    const issues = Array.from({ length: 50 }, (_, i) => ({
      path: `records[${i}].${'k'.repeat(500)}`,
      message: 'm'.repeat(1_000),
    }));
    const response = errorResponse(new ValidationError(`Invalid: ${'x'.repeat(5_000)}`, issues), event()) as { body: string };
    const { error } = JSON.parse(response.body) as { error: { message: string; issues: { path: string; message: string }[] } };
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(error.issues).toHaveLength(20);
    for (const issue of error.issues) expect(issue.path.length + issue.message.length).toBeLessThanOrEqual(300);
  });

  it('takes JSON bodies only from a JSON content-type', () => {
    expect(jsonBody(event({ 'content-type': 'application/json; charset=utf-8' }, '{"a":1}'))).toEqual({ a: 1 });
    expect(jsonBody(event({ 'content-type': 'application/merge-patch+json' }, '{}'))).toEqual({});
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', '']) {
      expect(() => jsonBody(event({ 'content-type': type }, '{}'))).toThrow(/must be JSON/);
    }
  });
});

type Structured = { statusCode: number; headers: Record<string, string>; body: string };

/** Silences the error log a 500 writes; what it holds is checked in the test above. */
const quietLogs = () => {
  for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
};

describe('api: every error of the /v1 routes as a status and a body', () => {
  const cases: [string, unknown, number, Record<string, unknown>][] = [
    [
      'bad input',
      new ValidationError('Invalid body: batchIds: name at least one batch', [
        { path: 'batchIds', message: 'name at least one batch' },
      ]),
      400,
      {
        code: 'ValidationError',
        message: 'Invalid body: batchIds: name at least one batch',
        issues: [{ path: 'batchIds', message: 'name at least one batch' }],
      },
    ],
    [
      'a body of another media type',
      new UnsupportedMediaTypeError('The body must be JSON'),
      415,
      { code: 'UnsupportedMediaType' },
    ],
    [
      'a token without sub or org',
      new MissingIdentityError('The token must carry sub and org claims'),
      401,
      { code: 'Unauthorized' },
    ],
    [
      'not allowed by the records',
      new ForbiddenError('Only the course creator may ask'),
      403,
      { code: 'Forbidden', message: 'Only the course creator may ask' },
    ],
    ['not found', new NotFoundError('No course c-1'), 404, { code: 'NotFound', message: 'No course c-1' }],
    [
      'an identical request in flight',
      new DuplicateRequestError('req-42'),
      409,
      { code: 'DuplicateRequest', existingRequestId: 'req-42' },
    ],
    [
      'anything else',
      new TypeError('secret detail'),
      500,
      { code: 'InternalError', message: 'Something went wrong; quote request id req-1' },
    ],
  ];
  it.each(cases)('maps %s to %i with the described error body', (_name, error, status, expected) => {
    quietLogs();
    const response = errorResponse(error, event()) as Structured;
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    const body = ApiError.parse(JSON.parse(response.body));
    expect(body.error).toMatchObject(expected);
    if (status === 500) expect(response.body).not.toContain('secret detail');
  });

  it('answers what a route returns, and maps what it throws, a token without identity included', async () => {
    const handler = apiHandler(async (_event, actor) => {
      if (actor.userId === 'missing') throw new NotFoundError('No report r-1');
      return { statusCode: 200, body: JSON.stringify(actor) };
    });
    const call = (claims: Record<string, string>) =>
      handler(
        {
          headers: {},
          requestContext: { requestId: 'req-1', authorizer: { jwt: { claims, scopes: [] } } },
        } as unknown as ApiEvent,
        localLambdaContext('Fn'),
      ) as Promise<Structured>;

    expect(await call({ sub: 'u-1', org: 'o-1' })).toMatchObject({ statusCode: 200, body: '{"userId":"u-1","org":"o-1"}' });
    expect(await call({ sub: 'u-1', 'custom:org': 'o-1' })).toMatchObject({ statusCode: 200 });
    expect(await call({ sub: 'missing', org: 'o-1' })).toMatchObject({ statusCode: 404 });
    const noOrg = await call({ sub: 'u-1' });
    expect(noOrg.statusCode).toBe(401);
    expect(ApiError.parse(JSON.parse(noOrg.body)).error.code).toBe('Unauthorized');
  });
});

describe('course reports: every error as a status and a body', () => {
  const cases: [string, unknown, number, string, string][] = [
    ['bad input', new ValidationError('output must be json or csv'), 400, 'BadRequest', 'output must be json or csv'],
    ['an unknown course', new NotFoundError('No course c-9'), 404, 'NotFound', 'No course c-9'],
    ['a key over its rate', new RateLimitedError(3), 429, 'TooManyRequests', 'Too many requests for this API key; slow down'],
    ['anything else', new Error('secret detail'), 500, 'InternalError', 'Something went wrong; quote request id req-7'],
  ];
  it.each(cases)('maps %s to %i with the described envelope', (_name, error, status, code, message) => {
    quietLogs();
    const response = courseReportErrorResponse(error, 'req-7') as Structured;
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(CourseReportError.parse(JSON.parse(response.body))).toEqual({ result: 'error', error: { code, message } });
  });

  it('says when to retry on 429', () => {
    expect((courseReportErrorResponse(new RateLimitedError(3), 'req-7') as Structured).headers['retry-after']).toBe('3');
  });
});
