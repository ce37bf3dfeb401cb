import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { ServiceFunction } from './service-function.ts';
import type { Storage } from './storage.ts';

/**
 * The learner statistics reads: GET /v1/users, /v1/users/{userId}/statistics and
 * /v1/users/{userId}/public-statistics, read-only on the records table (roles and activity are records).
 */
export function addLearnerStatisticsRoutes(scope: Construct, httpApi: HttpApi, storage: Storage): ServiceFunction[] {
  const routes = [
    ['ListUsers', '/v1/users', 'functions/api/list-users.ts', 'GET /v1/users: the users list'],
    [
      'UserStatistics',
      '/v1/users/{userId}/statistics',
      'functions/api/get-user-statistics.ts',
      "GET /v1/users/{userId}/statistics: a user's statistics",
    ],
    [
      'PublicStatistics',
      '/v1/users/{userId}/public-statistics',
      'functions/api/get-public-statistics.ts',
      'GET /v1/users/{userId}/public-statistics: what any user of the org may see',
    ],
  ] as const;
  return routes.map(([name, path, entry, description]) => {
    const fn = new ServiceFunction(scope, `${name}Fn`, { entry, description }).bindTable(
      storage.records,
      'RECORDS_TABLE',
      'read',
    );
    httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration: new HttpLambdaIntegration(name, fn) });
    return fn;
  });
}
