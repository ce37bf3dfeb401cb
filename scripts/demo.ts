import '../infra/local/quiet-defaults.ts';

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import type { ReportView } from '#shared/usecases/read-reports';
import { DEMO } from '../infra/local/demo-data.ts';
import { issueLocalToken } from '../infra/local/dev-auth.ts';
import { startLocalStack } from '../infra/local/local-stack.ts';
import { seedDemoData } from '../infra/local/seed.ts';
import { sevenZip } from '../infra/local/seven-zip.ts';
import { waitForReportEnd } from '../infra/local/wait-for-report.ts';
import { PROJECT_ROOT } from '../infra/paths.ts';

/**
 * `npm run demo`: start the local stack on a clean slate, request each exhaust over HTTP as a
 * dashboard would, wait for SUCCESS, download through the presigned link, open the ZIP with its
 * password in 7-Zip (the system's or the packaged 7za), print the first rows, and stop.
 */
const PASSWORD = 'Demo2026pass';
const outDir = resolve(PROJECT_ROOT, '.local', 'demo');

async function main() {
  const stack = await startLocalStack();
  try {
    await seedDemoData(new DynamoRecordsRepository(stack.env.RECORDS_TABLE as string));
    const creator = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org });
    const requests = [
      {
        type: 'course-progress',
        courseId: DEMO.courseId,
        batchIds: [DEMO.batches.live, DEMO.batches.expired],
        password: PASSWORD,
      },
      { type: 'user-profile', courseId: DEMO.courseId, batchIds: [DEMO.batches.live], password: PASSWORD },
      { type: 'question-set', courseId: DEMO.courseId, batchIds: [DEMO.batches.live], password: PASSWORD },
    ];
    mkdirSync(outDir, { recursive: true });
    for (const body of requests) {
      console.log(`\n=== ${body.type} — POST ${stack.apiUrl}/v1/reports`);
      const submitted = await call(stack.apiUrl, 'POST', '/v1/reports', creator, body);
      const id = submitted.request.id as string;
      console.log(`request ${id}: ${submitted.request.status}`);
      const request: ReportView = await waitForReportEnd(
        async () => (await call(stack.apiUrl, 'GET', `/v1/reports/${id}`, creator)).request,
        { intervalMs: 200 },
      );
      console.log(`request ${id}: ${request.status}${request.error ? ` — ${request.error}` : ''}`);
      if (request.status !== 'SUCCESS') throw new Error(`${body.type} did not succeed`);
      for (const batch of request.batches) {
        if (!batch.file) throw new Error(`batch ${batch.batchId} has no file`);
        const response = await fetch(batch.file.url);
        const zipPath = join(outDir, batch.file.fileName);
        writeFileSync(zipPath, Buffer.from(await response.arrayBuffer()));
        const { stdout } = await sevenZip(['x', '-so', `-p${PASSWORD}`, zipPath], { maxBuffer: 256 * 1024 * 1024 });
        const lines = stdout
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split('\r\n');
        console.log(`\n${zipPath}  (${batch.file.rows} rows, ${batch.file.bytes} bytes, opened with the password)`);
        for (const line of lines.slice(0, 4)) console.log(`  ${line.length > 220 ? `${line.slice(0, 217)}...` : line}`);
      }
    }
    console.log(`\nZIPs kept in ${outDir} (password ${PASSWORD}).`);
  } finally {
    await stack.stop();
  }
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as { request: ReportView & { id: string } };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

await main();
