import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LocalFallback } from './dashboard.ts';
import { verifyLocalToken } from './dev-auth.ts';
import { runLambdaAuthorizer } from './lambda-authorizer.ts';
import { type LocalHandler, localLambdaContext } from './lambda-context.ts';
import { readBody } from './loopback.ts';
import type { LocalRoute } from './template.ts';

/**
 * A local API Gateway (HTTP API, payload 2.0): matches the stack's routes, verifies the bearer
 * token like the JWT authorizer (including route scopes) unless the route is public, and calls the
 * route's handler.
 */
export interface LocalApiRoute extends LocalRoute {
  handler: LocalHandler;
  /** The handler of the route's Lambda authorizer, when it has one instead of the JWT authorizer. */
  authorizerHandler?: LocalHandler | undefined;
}

/** A path whose percent-escapes do not decode (`%`, `%E0%A4%A`): API Gateway answers it 400. */
class MalformedPathError extends Error {}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPathError('malformed percent-encoding in the path');
  }
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] as string;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (!actual) return undefined;
      params[segment.slice(1, -1)] = decodeSegment(actual);
    } else if (segment !== actual) return undefined;
  }
  return params;
}

/** API Gateway hands claims to Lambda as strings. */
function claimsAsStrings(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
  );
}

/** `fallback` answers what no route of the stack matches (local mode's dashboard files); it returns false to let a 404 through. */
/**
 * Serves the routes on a server that already listens (see `holdLoopbackPort`): the stack holds its
 * API's port from before the handlers load, so no other process can take it in between.
 */
export function serveLocalHttpApi(server: Server, routes: LocalApiRoute[], fallback?: LocalFallback): void {
  server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let route: LocalApiRoute | undefined;
      let pathParameters: Record<string, string> | undefined;
      for (const candidate of routes) {
        const params = candidate.method === req.method ? matchPath(candidate.path, url.pathname) : undefined;
        if (params) {
          route = candidate;
          pathParameters = params;
          break;
        }
      }
      if (!route) {
        if (fallback && (await fallback(req, res, url))) return;
        return send(404, JSON.stringify({ message: 'Not Found' }));
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      );
      const routeKey = `${route.method} ${route.path}`;

      let authorizerContext: Record<string, unknown> | undefined;
      if (route.public) {
        authorizerContext = undefined;
      } else if (route.lambdaAuthorizer && route.authorizerHandler) {
        const outcome = await runLambdaAuthorizer(
          { ...route.lambdaAuthorizer, handler: route.authorizerHandler },
          {
            routeKey,
            rawPath: url.pathname,
            rawQueryString: url.search.slice(1),
            headers,
            pathParameters,
            method: route.method,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          },
        );
        if (!outcome.allowed) return send(outcome.status, JSON.stringify({ message: outcome.message }));
        authorizerContext = { lambda: outcome.context };
      } else {
        const jwt = await verifyJwt(req.headers.authorization ?? '', route);
        if ('status' in jwt) return send(jwt.status, JSON.stringify({ message: jwt.message }));
        authorizerContext = { principalId: '', integrationLatency: 0, jwt };
      }

      const body = await readBody(req);
      const query = Object.fromEntries(url.searchParams.entries());
      const now = new Date();
      const event = {
        version: '2.0',
        routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
        ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
        ...(body ? { body } : {}),
        isBase64Encoded: false,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method: route.method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey,
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
          ...(authorizerContext ? { authorizer: authorizerContext } : {}),
        },
      } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
      const result = (await route.handler(
        event,
        localLambdaContext(route.functionLogicalId),
      )) as APIGatewayProxyStructuredResultV2;
      const resultHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
      return send(result.statusCode ?? 200, result.body ?? '', resultHeaders);
    } catch (error) {
      if (error instanceof MalformedPathError) return send(400, JSON.stringify({ message: `Bad Request: ${error.message}` }));
      return send(500, JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
}

/** Verifies the bearer token like the JWT authorizer, including the route's scopes. */
async function verifyJwt(
  authorization: string,
  route: LocalApiRoute,
): Promise<{ claims: Record<string, string>; scopes: string[] } | { status: number; message: string }> {
  const token = /^Bearer (.+)$/i.exec(authorization)?.[1];
  let claims: Record<string, unknown>;
  try {
    if (!token) throw new Error('no token');
    claims = await verifyLocalToken(token);
  } catch {
    return { status: 401, message: 'Unauthorized' };
  }
  const scopes = String(claims.scope ?? '')
    .split(' ')
    .filter(Boolean);
  if (route.authorizationScopes.length > 0 && !route.authorizationScopes.some((s) => scopes.includes(s))) {
    return { status: 403, message: 'Forbidden' };
  }
  return { claims: claimsAsStrings(claims), scopes };
}
