import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { DynamoApiKeysRepository } from '#shared/adapters/dynamo-api-keys-repository';
import { DynamoCourseReportsReader } from '#shared/adapters/dynamo-course-reports-reader';
import { logger } from '#shared/adapters/observability';
import { S3LargeResultStore } from '#shared/adapters/s3-large-results';
import { requireEnv, requireNumberEnv } from '#shared/config';
import type { OutputFormat } from '#shared/course-reports/encode';
import { ValidationError } from '#shared/domain/errors';
import { type ApiKeyPrincipal, throttleApiKey } from '#shared/usecases/api-keys';
import type { CourseReportAnswer, CourseReportDeps } from '#shared/usecases/course-reports';
import { clock } from '../commons/adapters-from-env.ts';
import { courseReportError, courseReportErrorResponse } from '../commons/http.ts';
import { correlationPaths, wrapHandler } from '../commons/wrap.ts';

export type CourseReportEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<ApiKeyPrincipal>;
type Result = Exclude<APIGatewayProxyResultV2, string>;

const keys = new DynamoApiKeysRepository(requireEnv('API_KEYS_TABLE'));
const policy = { ratePerSecond: requireNumberEnv('API_KEY_RATE_PER_SECOND'), burst: requireNumberEnv('API_KEY_BURST') };
export const reportDeps: CourseReportDeps = {
  reader: new DynamoCourseReportsReader(requireEnv('RECORDS_TABLE')),
  results: new S3LargeResultStore(requireEnv('REPORTS_BUCKET')),
  capBytes: requireNumberEnv('RESPONSE_CAP_BYTES'),
};

/** `?output=json|csv` wins; otherwise `Accept: text/csv` asks for CSV; JSON by default. */
export function outputFormat(event: CourseReportEvent): OutputFormat {
  const output = event.queryStringParameters?.output;
  if (output !== undefined) {
    if (output === 'json' || output === 'csv') return output;
    throw new ValidationError('output must be json or csv', [{ path: 'output', message: 'must be json or csv' }]);
  }
  return /\btext\/csv\b/i.test(event.headers?.accept ?? '') ? 'csv' : 'json';
}

export function courseIdOf(event: CourseReportEvent): string {
  const courseId = event.pathParameters?.courseId;
  if (!courseId) throw new ValidationError('A course id is required', [{ path: 'courseId', message: 'is missing' }]);
  return courseId;
}

/**
 * The course reports' handler frame: the caller's org from the authorizer, per-key throttling,
 * the result inline or as a 303 to its stored copy, and errors in the `{"result":"error"}` envelope.
 */
export function courseReportHandler(run: (event: CourseReportEvent, principal: ApiKeyPrincipal) => Promise<CourseReportAnswer>) {
  return wrapHandler<CourseReportEvent, Result>(
    async (event) => {
      const requestId = event.requestContext.requestId;
      try {
        const principal = event.requestContext.authorizer?.lambda;
        if (!principal?.org || !principal.keyId) return courseReportError(401, 'Unauthorized', 'An API key is required');
        logger.appendKeys({ keyId: principal.keyId });
        await throttleApiKey(principal.keyId, { keys, now: clock.now(), policy });
        const answer = await run(event, principal);
        if (answer.kind === 'redirect') {
          logger.info('Course report stored for download', { bytes: answer.bytes });
          return {
            statusCode: 303,
            headers: {
              location: answer.location,
              'content-type': 'application/json; charset=utf-8',
              'cache-control': 'no-store',
            },
            body: JSON.stringify({ result: 'success', location: answer.location, expiresInSeconds: answer.expiresInSeconds }),
          };
        }
        return {
          statusCode: 200,
          headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
          body: answer.body,
        };
      } catch (error) {
        return courseReportErrorResponse(error, requestId);
      }
    },
    { correlationIdPath: correlationPaths.httpApi },
  );
}
