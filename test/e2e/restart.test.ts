import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/aws-clients';
import { SERVICE_RESTARTED_ERROR } from '#shared/usecases/reconcile-requests';
import { DEMO } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { PROJECT_ROOT } from '../../infra/paths.ts';

interface Ready {
  apiUrl: string;
  dynamo: string;
  requestsTable: string;
  settled: string[];
}
interface Running {
  child: ChildProcess;
  ready: Ready;
}

const dataDir = mkdtempSync(join(tmpdir(), 'restart-'));
const running: ChildProcess[] = [];

/** The local stack in its own process group, so a kill takes its dynalite child with it, as a crash would. */
async function startHeldStack(): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test/support/held-local-stack.ts'), dataDir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the local stack exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice('READY '.length)) as Ready);
    });
  });
  return { child, ready };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}

afterAll(async () => {
  for (const child of running) await kill(child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('e2e: the local stack killed with requests in flight, then started again', () => {
  it('ends both FAILED saying the service restarted, releases their locks and passwords, and accepts them again', async () => {
    const token = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org });
    const call = async (apiUrl: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: response.status,
        body: (await response.json()) as { request: { id: string; status: string; error?: string } },
      };
    };
    const processing = {
      type: 'course-progress',
      courseId: DEMO.courseId,
      batchIds: [DEMO.batches.live],
      password: 'Crash2026pw',
    };
    const submitted = { ...processing, batchIds: [DEMO.batches.expired] };

    // Prepare: one request planned and PROCESSING, another just accepted; then the process dies.
    const first = await startHeldStack();
    const a = await call(first.ready.apiUrl, 'POST', '/v1/reports', processing);
    expect(a.status).toBe(202);
    let status = '';
    while (status !== 'PROCESSING') {
      status = (await call(first.ready.apiUrl, 'GET', `/v1/reports/${a.body.request.id}`)).body.request.status;
      if (status !== 'PROCESSING') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const b = await call(first.ready.apiUrl, 'POST', '/v1/reports', submitted);
    expect(b.status).toBe(202);
    expect((await call(first.ready.apiUrl, 'GET', `/v1/reports/${b.body.request.id}`)).body.request.status).toBe('SUBMITTED');
    await kill(first.child);

    // Act: start again on the same data.
    const second = await startHeldStack();

    // Assess
    expect(second.ready.settled.sort()).toEqual([a.body.request.id, b.body.request.id].sort());
    for (const id of [a.body.request.id, b.body.request.id]) {
      const { body } = await call(second.ready.apiUrl, 'GET', `/v1/reports/${id}`);
      expect(body.request).toMatchObject({ status: 'FAILED', error: SERVICE_RESTARTED_ERROR });
    }
    const db = createDocumentClient({
      endpoint: second.ready.dynamo,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const id of [a.body.request.id, b.body.request.id]) {
      const item = (await db.send(new GetCommand({ TableName: second.ready.requestsTable, Key: { pk: `REQ#${id}` } }))).Item;
      expect(item?.sealedPassword).toBeUndefined();
    }
    const locks = await db.send(
      new ScanCommand({
        TableName: second.ready.requestsTable,
        FilterExpression: 'begins_with(pk, :lock)',
        ExpressionAttributeValues: { ':lock': 'LOCK#' },
      }),
    );
    expect(locks.Items ?? []).toEqual([]);
    db.destroy();
    // The same request is accepted again, not refused as a duplicate for two hours.
    expect((await call(second.ready.apiUrl, 'POST', '/v1/reports', processing)).status).toBe(202);
    expect((await call(second.ready.apiUrl, 'POST', '/v1/reports', submitted)).status).toBe(202);
  }, 400_000);
});
