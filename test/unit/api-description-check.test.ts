import { describe, expect, it } from 'vitest';
import { assertDescribedAnswer } from '../support/api-description.ts';

const json = 'application/json; charset=utf-8';

/** The check the e2e helpers run on every answer: it must refuse what the description does not allow. */
describe('api description: checking real answers', () => {
  it('accepts an answer the description allows', () => {
    const notFound = '{"error":{"code":"NotFound","message":"No report r-1"}}';
    expect(() =>
      assertDescribedAnswer('GET', '/v1/reports/r-1', { status: 404, contentType: json, text: notFound }),
    ).not.toThrow();
    const refused = '{"message":"Unauthorized"}';
    expect(() =>
      assertDescribedAnswer('GET', '/v1/reports?courseId=c', { status: 401, contentType: json, text: refused }),
    ).not.toThrow();
  });

  it('refuses a body that does not match, a status not listed, a media type not listed and a route not described', () => {
    expect(() =>
      assertDescribedAnswer('GET', '/v1/reports/r-1', { status: 200, contentType: json, text: '{"request":{"id":1}}' }),
    ).toThrow(/does not match its description/);
    expect(() => assertDescribedAnswer('GET', '/v1/reports/r-1', { status: 418, contentType: json, text: '{}' })).toThrow(
      /status its description does not list/,
    );
    expect(() =>
      assertDescribedAnswer('GET', '/v1/reports/r-1', { status: 404, contentType: 'text/html', text: '<p>no</p>' }),
    ).toThrow(/not one of application\/json/);
    expect(() => assertDescribedAnswer('GET', '/v1/secrets', { status: 200, contentType: json, text: '{}' })).toThrow(
      /not in the API description/,
    );
    expect(() =>
      assertDescribedAnswer('GET', '/v1/reports/r-1', {
        status: 500,
        contentType: json,
        text: '{"error":{"code":"InternalError","message":"x","stack":"at handler.ts:1"}}',
      }),
    ).toThrow(/does not match/);
  });
});
