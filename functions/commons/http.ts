import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '#shared/adapters/observability';
import { DomainError, DuplicateRequestError, ForbiddenError, NotFoundError, ValidationError } from '#shared/domain/errors';
import type { Actor } from '#shared/domain/report-types';
import { RateLimitedError } from '#shared/usecases/api-keys';
import { correlationPaths, wrapHandler } from './wrap.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyResultV2;

/** Raised when the JWT (already verified by the authorizer) lacks the claims we need. */
export class MissingIdentityError extends DomainError {}

/** A JSON route called with a body of another media type: 415. */
export class UnsupportedMediaTypeError extends DomainError {}

/** Sunbird trims messages to 300 characters; ours never carry more than a short excerpt of input. */
export const MAX_MESSAGE_LENGTH = 300;
const MAX_ISSUES = 20;
const MAX_ISSUE_PATH = 100;
const MAX_ISSUE_MESSAGE = 200;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The caller: `sub` is the user id, `org` the organisation whose records they may see. */
export function actorOf(event: ApiEvent): Actor {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const userId = claims.sub;
  const org = claims.org ?? claims['custom:org'];
  if (typeof userId !== 'string' || typeof org !== 'string' || !userId || !org) {
    throw new MissingIdentityError('The token must carry sub and org claims');
  }
  return { userId, org, email: verifiedEmail(claims) };
}

const EmailClaim = z.email();

/**
 * The caller's address for notices: the `email` claim (Cognito ID tokens carry it), unless the
 * token says it is unverified (`email_verified` false), since mail must not go to an address
 * nobody proved is theirs. API Gateway hands claims over as strings.
 */
function verifiedEmail(claims: Record<string, unknown>): string | undefined {
  const email = claims.email;
  if (typeof email !== 'string' || !EmailClaim.safeParse(email).success) return undefined;
  if (String(claims.email_verified) === 'false') return undefined;
  return email;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : where,
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(`Invalid ${where}: ${summary}`, issues);
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function jsonBody(event: ApiEvent): unknown {
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new UnsupportedMediaTypeError('The body must be JSON: send content-type: application/json');
  }
  if (!event.body) throw new ValidationError('A JSON body is required', [{ path: 'body', message: 'is empty' }]);
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON', [{ path: 'body', message: 'is not JSON' }]);
  }
}

export function json(statusCode: number, body: unknown): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** The one place errors become HTTP responses. Unknown errors say nothing about themselves. */
export function errorResponse(error: unknown, event: ApiEvent): ApiResult {
  const body = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
    error: { code, message: clip(message, MAX_MESSAGE_LENGTH), ...extra },
  });
  if (error instanceof ValidationError) {
    const issues = error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => ({ path: clip(issue.path, MAX_ISSUE_PATH), message: clip(issue.message, MAX_ISSUE_MESSAGE) }));
    return json(400, body('ValidationError', error.message, { issues }));
  }
  if (error instanceof UnsupportedMediaTypeError) return json(415, body('UnsupportedMediaType', error.message));
  if (error instanceof MissingIdentityError) return json(401, body('Unauthorized', error.message));
  if (error instanceof ForbiddenError) return json(403, body('Forbidden', error.message));
  if (error instanceof NotFoundError) return json(404, body('NotFound', error.message));
  if (error instanceof DuplicateRequestError) {
    return json(409, body('DuplicateRequest', error.message, { existingRequestId: error.existingRequestId }));
  }
  const requestId = event.requestContext.requestId;
  // The log keeps the stack for ops; the caller gets none of it.
  logger.error('Unhandled error', { error: error as Error, requestId });
  return json(500, body('InternalError', `Something went wrong; quote request id ${requestId}`));
}

/** The course reports' error body (Strigo's shape): `{"result":"error","error":{"code","message"}}`. */
export function courseReportError(
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Exclude<ApiResult, string> {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ result: 'error', error: { code, message: clip(message, MAX_MESSAGE_LENGTH) } }),
  };
}

/** The course reports' counterpart of {@link errorResponse}: same rules, Strigo's envelope, 429 with Retry-After. */
export function courseReportErrorResponse(error: unknown, requestId: string): Exclude<ApiResult, string> {
  if (error instanceof ValidationError) return courseReportError(400, 'BadRequest', error.message);
  if (error instanceof NotFoundError) return courseReportError(404, 'NotFound', error.message);
  if (error instanceof RateLimitedError) {
    return courseReportError(429, 'TooManyRequests', error.message, { 'retry-after': String(error.retryAfterSeconds) });
  }
  logger.error('Unhandled error', { error: error as Error, requestId });
  return courseReportError(500, 'InternalError', `Something went wrong; quote request id ${requestId}`);
}

/** An API route's handler: the caller's identity, the error mapping, and the house wrapping (`wrap.ts`). */
export function apiHandler(run: (event: ApiEvent, actor: Actor) => Promise<ApiResult>) {
  return wrapHandler<ApiEvent, ApiResult>(
    async (event) => {
      try {
        return await run(event, actorOf(event));
      } catch (error) {
        return errorResponse(error, event);
      }
    },
    { correlationIdPath: correlationPaths.httpApi },
  );
}
