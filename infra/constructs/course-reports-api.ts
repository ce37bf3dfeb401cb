import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { RESPONSE_CAP_BYTES } from '#shared/course-reports/deliver';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { ServiceFunction } from './service-function.ts';
import type { Storage } from './storage.ts';

export interface CourseReportsApiProps {
  httpApi: HttpApi;
  storage: Storage;
}

/** Per-key throttling: a token bucket per key in the ApiKeys table (HTTP APIs have no usage plans). */
export const API_KEY_THROTTLE = { ratePerSecond: 10, burst: 50 };
/** How long API Gateway caches the authorizer's answer per Authorization header: revocation takes up to this. */
export const API_KEY_CACHE_TTL = Duration.minutes(5);

/**
 * The integrators' course reports (`/api/v1/ondemand-courses/{courseId}/reports/...`) behind a
 * Lambda authorizer that checks `Bearer ORG_ID:API_KEY`, and the JWT routes that manage the keys.
 */
export class CourseReportsApi extends Construct {
  /** The functions ops watch for errors. */
  readonly functions: ServiceFunction[];
  /**
   * Apart from them: the authorizer refuses a bad key by throwing `Unauthorized` (the only way to
   * make API Gateway answer 401), so its error count is the count of refused keys, not of faults.
   */
  readonly authorizerFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: CourseReportsApiProps) {
    super(scope, id);
    const { storage, httpApi } = props;

    const authorizerFn = new ServiceFunction(this, 'ApiKeyAuthorizerFn', {
      entry: 'functions/auth/api-key-authorizer.ts',
      description: 'Checks Bearer ORG_ID:API_KEY for the course reports',
      timeout: Duration.seconds(10),
    }).bindTable(storage.apiKeys, 'API_KEYS_TABLE', 'readWrite');
    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: API_KEY_CACHE_TTL,
    });

    const reportFn = (fnId: string, entry: string, description: string) => {
      const fn = new ServiceFunction(this, fnId, {
        entry,
        description,
        // Up to ~6 MB of output is built in memory before it is answered or spilled to S3.
        memorySize: 1024,
      })
        .bindTable(storage.records, 'RECORDS_TABLE', 'read')
        // Token buckets are written on every call.
        .bindTable(storage.apiKeys, 'API_KEYS_TABLE', 'readWrite')
        .bindBucket(storage.reports, 'REPORTS_BUCKET', 'write', 'course-reports/')
        // Presigned links are signed with the function's own credentials: it must be able to read them.
        .bindBucket(storage.reports, 'REPORTS_BUCKET', 'read', 'course-reports/');
      fn.addEnvironment('RESPONSE_CAP_BYTES', String(RESPONSE_CAP_BYTES));
      fn.addEnvironment('API_KEY_RATE_PER_SECOND', String(API_KEY_THROTTLE.ratePerSecond));
      fn.addEnvironment('API_KEY_BURST', String(API_KEY_THROTTLE.burst));
      return fn;
    };
    const base = '/api/v1/ondemand-courses/{courseId}/reports';
    const reports = [
      { fnId: 'EnrollmentsReportFn', name: 'enrollments', method: HttpMethod.GET },
      { fnId: 'ExercisesReportFn', name: 'exercises', method: HttpMethod.GET },
      { fnId: 'UserActivityReportFn', name: 'user-activity', method: HttpMethod.POST },
    ];
    const reportFns = reports.map(({ fnId, name, method }) => {
      const fn = reportFn(fnId, `functions/course-reports/${name}.ts`, `${method} ${base}/${name}`);
      httpApi.addRoutes({
        path: `${base}/${name}`,
        methods: [method],
        integration: new HttpLambdaIntegration(`${fnId}Integration`, fn),
        authorizer,
      });
      return fn;
    });

    const keyFn = (fnId: string, entry: string, description: string) =>
      new ServiceFunction(this, fnId, { entry, description }).bindTable(storage.apiKeys, 'API_KEYS_TABLE', 'readWrite');
    const keyRoutes = [
      { fnId: 'CreateApiKeyFn', entry: 'create-key', path: '/v1/api-keys', method: HttpMethod.POST },
      { fnId: 'ListApiKeysFn', entry: 'list-keys', path: '/v1/api-keys', method: HttpMethod.GET },
      { fnId: 'RevokeApiKeyFn', entry: 'revoke-key', path: '/v1/api-keys/{keyId}', method: HttpMethod.DELETE },
    ];
    const keyFns = keyRoutes.map(({ fnId, entry, path, method }) => {
      const fn = keyFn(fnId, `functions/api-keys/${entry}.ts`, `${method} ${path}`);
      // The API's default authorizer (JWT) applies; the scope limits these routes to key admins.
      httpApi.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(`${fnId}Integration`, fn),
        authorizationScopes: [API_KEYS_SCOPE],
      });
      return fn;
    });

    this.functions = [...reportFns, ...keyFns];
    this.authorizerFunction = authorizerFn;
  }
}
