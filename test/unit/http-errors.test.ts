import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import { type ApiEvent, errorResponse, jsonBody } from '../../functions/commons/http.ts';

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
