import { CfnOutput, Duration } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { INGEST_SCOPE } from '#shared/usecases/ingest-records';
import { CourseReportsApi } from './course-reports-api.ts';
import { addCourseRoutes } from './course-routes.ts';
import { addLearnerStatisticsRoutes } from './learner-statistics-routes.ts';
import { addOpenApiRoute } from './openapi-route.ts';
import { ServiceFunction } from './service-function.ts';
import type { Storage } from './storage.ts';

export interface ApiProps {
  storage: Storage;
  stateMachine: StateMachine;
  jwtIssuer: string;
  jwtAudience: string[];
  retentionDays: number;
  /** Browser origins allowed to call the API (the dashboard's); none means no CORS at all. */
  corsOrigins?: string[];
  /** The SES sender when e-mail is on: POST /v1/reports then accepts `notifyByEmail` (it refuses it otherwise). */
  mailFrom?: string | undefined;
}

/** The HTTP API: every route behind an authorizer (JWT, or an API key for the course reports) but its public description; one thin Lambda per route. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly functions: ServiceFunction[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { storage } = props;

    const submitFn = new ServiceFunction(this, 'SubmitReportFn', {
      entry: 'functions/api/submit-report.ts',
      description: 'POST /v1/reports: records a report request and starts its workflow',
    })
      .bindTable(storage.records, 'RECORDS_TABLE', 'read')
      .bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');
    submitFn.addEnvironment('STATE_MACHINE_ARN', props.stateMachine.stateMachineArn);
    submitFn.addEnvironment('PASSWORD_KEY_ID', storage.passwordKey.keyArn);
    props.stateMachine.grantStartExecution(submitFn);
    storage.passwordKey.grantEncrypt(submitFn);
    // Only says that e-mail is on; the steps that end requests send it.
    if (props.mailFrom) submitFn.addEnvironment('MAIL_FROM', props.mailFrom);

    const readFn = (fnId: string, entry: string, description: string) => {
      const fn = new ServiceFunction(this, fnId, { entry, description })
        .bindTable(storage.requests, 'REQUESTS_TABLE', 'read')
        // Courses and batches say who may see a request besides its requester.
        .bindTable(storage.records, 'RECORDS_TABLE', 'read')
        .bindBucket(storage.reports, 'REPORTS_BUCKET', 'read', 'reports/');
      fn.addEnvironment('REPORT_RETENTION_DAYS', String(props.retentionDays));
      return fn;
    };
    const getFn = readFn('GetReportFn', 'functions/api/get-report.ts', 'GET /v1/reports/{id}: status and download links');
    const listFn = readFn('ListReportsFn', 'functions/api/list-reports.ts', 'GET /v1/reports: the last ten requests');

    const ingestFn = new ServiceFunction(this, 'IngestRecordsFn', {
      entry: 'functions/ingest/ingest-records.ts',
      description: 'POST /v1/records: validates and stores learning records',
    }).bindTable(storage.records, 'RECORDS_TABLE', 'readWrite');

    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: props.jwtAudience });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Course Exhaust API',
      defaultAuthorizer: authorizer,
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.httpApi.addRoutes({
      path: '/v1/reports',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Submit', submitFn),
    });
    this.httpApi.addRoutes({
      path: '/v1/reports',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('List', listFn),
    });
    this.httpApi.addRoutes({
      path: '/v1/reports/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Get', getFn),
    });
    this.httpApi.addRoutes({
      path: '/v1/records',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Ingest', ingestFn),
      authorizationScopes: [INGEST_SCOPE],
    });

    this.functions = [submitFn, getFn, listFn, ingestFn, ...addCourseRoutes(this, this.httpApi, storage)];
    this.functions.push(...new CourseReportsApi(this, 'CourseReports', { httpApi: this.httpApi, storage }).functions);
    this.functions.push(...addLearnerStatisticsRoutes(this, this.httpApi, storage));
    this.functions.push(addOpenApiRoute(this, this.httpApi));

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
  }
}
