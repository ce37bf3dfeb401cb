import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { ServiceFunction } from './service-function.ts';
import type { Storage } from './storage.ts';

/** The course dashboard's reads: GET /v1/courses and GET /v1/courses/{courseId}, read-only on the records table. */
export function addCourseRoutes(scope: Construct, httpApi: HttpApi, storage: Storage): ServiceFunction[] {
  const searchFn = new ServiceFunction(scope, 'ListCoursesFn', {
    entry: 'functions/api/list-courses.ts',
    description: 'GET /v1/courses: courses the caller created or mentors, best matches first',
  }).bindTable(storage.records, 'RECORDS_TABLE', 'read');
  const courseFn = new ServiceFunction(scope, 'GetCourseFn', {
    entry: 'functions/api/get-course.ts',
    description: 'GET /v1/courses/{courseId}: batches, enrolment and the reports the caller may request',
  }).bindTable(storage.records, 'RECORDS_TABLE', 'read');
  httpApi.addRoutes({
    path: '/v1/courses',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('ListCourses', searchFn),
  });
  httpApi.addRoutes({
    path: '/v1/courses/{courseId}',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('GetCourse', courseFn),
  });
  return [searchFn, courseFn];
}
