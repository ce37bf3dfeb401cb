import '../infra/local/quiet-defaults.ts';

import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs, promisify } from 'node:util';
import { outlineCourse } from '#shared/domain/course-structure';
import { CourseRecordSchema, type LearnerBundle } from '#shared/domain/records';
import { streamExhaustZip } from '#shared/exhaust/write-exhaust';
import { courseProgressReport } from '#shared/reports/course-progress';
import { exhaustRows } from '#shared/usecases/run-exhaust';
import { PROJECT_ROOT } from '../infra/paths.ts';

/**
 * `npm run bench`: prints figures, asserts nothing.
 *  1. The course progress exhaust writer (learners → rows → CSV → AES-256 ZIP → file) for
 *     N = 10k, 100k, 1M synthetic enrolments, each in its own process so peak RSS is its own.
 *  2. 7-Zip (`7z a -tzip -mem=AES256 -mx=5 -mmt=1`) on the very CSV the writer produced.
 *  3. A 10k-learner batch end to end on the local stack: POST → SUCCESS → downloaded file.
 * Options: --sizes 10000,100000 (default 10000,100000,1000000), --no-e2e.
 * 7-Zip comes from Debian's p7zip-full; the benchmark installs nothing itself.
 */
const run = promisify(execFile);
const PASSWORD = 'Bench2026pw';
const workDir = resolve(PROJECT_ROOT, '.bench');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    e2e: { type: 'boolean', default: true },
    'no-e2e': { type: 'boolean', default: false },
    writer: { type: 'string' },
  },
});

/** 5 modules (two nested) and 5 assessments, as the issue asks. */
const course = CourseRecordSchema.parse({
  kind: 'course',
  org: 'org-bench',
  courseId: 'do_bench_course',
  name: 'Benchmark course',
  creatorId: 'creator',
  children: [1, 2, 3].map((m) => ({
    type: 'module',
    id: `m${m}`,
    name: `Module ${m}`,
    children: [
      { type: 'content', id: `c${m}a`, name: `Content ${m}a` },
      { type: 'content', id: `c${m}b`, name: `Content ${m}b` },
      ...(m < 3
        ? [
            {
              type: 'module',
              id: `m${m}x`,
              name: `Module ${m} deep dive`,
              children: [{ type: 'content', id: `c${m}x`, name: 'Deep' }],
            },
          ]
        : []),
      { type: 'assessment', id: `a${m}`, name: `Assessment ${m}`, maxScore: 10 },
      ...(m < 3 ? [{ type: 'assessment', id: `a${m}b`, name: `Assessment ${m}b`, maxScore: 20 }] : []),
    ],
  })),
});
const batch = {
  kind: 'batch' as const,
  org: 'org-bench',
  courseId: course.courseId,
  batchId: '0130934495109531234',
  name: 'Bench batch',
  startDate: '2026-01-01T00:00:00.000Z',
  creatorId: 'creator',
  mentors: [],
};

/** Pages of 100 learners, as the repository's Query + BatchGet pages would arrive. */
function* syntheticLearnerPages(count: number): Generator<LearnerBundle[]> {
  let page: LearnerBundle[] = [];
  const outline = outlineCourse(course);
  const leaves = [...outline.leafIds];
  const states = ['Karnataka', 'Maharashtra', 'Uttar Pradesh', 'Tamil Nadu', 'Kerala'];
  for (let i = 0; i < count; i += 1) {
    const userId = `user-${String(i).padStart(8, '0')}`;
    page.push({
      enrolment: {
        kind: 'enrolment',
        courseId: course.courseId,
        batchId: batch.batchId,
        userId,
        enrolledAt: '2026-02-01T10:00:00.000Z',
        completedAt: i % 4 === 0 ? '2026-03-01T10:00:00.000Z' : undefined,
        completedContentIds: leaves.filter((_, l) => (i + l) % 3 !== 0),
        certificates: i % 4 === 0 ? [{ id: `cert-${i}`, issuedAt: '2026-03-02T00:00:00.000Z' }] : [],
      },
      attempts: outline.assessments.map((a, k) => ({
        kind: 'attempt' as const,
        courseId: course.courseId,
        batchId: batch.batchId,
        userId,
        assessmentId: a.id,
        attemptId: `t${i}-${k}`,
        attemptedAt: '2026-02-10T10:00:00.000Z',
        score: (i * 7 + k) % (a.maxScore + 1),
        responses: [],
      })),
      profile: {
        kind: 'user',
        org: 'org-bench',
        userId,
        name: `Learner ${i}`,
        state: states[i % states.length],
        district: `District ${i % 40}`,
        orgName: 'Department of School Education',
        schoolId: String(29_000_000_000 + i),
        schoolName: `Government Higher Primary School ${i % 1000}`,
        block: `Block ${i % 30}`,
        cluster: `Cluster ${i % 300}`,
        userType: 'teacher',
        userSubType: 'primary',
        board: 'State Board',
      },
    });
    if (page.length === 100) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** Child mode: one writer run, figures as JSON on stdout. */
async function writerRun(count: number, out: string) {
  const context = { outline: outlineCourse(course), batch };
  const started = process.hrtime.bigint();
  const { zip, stats } = streamExhaustZip({
    entryName: 'course-progress.csv',
    header: courseProgressReport.columns(context.outline),
    idColumns: courseProgressReport.idColumns,
    rowBatches: exhaustRows(courseProgressReport, context, syntheticLearnerPages(count)),
    password: PASSWORD,
  });
  await pipeline(zip, createWriteStream(out));
  const figures = await stats;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ ...figures, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function timeSevenZip(csvPath: string): Promise<number> {
  const out = `${csvPath}.7z.zip`;
  rmSync(out, { force: true });
  const started = process.hrtime.bigint();
  await run('7z', ['a', '-tzip', '-mem=AES256', '-mx=5', '-mmt=1', `-p${PASSWORD}`, out, csvPath]);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function childFigures(count: number, out: string) {
  return new Promise<{ rows: number; csvBytes: number; bytes: number; seconds: number; peakRssMB: number }>((ok, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, '--writer', String(count)], {
      env: { ...process.env, BENCH_OUT: out },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(text)) : fail(new Error(`writer run exited ${code}`))));
  });
}

async function endToEnd(learners: number) {
  const { startLocalStack } = await import('../infra/local/local-stack.ts');
  const { seedDemoData } = await import('../infra/local/seed.ts');
  const { DynamoRecordsRepository } = await import('#shared/adapters/dynamo-records-repository');
  const { issueLocalToken } = await import('../infra/local/dev-auth.ts');
  const { DEMO } = await import('../infra/local/demo-data.ts');
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
    let view: { status: string; batches: { file?: { url: string; rows: number } }[] };
    do {
      await new Promise((r) => setTimeout(r, 50));
      view = ((await (await fetch(`${stack.apiUrl}/v1/reports/${request.id}`, { headers })).json()) as { request: typeof view })
        .request;
    } while (['SUBMITTED', 'PROCESSING'].includes(view.status));
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
  if (values.writer) return writerRun(Number(values.writer), process.env.BENCH_OUT as string);
  await run('7z', ['i']).catch(() => {
    throw new Error('7-Zip is needed for the comparison: apt-get install p7zip-full');
  });
  mkdirSync(workDir, { recursive: true });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Course Exhaust benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}\n`,
  );
  const table = [
    '| learners | rows/s | CSV MB/s | CSV MB | ZIP MB | peak RSS MB | ours s | 7-Zip s | ours ÷ 7-Zip |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const size of values.sizes.split(',').map(Number)) {
    const zipPath = join(workDir, `writer-${size}.zip`);
    const ours = await childFigures(size, zipPath);
    const csvPath = join(workDir, `writer-${size}.csv`);
    const { stdout } = await run('7z', ['x', '-so', `-p${PASSWORD}`, zipPath], { encoding: 'buffer', maxBuffer: 4 * 1024 ** 3 });
    writeFileSync(csvPath, stdout);
    if (statSync(csvPath).size !== ours.csvBytes) throw new Error('the CSV in the ZIP differs in size from what was written');
    const sevenZip = await timeSevenZip(csvPath);
    const mb = (n: number) => n / 1024 / 1024;
    table.push(
      `| ${size.toLocaleString('en')} | ${Math.round(ours.rows / ours.seconds).toLocaleString('en')} | ${(mb(ours.csvBytes) / ours.seconds).toFixed(1)} | ${mb(ours.csvBytes).toFixed(1)} | ${mb(ours.bytes).toFixed(1)} | ${ours.peakRssMB.toFixed(0)} | ${ours.seconds.toFixed(2)} | ${sevenZip.toFixed(2)} | ${(ours.seconds / sevenZip).toFixed(2)} |`,
    );
    console.log(table.at(-1));
    rmSync(csvPath, { force: true });
  }
  console.log(`\n${table.join('\n')}\n`);
  if (values.e2e && !values['no-e2e']) {
    const e2e = await endToEnd(10_000);
    console.log(
      `End to end on the local stack: ${e2e.rows.toLocaleString('en')}-learner batch, POST → SUCCESS → downloaded ` +
        `${(e2e.bytes / 1024).toFixed(0)} KiB ZIP in ${e2e.seconds.toFixed(2)} s (seeding through the ingestion path took ${e2e.seedSeconds.toFixed(1)} s, not counted)`,
    );
  }
}

await main();
