import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from '../paths.ts';

export interface ExhaustFunctionProps {
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
 * The house Lambda: Node.js 22 on arm64, ESM bundle built by the local esbuild (no Docker), X-Ray,
 * source maps, a log group with retention, and the `require` banner that bundled CommonJS code needs
 * inside an ESM bundle (DESIGN §7).
 */
export class ExhaustFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ExhaustFunctionProps) {
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
  }

  /** Sets the table's name in `envName` and grants just the access asked for. */
  bindTable(table: ITable, envName: string, access: 'read' | 'readWrite'): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Sets the bucket's name in `envName` and grants access under `prefix` only. */
  bindBucket(bucket: IBucket, envName: string, access: 'read' | 'write', prefix: string): this {
    this.addEnvironment(envName, bucket.bucketName);
    if (access === 'read') bucket.grantRead(this, `${prefix}*`);
    else bucket.grantPut(this, `${prefix}*`);
    return this;
  }
}
