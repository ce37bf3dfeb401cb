import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LOCK_TTL_MS } from '#shared/usecases/submit-report';
import { Api } from './constructs/api.ts';
import { DashboardSite } from './constructs/dashboard-site.ts';
import { Observability } from './constructs/observability.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { Storage } from './constructs/storage.ts';
import { Workflow } from './constructs/workflow.ts';

export interface CourseExhaustStackProps extends StackProps {
  jwtIssuer: string;
  jwtAudience: string[];
  /** The app client the dashboard signs in as (hosted login with PKCE); the first audience if unset. */
  dashboardClientId?: string;
  /** Days report files are kept before S3 expires them. */
  retentionDays?: number;
  /** Batches assembled at once per request. */
  maxConcurrency?: number;
  /** Learners per shard of a huge batch. */
  learnersPerShard?: number;
  /** Keep tables, bucket and key when the stack is deleted (production). */
  retainData?: boolean;
  /** An e-mail address subscribed to the alarm topic. */
  alarmEmail?: string | undefined;
  /**
   * The SES-verified sender of "your report ended" messages. Without it e-mail is off and
   * POST /v1/reports refuses `notifyByEmail` with a 400.
   */
  mailFrom?: string | undefined;
}

/** The whole service: storage, the exhaust workflow, the HTTP API and what ops watch. */
export class CourseExhaustStack extends Stack {
  readonly storage: Storage;
  readonly workflow: Workflow;
  readonly api: Api;
  readonly dashboard: DashboardSite;

  constructor(scope: Construct, id: string, props: CourseExhaustStackProps) {
    super(scope, id, props);
    const retentionDays = props.retentionDays ?? 7;

    this.storage = new Storage(this, 'Storage', {
      retentionDays,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Before the workflow: the messages its steps send link to the dashboard.
    this.dashboard = new DashboardSite(this, 'Dashboard');
    this.workflow = new Workflow(this, 'Workflow', {
      storage: this.storage,
      maxConcurrency: props.maxConcurrency ?? 5,
      // Same bound as the dedupe lock's expiry, so a lock never outlives its execution.
      timeout: Duration.millis(LOCK_TTL_MS),
      // 100k learners keeps a shard to tens of seconds of reads and CSV + ZIP (docs/performance.md's
      // figures: `npm run bench`), far inside Lambda's 15 minutes.
      learnersPerShard: props.learnersPerShard ?? 100_000,
      mail: props.mailFrom ? { from: props.mailFrom, dashboardUrl: `${this.dashboard.origin}/` } : undefined,
    });
    this.api = new Api(this, 'Api', {
      corsOrigins: [this.dashboard.origin],
      storage: this.storage,
      stateMachine: this.workflow.stateMachine,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      retentionDays,
      mailFrom: props.mailFrom,
    });
    this.dashboard.deploy({
      apiUrl: this.api.httpApi.apiEndpoint,
      issuer: props.jwtIssuer,
      clientId: props.dashboardClientId ?? props.jwtAudience[0] ?? '',
    });
    // cdk-nag findings of the dashboard site, acknowledged here so its construct stays about the site.
    const acknowledgeSite = (id: string, reason: string) => Validations.of(this.dashboard).acknowledge({ id, reason });
    acknowledgeSite('AwsSolutions-S1', 'Holds only the static page, served through CloudFront: no data to audit');
    acknowledgeSite('AwsSolutions-CFR1', 'A dashboard for course staff anywhere: no country restriction on purpose');
    acknowledgeSite('AwsSolutions-CFR2', 'Serves a static page; the API behind it has its own JWT authorizer and throttling');
    acknowledgeSite('AwsSolutions-CFR3', 'A static page with no data of its own: its API calls are logged by the API functions');
    acknowledgeSite('AwsSolutions-CFR4', 'The default *.cloudfront.net certificate (no custom domain) cannot set a TLS minimum');
    // CDK's own BucketDeployment function, a stack-level singleton that uploads the page.
    const deployment = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (deployment) {
      const acknowledgeDeployment = (id: string, reason: string) => Validations.of(deployment).acknowledge({ id, reason });
      const cdkOwned = "CDK's BucketDeployment function, as CDK builds it: runs only at deploy time";
      acknowledgeDeployment('AwsSolutions-L1', cdkOwned);
      acknowledgeDeployment(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        cdkOwned,
      );
      for (const finding of [
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        `Resource::${ServiceFunction.nagArn(this.dashboard.node.findChild('Files'))}/*`,
        'Resource::*',
      ]) {
        acknowledgeDeployment(`AwsSolutions-IAM5[${finding}]`, `${cdkOwned}; copies the page's assets into the site bucket`);
      }
    }
    // cdk-nag findings of the API, acknowledged here so the API construct stays about routes.
    const acknowledgeApi = (id: string, reason: string) => Validations.of(this.api).acknowledge({ id, reason });
    acknowledgeApi(
      'AwsSolutions-APIG1',
      'Each route is one function whose structured logs carry the request id; no separate access log',
    );
    acknowledgeApi(
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      "CDK's encrypt grant on the one password key, nothing wider",
    );
    acknowledgeApi('AwsSolutions-IAM5[Action::kms:ReEncrypt*]', "CDK's encrypt grant on the one password key, nothing wider");
    new Observability(this, 'Observability', {
      stateMachine: this.workflow.stateMachine,
      functions: [...this.api.functions, ...this.workflow.functions],
      unendedExecutions: this.workflow.unendedExecutions,
      alarmEmail: props.alarmEmail,
    });
  }
}
