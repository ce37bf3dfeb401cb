import { Validations } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { ServiceFunction } from './service-function.ts';

/**
 * GET /openapi.json: the API's OpenAPI description, built from the handlers' schemas. Public: it
 * holds no data, and the course reports' integrators have API keys, not the dashboard's JWTs.
 */
export function addOpenApiRoute(scope: Construct, httpApi: HttpApi): ServiceFunction {
  const fn = new ServiceFunction(scope, 'OpenApiFn', {
    entry: 'functions/openapi/get-openapi.ts',
    description: 'GET /openapi.json: the API description',
  });
  const routes = httpApi.addRoutes({
    path: '/openapi.json',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('OpenApi', fn),
    authorizer: new HttpNoneAuthorizer(),
  });
  for (const route of routes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The API description is public on purpose: it holds no data and integrators with API keys read it',
    });
  }
  return fn;
}
