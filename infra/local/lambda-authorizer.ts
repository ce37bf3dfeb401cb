import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { type LocalHandler, localLambdaContext } from './lambda-context.ts';

export interface LocalLambdaAuthorizer {
  functionLogicalId: string;
  identitySource: string[];
  handler: LocalHandler;
}

export type AuthorizerOutcome =
  | { allowed: true; context: Record<string, unknown> }
  | { allowed: false; status: 401 | 403 | 500; message: string };

/**
 * What API Gateway does for a route with a Lambda (REQUEST, payload 2.0, simple responses)
 * authorizer: no identity source → 401 without calling it; `Unauthorized` thrown → 401;
 * `isAuthorized: false` → 403; anything else thrown → 500. Local mode does not cache answers,
 * so a revoked key stops working at once here (on AWS within the authorizer's TTL).
 */
export async function runLambdaAuthorizer(
  authorizer: LocalLambdaAuthorizer,
  request: {
    routeKey: string;
    rawPath: string;
    rawQueryString: string;
    headers: Record<string, string>;
    pathParameters?: Record<string, string> | undefined;
    method: string;
    sourceIp: string;
  },
): Promise<AuthorizerOutcome> {
  const identity = authorizer.identitySource.map((source) => {
    const header = /^\$request\.header\.(.+)$/i.exec(source)?.[1];
    return header ? request.headers[header.toLowerCase()] : undefined;
  });
  if (identity.length === 0 || identity.some((value) => !value)) return { allowed: false, status: 401, message: 'Unauthorized' };
  const now = new Date();
  const event: APIGatewayRequestAuthorizerEventV2 = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${request.routeKey.replace(' ', '')}`,
    identitySource: identity as string[],
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: [],
    headers: request.headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
  };
  try {
    const result = (await authorizer.handler(event, localLambdaContext(authorizer.functionLogicalId))) as {
      isAuthorized?: boolean;
      context?: Record<string, unknown>;
    };
    if (result?.isAuthorized === true) return { allowed: true, context: result.context ?? {} };
    return { allowed: false, status: 403, message: 'Forbidden' };
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized')
      return { allowed: false, status: 401, message: 'Unauthorized' };
    return { allowed: false, status: 500, message: 'Internal Server Error' };
  }
}
