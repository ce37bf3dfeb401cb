import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_SYNC_RESPONSE_BYTES, RESPONSE_CAP_BYTES } from '#shared/course-reports/deliver';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { buildApp } from '../../infra/build-app.ts';

let template: Template;

beforeAll(() => {
  const app = new App({
    context: {
      'courseExhaust:jwtIssuer': 'https://issuer.example.com/',
      'courseExhaust:jwtAudience': 'dashboard',
      'aws:cdk:bundling-stacks': [],
    },
  });
  template = Template.fromStack(buildApp(app));
});

const routes = () => Object.values(template.findResources('AWS::ApiGatewayV2::Route'));

describe('infra: course reports API', () => {
  it('puts the three reports behind a Lambda authorizer with simple responses, cached five minutes per Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    const reports = routes().filter((r) => String(r.Properties.RouteKey).includes(' /api/'));
    expect(reports.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'GET /api/v1/ondemand-courses/{courseId}/reports/enrollments',
      'GET /api/v1/ondemand-courses/{courseId}/reports/exercises',
      'POST /api/v1/ondemand-courses/{courseId}/reports/user-activity',
    ]);
    for (const route of reports) expect(route.Properties.AuthorizationType).toBe('CUSTOM');
  });

  it('lets only tokens with the apikeys/manage scope manage keys', () => {
    const keyRoutes = routes().filter((r) => String(r.Properties.RouteKey).includes('/v1/api-keys'));
    expect(keyRoutes).toHaveLength(3);
    for (const route of keyRoutes) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      expect(route.Properties.AuthorizationScopes).toEqual([API_KEYS_SCOPE]);
    }
  });

  it('gives the report functions the real response cap (Lambda 6 MB less headroom) and per-key throttling', () => {
    expect(RESPONSE_CAP_BYTES).toBeLessThan(LAMBDA_SYNC_RESPONSE_BYTES);
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { RESPONSE_CAP_BYTES: Match.anyValue() } } },
    });
    expect(Object.keys(functions)).toHaveLength(3);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        RESPONSE_CAP_BYTES: String(RESPONSE_CAP_BYTES),
        API_KEY_RATE_PER_SECOND: expect.any(String),
        API_KEY_BURST: expect.any(String),
      });
    }
  });

  it('keeps API keys in their own table, findable by org, and expires spilled results after a day', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byOrg' })],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'course-reports/', ExpirationInDays: 1 })]),
      },
    });
  });
});
