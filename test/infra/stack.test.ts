import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCHES_PER_REQUEST } from '#shared/domain/report-request';
import { LEARNER_BUCKETS } from '#shared/domain/shards';
import { buildApp } from '../../infra/build-app.ts';
import { Storage } from '../../infra/constructs/storage.ts';
import { stateMachineDefinition } from '../../infra/local/template.ts';

let template: Template;
let json: ReturnType<Template['toJSON']>;

beforeAll(() => {
  const app = new App({
    context: {
      'courseExhaust:jwtIssuer': 'https://issuer.example.com/',
      'courseExhaust:jwtAudience': 'dashboard,reports',
      'aws:cdk:bundling-stacks': [],
    },
  });
  template = Template.fromStack(buildApp(app));
  json = template.toJSON();
});

const logicalIdOf = (type: string, fragment: string) => {
  const id = Object.keys(template.findResources(type)).find((key) => key.includes(fragment));
  if (!id) throw new Error(`no ${type} named like ${fragment}`);
  return id;
};

/** Every IAM statement attached to a function's role. */
function statementsOf(fnFragment: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const fnId = logicalIdOf('AWS::Lambda::Function', fnFragment);
  const roleRef = (json.Resources[fnId].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOf = (fnFragment: string) => statementsOf(fnFragment).flatMap((s) => [s.Action].flat());

describe('infra: functions', () => {
  it('gives the exhaust writers a full vCPU and a heap limit, so memory stays flat as batches grow', () => {
    for (const fn of ['WriteShardFn', 'AssembleBatchFn']) {
      const props = json.Resources[logicalIdOf('AWS::Lambda::Function', fn)].Properties;
      expect(props.MemorySize, fn).toBe(1769);
      expect(props.Environment.Variables.NODE_OPTIONS, fn).toBe('--enable-source-maps --max-old-space-size=256');
    }
    const api = json.Resources[logicalIdOf('AWS::Lambda::Function', 'SubmitReportFn')].Properties;
    expect(api.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });
});

describe('infra: storage', () => {
  it('has the three tables on demand with point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 3);
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byCourse' }),
        Match.objectLike({ IndexName: 'active', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ],
    });
    // LearningRecords has only the users list's sparse indexes, one per sortable column, keyed by
    // org and tab and holding the row's columns (a page is one Query).
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        'usersByLastName',
        'usersByFirstName',
        'usersByEmail',
        'usersByTimeSpent',
        'usersByLastActivity',
        'usersByDirectReports',
      ].map((name) =>
        Match.objectLike({
          IndexName: name,
          KeySchema: [
            { AttributeName: 'usersList', KeyType: 'HASH' },
            { AttributeName: name, KeyType: 'RANGE' },
          ],
          Projection: Match.objectLike({ ProjectionType: 'INCLUDE' }),
        }),
      ),
    });
  });

  it("lets the users list's reader query the records table's indexes", () => {
    const queriesIndexes = statementsOf('ListUsersFn').some(
      (s) =>
        [s.Action].flat().includes('dynamodb:Query') &&
        JSON.stringify(s.Resource).includes('LearningRecords') &&
        JSON.stringify(s.Resource).includes('/index/*'),
    );
    expect(queriesIndexes).toBe(true);
  });

  it('adds the users-list indexes one per deploy when told how many (CloudFormation creates one at a time)', () => {
    const indexesWith = (count: unknown) => {
      const stack = new Stack(new App({ context: { usersListIndexes: count } }), 'S');
      new Storage(stack, 'Storage', { retentionDays: 7, removalPolicy: RemovalPolicy.DESTROY });
      const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable');
      const records = Object.entries(tables).find(([id]) => id.includes('LearningRecords'))?.[1];
      return ((records?.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[]).map((i) => i.IndexName);
    };
    expect(indexesWith('1')).toEqual(['usersByLastName']);
    expect(indexesWith(2)).toEqual(['usersByLastName', 'usersByFirstName']);
    expect(() => indexesWith('7')).toThrow(/usersListIndexes/);
  });

  it('keeps reports in a private, encrypted, TLS-only bucket that expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 7, Status: 'Enabled' })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('infra: functions', () => {
  it('runs every handler on Node.js 22 arm64 with tracing and a log group with retention', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Metadata: { 'courseExhaust:entry': Match.anyValue() } });
    expect(Object.keys(functions)).toHaveLength(24);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('infra: API', () => {
  it('puts every route but the course reports and the API description behind a JWT authorizer whose issuer and audience come from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com/', Audience: ['dashboard', 'reports'] },
    });
    // The course reports (/api/v1/...) have their own API key authorizer: test/infra/course-reports-api.test.ts.
    const allRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const routes = allRoutes.filter((r) => String(r.Properties.RouteKey).includes(' /v1/'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'DELETE /v1/api-keys/{keyId}',
      'GET /v1/api-keys',
      'GET /v1/courses',
      'GET /v1/courses/{courseId}',
      'GET /v1/reports',
      'GET /v1/reports/{id}',
      'GET /v1/users',
      'GET /v1/users/{userId}/public-statistics',
      'GET /v1/users/{userId}/statistics',
      'POST /v1/api-keys',
      'POST /v1/records',
      'POST /v1/reports',
    ]);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('JWT');
    expect(routes.find((r) => r.Properties.RouteKey === 'POST /v1/records')?.Properties.AuthorizationScopes).toEqual([
      'records/write',
    ]);
    // Public on purpose: it holds no data, and integrators with API keys read it.
    expect(allRoutes.find((r) => r.Properties.RouteKey === 'GET /openapi.json')?.Properties.AuthorizationType).toBe('NONE');
  });
});

describe('infra: workflow', () => {
  it('is Plan → PerBatch (Map, bounded) → Finalize, every task retried, failures caught into MarkFailed', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the definition is read as the JSON it is.
    const definition = stateMachineDefinition(json as never) as { StartAt: string; States: Record<string, any> };
    expect(definition.StartAt).toBe('Plan');
    const { Plan, PerBatch, Finalize, MarkFailed, ReportFailed } = definition.States;
    expect(Plan.Next).toBe('PerBatch');
    expect(PerBatch).toMatchObject({ Type: 'Map', ItemsPath: '$.batches', MaxConcurrency: 5, Next: 'Finalize' });
    const inner = PerBatch.ItemProcessor;
    expect(inner.StartAt).toBe('IsSharded');
    expect(inner.States.IsSharded).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.sharded', BooleanEquals: true, Next: 'WriteShards' }],
      Default: 'AssembleBatchWhole',
    });
    const { WriteShards, AssembleBatch, AssembleBatchWhole } = inner.States;
    expect(WriteShards).toMatchObject({ Type: 'Map', ItemsPath: '$.shards', MaxConcurrency: 16, Next: 'AssembleBatch' });
    const writeShard = WriteShards.ItemProcessor.States.WriteShard;
    for (const state of [WriteShards, AssembleBatch, AssembleBatchWhole]) {
      expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'BatchFailed' });
    }
    for (const task of [Plan, writeShard, AssembleBatch, AssembleBatchWhole, Finalize, MarkFailed])
      expect(task.Retry.length).toBeGreaterThan(0);
    for (const state of [Plan, PerBatch, Finalize])
      expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'MarkFailed' });
    expect(MarkFailed.Next).toBe('ReportFailed');
    expect(ReportFailed.Type).toBe('Fail');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { IncludeExecutionData: false, Level: 'ERROR' },
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('infra: inline Maps carry the worst case', () => {
  // Inline Map limits (Step Functions quotas): 40 concurrent iterations, 25,000 history events
  // for the whole execution, 256 KiB of state. The worst request: 20 batches, each in 16 shards.
  const INLINE_MAX_CONCURRENCY = 40;
  const HISTORY_EVENTS_LIMIT = 25_000;
  // A Lambda task without retries logs ~6 events (entered, scheduled, started, succeeded, exited,
  // iteration), each retry ~3 more; a Map iteration ~3 of its own. Each retrier counts its own
  // attempts, so the worst case takes them all.
  const eventsOfTask = (retry: { MaxAttempts: number }[]) => {
    expect(retry.length).toBeGreaterThan(0);
    return 6 + 3 * retry.reduce((sum, r) => sum + r.MaxAttempts, 0);
  };

  it('stays well inside inline limits even with every retry taken, so no Distributed Map is needed', () => {
    // biome-ignore lint/suspicious/noExplicitAny: the definition is read as the JSON it is.
    const definition = stateMachineDefinition(json as never) as { States: Record<string, any> };
    const { PerBatch } = definition.States;
    const { WriteShards, AssembleBatch } = PerBatch.ItemProcessor.States;
    for (const map of [PerBatch, WriteShards]) expect(map.MaxConcurrency).toBeLessThanOrEqual(INLINE_MAX_CONCURRENCY);
    const perShard = 3 + eventsOfTask(WriteShards.ItemProcessor.States.WriteShard.Retry);
    const perBatch = 3 + 10 + LEARNER_BUCKETS * perShard + eventsOfTask(AssembleBatch.Retry);
    const worstCase = MAX_BATCHES_PER_REQUEST * perBatch + 100;
    // ~12,500: every task of every shard using every attempt of every retrier at once.
    expect(worstCase).toBeLessThan(HISTORY_EVENTS_LIMIT);
  });
});

describe('infra: safety net', () => {
  it('sends executions that fail, time out or are aborted to the function that ends their request', () => {
    const machineId = logicalIdOf('AWS::StepFunctions::StateMachine', 'ExhaustWorkflow');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [{ Ref: machineId }], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'OnExecutionEndedFn'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'UnendedExecutions'), 'Arn'] } },
        }),
      ],
    });
  });

  it('reconciles on a schedule: a function that may describe executions ends requests whose execution is gone', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'ReconcileFn'), 'Arn'] } })],
    });
    expect(actionsOf('ReconcileFn')).toContain('states:DescribeExecution');
    expect(actionsOf('ReconcileFn')).not.toContain('states:StartExecution');
  });
});

describe('infra: least privilege', () => {
  it('lets only the assemble step write report objects (under reports/), and shards only under tmp/', () => {
    const writes = statementsOf('AssembleBatchFn').filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Put')));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]?.Resource)).toContain('/reports/*');
    const shardWrites = statementsOf('WriteShardFn').filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Put')));
    expect(shardWrites).toHaveLength(1);
    expect(JSON.stringify(shardWrites[0]?.Resource)).toContain('/tmp/*');
    for (const fn of [
      'SubmitReportFn',
      'GetReportFn',
      'ListReportsFn',
      'IngestRecordsFn',
      'PlanFn',
      'FinalizeFn',
      'MarkFailedFn',
    ]) {
      expect(
        actionsOf(fn).some((a) => a.startsWith('s3:Put') || a === 's3:DeleteObject*'),
        fn,
      ).toBe(false);
    }
  });

  it('gives the read handlers read-only access to requests and learning records', () => {
    for (const fn of ['GetReportFn', 'ListReportsFn']) {
      const actions = actionsOf(fn);
      expect(actions).toContain('dynamodb:GetItem');
      expect(
        actions.some((a) => ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].includes(a)),
        fn,
      ).toBe(false);
      const tables = JSON.stringify(statementsOf(fn).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:'))));
      expect(tables).toContain('ReportRequests');
      expect(tables).toContain('LearningRecords');
    }
  });

  it('writes learning records only from ingestion; only submit may start executions or encrypt', () => {
    const writesRecords = (fn: string) =>
      statementsOf(fn).some(
        (s) => [s.Action].flat().includes('dynamodb:PutItem') && JSON.stringify(s.Resource).includes('LearningRecords'),
      );
    expect(writesRecords('IngestRecordsFn')).toBe(true);
    for (const fn of ['SubmitReportFn', 'AssembleBatchFn', 'PlanFn']) expect(writesRecords(fn), fn).toBe(false);
    expect(actionsOf('SubmitReportFn')).toContain('states:StartExecution');
    expect(actionsOf('SubmitReportFn')).toContain('kms:Encrypt');
    expect(actionsOf('AssembleBatchFn')).toContain('kms:Decrypt');
    expect(actionsOf('AssembleBatchFn')).not.toContain('kms:Encrypt');
    for (const fn of ['GetReportFn', 'PlanFn', 'FinalizeFn', 'IngestRecordsFn']) {
      expect(
        actionsOf(fn).some((a) => a.startsWith('kms:') || a.startsWith('states:')),
        fn,
      ).toBe(false);
    }
  });
});

describe('infra: e-mail off without courseExhaust:mailFrom', () => {
  it('gives no function a sender or any SES permission', () => {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables?.MAIL_FROM, id).toBeUndefined();
      expect(
        actionsOf(id).some((a) => a.startsWith('ses:')),
        id,
      ).toBe(false);
    }
  });
});

describe('infra: observability', () => {
  it('has a dashboard and alarms on failed workflows and function errors', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'Report workflows failed, timed out or were aborted',
    });
    // One per function but the API key authorizer (its errors are refused keys), and the workflow's two.
    const functions = template.findResources('AWS::Lambda::Function', { Metadata: { 'courseExhaust:entry': Match.anyValue() } });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBe(Object.keys(functions).length - 1 + 2);
  });
});

describe('infra: dashboard site', () => {
  it('serves the page from a private bucket through CloudFront with origin access control, HTTPS only', () => {
    const distributionId = logicalIdOf('AWS::CloudFront::Distribution', 'Dashboard');
    const config = json.Resources[distributionId].Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const bucketId = logicalIdOf('AWS::S3::Bucket', 'DashboardFiles');
    expect(json.Resources[bucketId].Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // Only CloudFront (this distribution) may read the files.
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === bucketId,
    ) as { Properties: { PolicyDocument: { Statement: { Principal?: unknown; Action: unknown; Effect: string }[] } } };
    const reads = policy.Properties.PolicyDocument.Statement.filter((s) => s.Effect === 'Allow' && s.Action === 's3:GetObject');
    expect(reads).toHaveLength(1);
    expect(reads[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
  });

  it("uploads the page with a config naming the API and the issuer's hosted login, and opens CORS to that origin only", () => {
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0]?.Properties;
    expect(JSON.stringify(deployment.SourceMarkers)).toContain('ApiEndpoint');
    expect(deployment.DistributionPaths).toEqual(['/*']);
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]?.Properties;
    expect(api.CorsConfiguration.AllowOrigins).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::Distribution', 'Dashboard'), 'DomainName'] }],
        ],
      },
    ]);
    expect(api.CorsConfiguration.AllowHeaders).toEqual(['authorization', 'content-type']);
    // The local-only development token route is never part of the stack.
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routes.some((key: string) => key.includes('/local/'))).toBe(false);
  });
});
