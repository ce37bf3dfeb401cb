import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, RemovalPolicy, Stage } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildDashboard } from '../dashboard-build.ts';

export interface DashboardDeployment {
  apiUrl: string;
  /** The JWT issuer whose hosted login the page sends users to (authorization code with PKCE). */
  issuer: string;
  /** The public app client the page signs in as: it has no secret, so the page holds none. */
  clientId: string;
}

/**
 * The course dashboard as static files: a private bucket that only CloudFront may read (origin
 * access control), served over HTTPS. Static files on S3 + CloudFront cost nothing while idle and
 * need no server; the page calls the API cross-origin, and the API's CORS admits this origin only.
 */
export class DashboardSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The page's origin, for the API's CORS. */
  readonly origin: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output lives here: it is rebuilt on every deploy, so it never needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Course Exhaust dashboard',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'DashboardUrl', { value: this.origin });
  }

  /** Uploads the page with its config.json (API URL and sign-in settings), and clears CloudFront's copies. */
  deploy(settings: DashboardDeployment): void {
    // Built into the cloud assembly's own folder, which the CDK then stages as an asset.
    const dir = join(Stage.of(this)?.outdir ?? '.', 'dashboard-files');
    mkdirSync(dir, { recursive: true });
    for (const [name, file] of buildDashboard()) writeFileSync(join(dir, name), file.body);
    new BucketDeployment(this, 'Deploy', {
      sources: [
        Source.asset(dir),
        Source.jsonData('config.json', {
          apiUrl: settings.apiUrl,
          auth: { mode: 'oidc', issuer: settings.issuer, clientId: settings.clientId },
        }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      // The file names do not change between builds, so each deploy invalidates them all.
      distributionPaths: ['/*'],
    });
  }
}
