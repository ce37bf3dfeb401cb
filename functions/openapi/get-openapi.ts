import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { correlationPaths, wrapHandler } from '../commons/wrap.ts';
import { renderApiDescription } from './description.ts';

/** Built once per cold start, from the same schemas as docs/openapi.json. */
const document = renderApiDescription();

/** GET /openapi.json — the API's OpenAPI description; public, since it holds no data. */
export const handler = wrapHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
  async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body: document,
  }),
  { correlationIdPath: correlationPaths.httpApi },
);
