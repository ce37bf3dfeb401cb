import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiDescription, ROUTES, renderApiDescription } from '../../functions/openapi/description.ts';
import { httpRoutes, type LocalRoute, synthesizeTemplate } from '../../infra/local/template.ts';
import { PROJECT_ROOT } from '../../infra/paths.ts';
import { answerValidator } from '../support/api-description.ts';

type Operation = {
  security: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
const document = apiDescription() as { paths: Record<string, Record<string, Operation>>; components: { schemas: object } };
const described = Object.entries(document.paths).flatMap(([path, operations]) =>
  Object.entries(operations).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
);

/** The routes of the synthesized stack, which are also the ones the local router serves (it reads the same template). */
let stackRoutes: LocalRoute[];
beforeAll(() => {
  stackRoutes = httpRoutes(synthesizeTemplate());
});

describe('api description (OpenAPI)', () => {
  it('describes every route of the stack and the local router, and no route they lack', () => {
    const served = stackRoutes.map((route) => `${route.method} ${route.path}`).sort();
    expect(described.map((d) => d.key).sort()).toEqual(served);
    expect(ROUTES).toHaveLength(served.length);
  });

  it('names the authorizer and scopes each route really has', () => {
    for (const route of stackRoutes) {
      const operation = described.find((d) => d.key === `${route.method} ${route.path}`)?.operation;
      const expected = route.public ? [] : route.lambdaAuthorizer ? [{ apiKey: [] }] : [{ jwt: route.authorizationScopes }];
      expect(operation?.security, `${route.method} ${route.path}`).toEqual(expected);
    }
  });

  it('gives every route its success, a 500, and (behind an authorizer) a 401, each JSON answer with a schema', () => {
    for (const { key, operation } of described) {
      const statuses = Object.keys(operation.responses).map(Number);
      expect(
        statuses.some((s) => s >= 200 && s < 300),
        key,
      ).toBe(true);
      if (!key.endsWith(' /openapi.json')) expect(statuses, key).toEqual(expect.arrayContaining([401, 500]));
      for (const response of Object.values(operation.responses)) {
        for (const media of Object.values(response.content ?? {})) expect(media.schema, key).toBeDefined();
      }
    }
  });

  it('holds only schemas a JSON Schema 2020-12 validator compiles', () => {
    for (const { key, operation } of described) {
      const [method, path] = key.split(' ') as [string, string];
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const mediaType of Object.keys(response.content ?? {})) {
          expect(() => answerValidator(method, path, status, mediaType), `${key} ${status}`).not.toThrow();
        }
      }
    }
  });

  it('is committed as generated: docs/openapi.json equals `npm run openapi` output', () => {
    const committed = readFileSync(`${PROJECT_ROOT}/docs/openapi.json`, 'utf8');
    expect(committed === renderApiDescription(), 'docs/openapi.json is stale: run `npm run openapi`').toBe(true);
  });
});
