import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createS3Client } from '#shared/adapters/aws-clients';
import { createTables, startDynalite, startS3rver } from '../../infra/local/emulators.ts';
import { synthesizeTemplate, tableSchemas } from '../../infra/local/template.ts';

export interface Emulators {
  db: DynamoDBDocumentClient;
  s3: S3Client;
  bucket: string;
  tables: { requests: string; records: string };
  stop(): Promise<void>;
}

/** dynalite and s3rver in this process, with the stack's own table definitions and the real SDK clients. */
export async function startEmulators(): Promise<Emulators> {
  const dir = mkdtempSync(join(tmpdir(), 'emulators-'));
  const bucket = 'test-reports';
  const dynamo = await startDynalite({});
  const s3server = await startS3rver({ directory: dir, bucket });
  const schemas = tableSchemas(synthesizeTemplate());
  const named = (part: string) => {
    const schema = schemas.find((s) => s.logicalId.includes(part));
    if (!schema) throw new Error(`no ${part} table in the stack`);
    return { name: `${part}-${Date.now()}`, schema };
  };
  const requests = named('ReportRequests');
  const records = named('LearningRecords');
  await createTables(dynamo.endpoint, [requests, records]);
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  // The service's own client factories, pointed at the emulators: same settings as local mode.
  const db = createDocumentClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const s3 = createS3Client({ endpoint: s3server.endpoint, region: 'us-east-1', credentials }, true);
  return {
    db,
    s3,
    bucket,
    tables: { requests: requests.name, records: records.name },
    stop: async () => {
      db.destroy();
      s3.destroy();
      await s3server.stop();
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
