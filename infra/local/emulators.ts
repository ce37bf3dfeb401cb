import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
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
  refuseUnstorableKeys(s3rver);
  const address = (await s3rver.run()) as AddressInfo;
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => s3rver.close() };
}

/** Longest file name the local file system holds (ext4, APFS, NTFS: 255). */
const MAX_PATH_PART_BYTES = 255;

interface S3rverObject {
  bucket: string;
  key: string;
}
interface S3rverStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: S3rverObject): Promise<unknown>;
}

/**
 * s3rver stores each key as a file path and leaves a failed write stream's error unhandled: a key
 * with a part the file system cannot hold (ENAMETOOLONG) would kill the whole process. Such a key
 * is refused up front with S3's own KeyTooLongError (a 400), so the caller's step fails instead.
 */
function refuseUnstorableKeys(s3rver: S3rver): void {
  const store = (s3rver as unknown as { store: S3rverStore }).store;
  const S3Error = createRequire(import.meta.url)('s3rver/lib/models/error') as new (code: string, message: string) => Error;
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    // The longest file s3rver writes for the key is its metadata file.
    const path = store.getResourcePath(object.bucket, object.key, 'metadata.json');
    if (path.split(sep).some((part) => Buffer.byteLength(part, 'utf8') > MAX_PATH_PART_BYTES)) {
      throw new S3Error(
        'KeyTooLongError',
        `A part of this key is too long for the local file system (${MAX_PATH_PART_BYTES} bytes)`,
      );
    }
    return putObject(object);
  };
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
  for (const { name } of tables) await untilTableActive(client, name);
  client.destroy();
}

/**
 * dynalite answers CreateTable while the table is still CREATING and turns it ACTIVE in a later
 * write; until then every call on it is a ResourceNotFoundException. On a loaded machine that gap
 * is long enough for the next call to land in it, so callers wait for ACTIVE first.
 */
export async function untilTableActive(
  client: { send(command: DescribeTableCommand): Promise<{ Table?: { TableStatus?: string } }> },
  table: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${table} still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
