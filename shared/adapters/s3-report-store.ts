import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type Clock, type ReportStore, systemClock } from '../domain/ports.ts';
import { clients } from './aws-clients.ts';

/** Report files in S3: streamed in by multipart upload, handed out by presigned GET links. */
export class S3ReportStore implements ReportStore {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Client = clients.s3,
    /** Signing time: a link expires `expiresInSeconds` after it (tests sign in the past instead of waiting). */
    private readonly clock: Clock = systemClock,
  ) {}

  async upload(key: string, body: Readable, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      // 8 MiB parts, two in flight: memory stays ~16 MiB whatever the file's size.
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      throw error;
    }
  }

  async openRead(key: string): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`S3 returned no body for ${key}`);
    return out.Body as Readable;
  }

  async remove(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      if (chunk.length === 0) continue;
      await this.s3.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
      );
    }
  }

  downloadLink(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
      ResponseContentType: 'application/zip',
    });
    return getSignedUrl(this.s3, command, { expiresIn: expiresInSeconds, signingDate: this.clock.now() });
  }
}
