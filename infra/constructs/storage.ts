import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { USERS_LIST } from '#shared/adapters/dynamo-learner-records';
import { ACTIVE_INDEX, BY_COURSE_INDEX, BY_COURSE_KEY } from '#shared/adapters/dynamo-requests-repository';

export interface StorageProps {
  retentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** Where requests, learning records, report files and the password key live. */
export class Storage extends Construct {
  readonly requests: TableV2;
  readonly records: TableV2;
  /** Course report API keys (hashes only) and their per-key token buckets. */
  readonly apiKeys: TableV2;
  readonly reports: Bucket;
  readonly passwordKey: Key;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.requests = new TableV2(this, 'ReportRequests', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
      globalSecondaryIndexes: [
        {
          // A course's requests, newest first. The key attribute keeps its first name, `scope`
          // ({org}#{course}): another name would need a second index and every item rewritten.
          indexName: BY_COURSE_INDEX,
          partitionKey: { name: BY_COURSE_KEY.partition, type: AttributeType.STRING },
          sortKey: { name: BY_COURSE_KEY.sort, type: AttributeType.STRING },
        },
        {
          // Sparse: only requests still SUBMITTED or PROCESSING carry `active`, so the scheduled
          // reconcile reads the few requests in flight, not every request ever made.
          indexName: ACTIVE_INDEX,
          partitionKey: { name: 'active', type: AttributeType.STRING },
          sortKey: { name: BY_COURSE_KEY.sort, type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
      ],
    });

    // CloudFormation creates at most one index per table update: a stack deployed before the
    // users-list indexes gets them over six deploys (`-c usersListIndexes=1`, 2, … 6; README).
    const usersListIndexes = Object.values(USERS_LIST.indexes);
    const indexCount = Number(this.node.tryGetContext('usersListIndexes') ?? usersListIndexes.length);
    if (!Number.isInteger(indexCount) || indexCount < 1 || indexCount > usersListIndexes.length) {
      throw new Error(`usersListIndexes must be a whole number from 1 to ${usersListIndexes.length}`);
    }

    this.records = new TableV2(this, 'LearningRecords', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
      // The users list, one sparse index per sortable column: only users-list rows carry these
      // keys, and an index holds a row's columns so that a page of the list is one Query.
      globalSecondaryIndexes: usersListIndexes.slice(0, indexCount).map((indexName) => ({
        indexName,
        partitionKey: { name: USERS_LIST.partition, type: AttributeType.STRING },
        sortKey: { name: indexName, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...USERS_LIST.projected],
      })),
    });

    this.apiKeys = new TableV2(this, 'ApiKeys', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: 'byOrg',
          partitionKey: { name: 'org', type: AttributeType.STRING },
          sortKey: { name: 'createdAt', type: AttributeType.STRING },
        },
      ],
    });

    this.reports = new Bucket(this, 'Reports', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
      lifecycleRules: [
        // Reports hold learner data: they go after the retention period, and read as EXPIRED then.
        { id: 'expire-reports', prefix: 'reports/', expiration: Duration.days(props.retentionDays) },
        // Shard parts of huge batches are deleted after assembly; this catches any a failure left.
        { id: 'expire-shard-parts', prefix: 'tmp/', expiration: Duration.days(1) },
        // Course report results too large to answer inline: fetched through a 15-minute link.
        { id: 'expire-course-report-results', prefix: 'course-reports/', expiration: Duration.days(1) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.reports).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Objects are read only through short-lived presigned links; CloudTrail data events are the audit trail',
    });

    this.passwordKey = new Key(this, 'PasswordKey', {
      description: 'Seals ZIP passwords on report requests until the request ends',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
  }
}
