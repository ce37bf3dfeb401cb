import '../infra/local/quiet-defaults.ts';

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { outlineCourse } from '#shared/domain/course-structure';
import { CourseExhaustTypes, type CourseScopedType } from '#shared/domain/report-types';
import { streamExhaustZip } from '#shared/report-files/write-exhaust';
import { reportDefinition } from '#shared/reports/catalogue';
import type { ReportView } from '#shared/usecases/read-reports';
import { exhaustRows } from '#shared/usecases/workflow-steps';
import { sevenZip } from '../infra/local/seven-zip.ts';
import { benchBatch as batch, benchCourse as course, syntheticLearnerPages } from '../infra/local/synthetic-batch.ts';
import { PROJECT_ROOT } from '../infra/paths.ts';
import { WRITER_NODE_OPTIONS } from '../infra/writer-sizing.ts';

/**
 * `npm run bench`: prints figures, asserts nothing.
 *  1. Each report's exhaust writer (learners → rows → csv-stringify → archiver-zip-encrypted AES-256
 *     → file) for N synthetic learners, each run in its own process so peak RSS is its own, with the
 *     heap limit the writer functions have on AWS (infra/writer-sizing.ts); the median of --runs.
 *  2. 7-Zip (`7z a -tzip -mem=AES256 -mx=5 -mmt=1`) on the very CSV the writer produced.
 *  3. DynamoDB reads of a seeded batch per report, one at a time (as before issue 8) and in parallel:
 *     requests and sequential round trips per 1,000 learners, counted by a client middleware that
 *     also adds --latency-ms to each request, as a stand-in for the network on AWS.
 *  2b. The libraries' floor (scripts/bench-library-floor.ts): rows, + csv-stringify, + archiver-zip-encrypted
 *     over the same course progress rows with none of our CSV code, the fastest these libraries allow.
 *  4. A 10k-learner batch end to end on the local stack: POST → SUCCESS → downloaded file.
 *  Then, each in its own process: the learner statistics reads, the general-stats export (writer at
 *  10k and 100k users, and 10k end to end; scripts/bench-learner-exports.ts) and the course reports.
 * Options: --sizes 10000,100000,1000000, --qs-sizes (question set, 10 rows per learner),
 * --reports, --runs 1, --read-learners 2000, --latency-ms 10, --no-e2e, --no-reads.
 * 7-Zip is the system's `7z` when installed, else the 7za of the `7zip-bin` dev dependency.
 */
const PASSWORD = 'Bench2026pw';
const workDir = resolve(PROJECT_ROOT, '.bench');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'qs-sizes': { type: 'string', default: '10000,100000' },
    reports: { type: 'string', default: CourseExhaustTypes.join(',') },
    runs: { type: 'string', default: '1' },
    'read-learners': { type: 'string', default: '2000' },
    'latency-ms': { type: 'string', default: '10' },
    'no-e2e': { type: 'boolean', default: false },
    'no-reads': { type: 'boolean', default: false },
    writer: { type: 'string' },
    report: { type: 'string' },
  },
});

/** Child mode: one writer run, figures as JSON on stdout. */
async function writerRun(type: CourseScopedType, count: number, out: string) {
  const context = { outline: outlineCourse(course), batch };
  const layout = reportDefinition(type).layout(context);
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const { zip, stats } = streamExhaustZip({
    entryName: `${type}.csv`,
    header: layout.header,
    idColumns: layout.idColumns,
    rowBatches: exhaustRows(layout, context.batch.org, syntheticLearnerPages(count, { responses: type !== 'course-progress' })),
    password: PASSWORD,
  });
  await pipeline(zip, createWriteStream(out));
  const figures = await stats;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU of every thread of the process (deflate runs on libuv's pool): steadier than wall time on a shared machine.
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify({ ...figures, seconds, cpuSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function timeSevenZip(csvPath: string): Promise<number> {
  const out = `${csvPath}.7z.zip`;
  rmSync(out, { force: true });
  const started = process.hrtime.bigint();
  await sevenZip(['a', '-tzip', '-mem=AES256', '-mx=5', '-mmt=1', `-p${PASSWORD}`, out, csvPath]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function childFigures(type: CourseScopedType, count: number, out: string) {
  return new Promise<{ rows: number; csvBytes: number; bytes: number; seconds: number; cpuSeconds: number; peakRssMB: number }>(
    (ok, fail) => {
      // The writer runs as it does in the WriteShard and AssembleBatch functions: same heap limit.
      const args = [
        WRITER_NODE_OPTIONS,
        ...process.execArgv,
        new URL(import.meta.url).pathname,
        '--writer',
        String(count),
        '--report',
        type,
      ];
      const child = spawn(process.execPath, args, {
        env: { ...process.env, BENCH_OUT: out },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
      });
      child.on('exit', (code) => (code === 0 ? ok(JSON.parse(text)) : fail(new Error(`writer run exited ${code}`))));
    },
  );
}

/** Requests seen by a client, with when each started and ended. */
interface RequestLog {
  spans: { start: number; end: number }[];
}

/**
 * The longest run of requests that happened strictly one after another (each starting after the
 * previous ended): the round trips a reader waits for in sequence. Greedy by earliest end is exact.
 */
function sequentialRoundTrips(log: RequestLog): number {
  let count = 0;
  let freeAt = -Infinity;
  for (const span of [...log.spans].sort((a, b) => a.end - b.end)) {
    if (span.start >= freeAt) {
      count += 1;
      freeAt = span.end;
    }
  }
  return count;
}

async function readsBench(learners: number, latencyMs: number) {
  const { startLocalStack } = await import('../infra/local/local-stack.ts');
  const { seedDemoData } = await import('../infra/local/seed.ts');
  const { DEMO } = await import('../infra/local/demo-data.ts');
  const { createDocumentClient } = await import('#shared/adapters/aws-clients');
  const { DynamoRecordsRepository, PARALLEL_READS, SEQUENTIAL_READS } = await import(
    '#shared/adapters/dynamo-records-repository'
  );
  const stack = await startLocalStack();
  const table = stack.env.RECORDS_TABLE as string;
  try {
    // The demo puts 7 of every 8 learners in the live batch.
    await seedDemoData(new DynamoRecordsRepository(table), Math.ceil((learners * 8) / 7));
    const lines = [
      `| report | reads | learners | requests / 1,000 learners | sequential round trips / 1,000 learners | seconds (with ${latencyMs} ms per request) |`,
      '| --- | --- | ---: | ---: | ---: | ---: |',
    ];
    for (const type of CourseExhaustTypes) {
      for (const [label, reads] of [
        ['one at a time (before)', SEQUENTIAL_READS],
        ['parallel (after)', PARALLEL_READS],
      ] as const) {
        const log: RequestLog = { spans: [] };
        const db = createDocumentClient();
        db.middlewareStack.add(
          (next) => async (args) => {
            const start = performance.now();
            await new Promise((resolve) => setTimeout(resolve, latencyMs));
            try {
              return await next(args);
            } finally {
              log.spans.push({ start, end: performance.now() });
            }
          },
          { step: 'finalizeRequest', name: 'benchRequestLog' },
        );
        const repository = new DynamoRecordsRepository(table, db, undefined, reads);
        const started = performance.now();
        let read = 0;
        for await (const page of repository.learnerPages(DEMO.courseId, DEMO.batches.live, {
          withProfiles: reportDefinition(type).needsProfiles,
        }))
          read += page.length;
        const seconds = (performance.now() - started) / 1000;
        const per1000 = (n: number) => ((n * 1000) / read).toFixed(1);
        lines.push(
          `| ${type} | ${label} | ${read.toLocaleString('en')} | ${per1000(log.spans.length)} | ${per1000(sequentialRoundTrips(log))} | ${seconds.toFixed(2)} |`,
        );
        console.log(lines.at(-1));
        db.destroy();
      }
    }
    return lines;
  } finally {
    await stack.stop();
  }
}

async function endToEnd(learners: number) {
  const { startLocalStack } = await import('../infra/local/local-stack.ts');
  const { seedDemoData } = await import('../infra/local/seed.ts');
  const { DynamoRecordsRepository } = await import('#shared/adapters/dynamo-records-repository');
  const { issueLocalToken } = await import('../infra/local/dev-auth.ts');
  const { DEMO } = await import('../infra/local/demo-data.ts');
  const { waitForReportEnd } = await import('../infra/local/wait-for-report.ts');
  const stack = await startLocalStack();
  try {
    // The demo puts 7 of every 8 learners in the live batch.
    const seedStart = Date.now();
    await seedDemoData(new DynamoRecordsRepository(stack.env.RECORDS_TABLE as string), Math.ceil((learners * 8) / 7));
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const token = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = Date.now();
    const submitted = await fetch(`${stack.apiUrl}/v1/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'course-progress',
        courseId: DEMO.courseId,
        batchIds: [DEMO.batches.live],
        password: PASSWORD,
      }),
    });
    const { request } = (await submitted.json()) as { request: { id: string } };
    const view = await waitForReportEnd(
      async () =>
        ((await (await fetch(`${stack.apiUrl}/v1/reports/${request.id}`, { headers })).json()) as { request: ReportView })
          .request,
      { intervalMs: 50 },
    );
    const file = view.batches[0]?.file;
    if (!file) throw new Error(`request ended ${view.status}`);
    const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    const seconds = (Date.now() - started) / 1000;
    return { rows: file.rows, seconds, bytes: bytes.length, seedSeconds };
  } finally {
    await stack.stop();
  }
}

async function main() {
  if (values.writer) return writerRun(values.report as CourseScopedType, Number(values.writer), process.env.BENCH_OUT as string);
  mkdirSync(workDir, { recursive: true });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Course Exhaust benchmark — ${new Date().toISOString().slice(0, 16)}, Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const runs = Number(values.runs);
  const table = [
    '| report | learners | rows | rows/s | CSV MB/s | CSV MB | ZIP MB | peak RSS MB | ours s | ours CPU s | 7-Zip s | ours ÷ 7-Zip |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const type of values.reports.split(',') as CourseScopedType[]) {
    const sizes = (type === 'question-set' ? values['qs-sizes'] : values.sizes).split(',').map(Number);
    for (const size of sizes) {
      const zipPath = join(workDir, `writer-${type}-${size}.zip`);
      // Runs vary on a shared 2-core machine: the median of --runs (peak RSS: the highest).
      const results = [];
      for (let r = 0; r < runs; r += 1) results.push(await childFigures(type, size, zipPath));
      results.sort((a, b) => a.seconds - b.seconds);
      const ours = {
        ...(results[Math.floor(runs / 2)] as (typeof results)[number]),
        peakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
      };
      const csvPath = join(workDir, `writer-${type}-${size}.csv`);
      const { stdout } = await sevenZip(['x', '-so', `-p${PASSWORD}`, zipPath], { maxBuffer: 4 * 1024 ** 3 });
      writeFileSync(csvPath, stdout);
      if (statSync(csvPath).size !== ours.csvBytes) throw new Error('the CSV in the ZIP differs in size from what was written');
      const sevenZipSeconds = await timeSevenZip(csvPath);
      const mb = (n: number) => n / 1024 / 1024;
      table.push(
        `| ${type} | ${size.toLocaleString('en')} | ${ours.rows.toLocaleString('en')} | ${Math.round(ours.rows / ours.seconds).toLocaleString('en')} | ${(mb(ours.csvBytes) / ours.seconds).toFixed(1)} | ${mb(ours.csvBytes).toFixed(1)} | ${mb(ours.bytes).toFixed(1)} | ${ours.peakRssMB.toFixed(0)} | ${ours.seconds.toFixed(2)} | ${ours.cpuSeconds.toFixed(2)} | ${sevenZipSeconds.toFixed(2)} | ${(ours.seconds / sevenZipSeconds).toFixed(2)} |`,
      );
      console.log(table.at(-1));
      rmSync(csvPath, { force: true });
      rmSync(zipPath, { force: true });
      rmSync(`${csvPath}.7z.zip`, { force: true });
    }
  }
  console.log(`\n${table.join('\n')}\n`);
  // What csv-stringify and archiver-zip-encrypted cost alone: the floor under any writer built on them.
  if (values.reports.split(',').includes('course-progress')) {
    const largest = Math.max(...values.sizes.split(',').map(Number));
    await benchInOwnProcess('bench-library-floor.ts', ['--learners', String(Math.min(largest, 1_000_000))]);
  }
  if (!values['no-reads']) {
    const reads = await readsBench(Number(values['read-learners']), Number(values['latency-ms']));
    console.log(`\n${reads.join('\n')}\n`);
  }
  if (!values['no-e2e']) {
    const e2e = await endToEnd(10_000);
    console.log(
      `End to end on the local stack: ${e2e.rows.toLocaleString('en')}-learner batch, POST → SUCCESS → downloaded ` +
        `${(e2e.bytes / 1024).toFixed(0)} KiB ZIP in ${e2e.seconds.toFixed(2)} s (seeding through the ingestion path took ${e2e.seedSeconds.toFixed(1)} s, not counted)`,
    );
  }
  if (!values['no-e2e']) await benchInOwnProcess('bench-learner-stats.ts');
  // The general-stats export: its writer always, end to end unless --no-e2e.
  await benchInOwnProcess('bench-learner-exports.ts', values['no-e2e'] ? ['--no-e2e'] : []);
}

/**
 * A bench that starts its own local stack runs in a process of its own: handlers keep the AWS
 * clients they were loaded with, so a second stack in this process would reach the first one's
 * stopped emulators.
 */
function benchInOwnProcess(script: string, args: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, new URL(script, import.meta.url).pathname, ...args], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

await main();
if (!values.writer && !values['no-e2e']) await benchInOwnProcess('bench-course-reports.ts');
