import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from '../paths.ts';

/** E-mail to requesters: the verified SES sender and the dashboard the messages link to. */
export interface MailSettings {
  from: string;
  dashboardUrl: string;
}

export interface ServiceFunctionProps {
  /** Handler module, relative to the project root, e.g. `functions/api/submit-report.ts`. */
  entry: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  /** Extra Node.js options, e.g. a heap limit. */
  nodeOptions?: string;
  logRetention?: RetentionDays;
}

/** Lets bundled CommonJS code call `require` (of Node built-ins) inside an ESM bundle (DESIGN §7). */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Where the local runner finds the handler module of a synthesized function. */
export const ENTRY_METADATA_KEY = 'courseExhaust:entry';

/**
 * Every Lambda function of the service (API routes, authorizers, workflow steps), built one way:
 * Node.js 22 on arm64, ESM bundle built by the local esbuild (no Docker), X-Ray,
 * source maps, a log group with retention, and the `require` banner that bundled CommonJS code needs
 * inside an ESM bundle (DESIGN §7).
 */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${PROJECT_ROOT}/${props.entry}`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      environment: {
        NODE_OPTIONS: ['--enable-source-maps', props.nodeOptions].filter(Boolean).join(' '),
        POWERTOOLS_SERVICE_NAME: 'course-exhaust',
        POWERTOOLS_METRICS_NAMESPACE: 'CourseExhaust',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        // Error class names are the Step Functions error names and decide which messages a
        // requester sees (domain/failure-message.ts): minifying them away would hide every reason.
        keepNames: true,
        sourceMap: true,
        // Bundle the SDK too: the versions we test are the versions that run.
        externalModules: [],
        banner: ESM_REQUIRE_BANNER,
        forceDockerBundling: false,
      },
    });
    (this.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
    // cdk-nag (AwsSolutions): findings every house function has, each with its reason.
    this.acknowledge('AwsSolutions-L1', 'Node.js 22 is the runtime the bundles target and the tests run on (DESIGN §7)');
    this.acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS-maintained minimum: lets the function write its own logs and nothing else',
    );
    this.acknowledge('AwsSolutions-IAM5[Resource::*]', "X-Ray's PutTraceSegments and PutTelemetryRecords accept no resource");
  }

  /** Acknowledges a cdk-nag finding on this function and its role, with the reason it stays. */
  acknowledge(id: string, reason: string): this {
    Validations.of(this).acknowledge({ id, reason });
    return this;
  }

  /** How cdk-nag names a resource's ARN in a finding: `<LogicalId.Arn>`. */
  static nagArn(resource: Construct): string {
    const cfn = resource.node.defaultChild as CfnResource;
    return `<${Stack.of(resource).resolve(cfn.logicalId)}.Arn>`;
  }

  /** Sets the table's name in `envName` and grants just the access asked for. */
  bindTable(table: ITable, envName: string, access: 'read' | 'readWrite'): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this.acknowledge(
      `AwsSolutions-IAM5[Resource::${ServiceFunction.nagArn(table)}/index/*]`,
      "Queries the table's own indexes, which IAM can only name as index/*",
    );
  }

  /** Sets the bucket's name in `envName` and grants access under `prefix` only. */
  bindBucket(bucket: IBucket, envName: string, access: 'read' | 'write', prefix: string): this {
    this.addEnvironment(envName, bucket.bucketName);
    if (access === 'read') bucket.grantRead(this, `${prefix}*`);
    else bucket.grantPut(this, `${prefix}*`);
    return this.acknowledgeBucketGrant(
      bucket,
      prefix,
      access === 'read' ? ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] : ['s3:Abort*'],
    );
  }

  /**
   * Lets the function tell requesters that their report ended: SES's SendEmail only, only from
   * the configured sender (`ses:FromAddress`), with the dashboard address the messages link to.
   */
  bindMail(mail: MailSettings): this {
    this.addEnvironment('MAIL_FROM', mail.from);
    this.addEnvironment('DASHBOARD_URL', mail.dashboardUrl);
    const stack = Stack.of(this);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [`arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/*`],
        conditions: { StringEquals: { 'ses:FromAddress': mail.from } },
      }),
    );
    return this.acknowledge(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      'SES checks SendEmail against the sender and (in the sandbox) each recipient identity; the ses:FromAddress condition pins the sender',
    );
  }

  /** The findings a prefix-scoped bucket grant creates: objects under the prefix, the grant's action groups. */
  acknowledgeBucketGrant(bucket: IBucket, prefix: string, actions: string[]): this {
    this.acknowledge(
      `AwsSolutions-IAM5[Resource::${ServiceFunction.nagArn(bucket)}/${prefix}*]`,
      `Objects are per request: access is scoped to the ${prefix} prefix, not to named objects`,
    );
    for (const action of actions) {
      this.acknowledge(`AwsSolutions-IAM5[Action::${action}]`, `CDK's grant for objects under ${prefix}, nothing wider`);
    }
    return this;
  }
}
