import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isLocalMode } from '../config.ts';
import { tracer } from './observability.ts';

/**
 * The AWS clients, made once per process and shared by every adapter. The SDK reads endpoints
 * from AWS_ENDPOINT_URL_DYNAMODB / _S3 / _SFN, which local mode points at the emulators.
 */
/**
 * Takes the SDK's logger middleware out of a client. We give the SDK no logger, yet the middleware
 * still runs on every call: it builds a "sensitive data filtered" copy of the whole input and
 * output for the default no-op logger, walking every item of every DynamoDB page (~15% of the CPU
 * of a 10k-enrolment course report, measured). Our own logs carry ids and counts only.
 */
function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** `base` is for tests that point a client at an emulator explicitly (endpoint, region, credentials). */
export function createDocumentClient(base: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(tracer.captureAWSv3Client(withoutSdkLogging(new DynamoDBClient(base))), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createS3Client(base: S3ClientConfig = {}, local = isLocalMode()): S3Client {
  return tracer.captureAWSv3Client(
    withoutSdkLogging(
      new S3Client({
        ...base,
        // s3rver needs path-style addressing and stores the SDK's streaming checksum framing as data
        // unless checksums are only sent where an operation requires them (DESIGN §7).
        forcePathStyle: local,
        ...(local ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
      }),
    ),
  );
}

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let sfnClient: SFNClient | undefined;
let kmsClient: KMSClient | undefined;
let sesClient: SESv2Client | undefined;

export const clients = {
  get dynamo(): DynamoDBDocumentClient {
    documentClient ??= createDocumentClient();
    return documentClient;
  },
  get s3(): S3Client {
    s3Client ??= createS3Client();
    return s3Client;
  },
  get sfn(): SFNClient {
    sfnClient ??= tracer.captureAWSv3Client(withoutSdkLogging(new SFNClient({})));
    return sfnClient;
  },
  get kms(): KMSClient {
    kmsClient ??= tracer.captureAWSv3Client(withoutSdkLogging(new KMSClient({})));
    return kmsClient;
  },
  get ses(): SESv2Client {
    sesClient ??= tracer.captureAWSv3Client(withoutSdkLogging(new SESv2Client({})));
    return sesClient;
  },
};
