import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LargeResultStore } from '../course-reports/ports.ts';
import { clients } from './aws-clients.ts';
import { S3ReportStore } from './s3-report-store.ts';

/** Course report results too large to answer inline: streamed to S3, fetched by a presigned GET. */
export class S3LargeResultStore implements LargeResultStore {
  private readonly uploader: S3ReportStore;

  constructor(
    private readonly bucket: string,
    private readonly s3: S3Client = clients.s3,
  ) {
    this.uploader = new S3ReportStore(bucket, s3);
  }

  save(key: string, body: Readable, contentType: string): Promise<void> {
    return this.uploader.upload(key, body, contentType);
  }

  link(key: string, contentType: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: contentType });
    return getSignedUrl(this.s3, command, { expiresIn: expiresInSeconds });
  }
}
