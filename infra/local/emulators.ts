import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import S3rver from 's3rver';
import type { LocalTableSchema } from './template.ts';

/** Local AWS emulators (DESIGN §7): dynalite for DynamoDB (a child process), s3rver for S3. No Docker. */

export interface RunningServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite in a child process: the handlers (or tests) and the emulator then run on both cores, as
 * the service and DynamoDB do on AWS, and Ctrl-C in a terminal cannot cut it off mid-write.
 */
export async function startDynalite(options: { path?: string | undefined }): Promise<RunningServer> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const child = fork(fileURLToPath(new URL('./dynalite-child.cjs', import.meta.url)), [JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        // Ctrl-C reaches the child too: it may be gone, or going, already.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        if (child.connected) child.disconnect();
        else child.kill();
      }),
  };
}

export async function startS3rver(options: { directory: string; bucket: string; port?: number }): Promise<RunningServer> {
  mkdirSync(options.directory, { recursive: true });
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const address = (await s3rver.run()) as AddressInfo;
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => s3rver.close() };
}

/** Creates the tables the stack defines (same keys and indexes) unless they already exist. */
export async function createTables(endpoint: string, tables: { name: string; schema: LocalTableSchema }[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const { name, schema } of tables) {
    if (existing.has(name)) continue;
    const { logicalId: _logicalId, ...definition } = schema;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        ...(definition as Omit<ConstructorParameters<typeof CreateTableCommand>[0], 'TableName'>),
      }),
    );
  }
  client.destroy();
}
