import '../infra/local/quiet-defaults.ts';

import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { ingestRecords, MAX_RECORDS_PER_CALL, ReferenceCache } from '#shared/usecases/ingest-records';
import { issueLocalToken } from '../infra/local/dev-auth.ts';
import { startLocalStack } from '../infra/local/local-stack.ts';

/**
 * The course reports API on the local stack (prints figures, asserts nothing): for courses of
 * 1,000 and 10,000 enrolments with 20 exercises, 20 calls of each endpoint, p50 and p95 latency,
 * response bytes and the status (200 inline, 303 when the result went to S3 for being over the
 * 6 MB cap), and the peak RSS of the process that runs the handlers (sampled during the calls; it
 * also hosts s3rver and the local API, while dynalite runs in its own process). CPU per call is
 * shown for both processes: when dynalite's is near the latency, the emulator, not the handler, sets it.
 * Run alone with `npm run bench:course-reports [-- --sizes 10000 --calls 5]`; `npm run bench` runs
 * it last with the defaults (1,000 and 10,000 enrolments, 20 calls).
 */
const ORG = 'org-bench';
const EXERCISES = 20;
const CALLS = 20;
const SIZES = [1_000, 10_000];

function courseRecords(courseId: string, enrolments: number): unknown[] {
  const iso = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  const records: unknown[] = [
    {
      kind: 'course',
      org: ORG,
      courseId,
      name: `Bench course of ${enrolments}`,
      creatorId: 'bench-creator',
      children: Array.from({ length: EXERCISES / 2 }, (_, m) => ({
        type: 'module',
        id: `${courseId}-m${m}`,
        name: `Module ${m + 1}`,
        children: [
          { type: 'content', id: `${courseId}-lab${m}`, name: `Lab ${m + 1}`, exerciseType: 'exercise' },
          {
            type: 'assessment',
            id: `${courseId}-quiz${m}`,
            name: `Quiz ${m + 1}`,
            maxScore: 10,
            exerciseType: 'question',
          },
        ],
      })),
    },
    {
      kind: 'batch',
      org: ORG,
      courseId,
      batchId: `${courseId}-batch`,
      name: 'Bench batch',
      startDate: iso(0),
      creatorId: 'bench-creator',
    },
  ];
  const exerciseIds = Array.from({ length: EXERCISES / 2 }, (_, m) => [`${courseId}-lab${m}`, `${courseId}-quiz${m}`]).flat();
  for (let i = 0; i < enrolments; i += 1) {
    const userId = `${courseId}-u${i}`;
    records.push({ kind: 'user', org: ORG, userId, name: `Learner ${i}`, email: `learner${i}@bench.example` });
    const start = i * 60_000;
    records.push({
      kind: 'enrolment',
      courseId,
      batchId: `${courseId}-batch`,
      userId,
      enrolledAt: iso(start),
      ...(i % 10 === 0 ? {} : { startedAt: iso(start + 3_600_000) }),
      workspaceId: `ws-${i % 50}`,
      exerciseResults: exerciseIds
        .filter((_, e) => (i + e) % 4 !== 0)
        .map((exerciseId, e) => ({
          exerciseId,
          result: (i + e) % 3 === 0 ? 'failure' : 'success',
          finishedAt: iso(start + (e + 2) * 3_600_000 + 123),
        })),
    });
    for (let s = 0; s < 2; s += 1) {
      const at = Date.UTC(2026, 0, 1) + start + (s + 1) * 86_400_000;
      records.push({
        kind: 'session',
        courseId,
        batchId: `${courseId}-batch`,
        userId,
        startedAt: new Date(at).toISOString(),
        endedAt: new Date(at + 1_800_000 + 250).toISOString(),
      });
    }
  }
  return records;
}

/**
 * CPU milliseconds used so far by the dynalite child of this process (Linux /proc; undefined
 * elsewhere): the emulator's share of a call, which the handler process's own figure leaves out.
 */
function dynaliteCpuMs(): number | undefined {
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dynalite-child')) continue;
      // utime and stime, in clock ticks (100 per second on Linux).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    }
  } catch {
    // No /proc (macOS, Windows) or the child is gone: the column reads n/a.
  }
  return undefined;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function benchCourseReports(sizes = SIZES, calls = CALLS): Promise<void> {
  // Throttling would only measure the token bucket: the bench gets a bucket it cannot empty.
  const stack = await startLocalStack({ envOverrides: { API_KEY_BURST: '1000000', API_KEY_RATE_PER_SECOND: '1000' } });
  try {
    const repository = new DynamoRecordsRepository(stack.env.RECORDS_TABLE as string);
    const admin = await issueLocalToken({ sub: 'bench-admin', org: ORG, scope: API_KEYS_SCOPE });
    const created = await fetch(`${stack.apiUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'bench' }),
    });
    const { authorization } = (await created.json()) as { authorization: string };
    const table = [
      '| enrolments | endpoint | status | p50 ms | p95 ms | our CPU ms/call | dynalite CPU ms/call | response bytes | peak RSS MB |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    console.log(`\nCourse reports API on the local stack (${EXERCISES} exercises, ${calls} calls each)`);
    for (const size of sizes) {
      const courseId = `bench-${size}`;
      const all = courseRecords(courseId, size);
      const seedStart = Date.now();
      const cache = new ReferenceCache();
      for (let i = 0; i < all.length; i += MAX_RECORDS_PER_CALL) {
        await ingestRecords(all.slice(i, i + MAX_RECORDS_PER_CALL), { records: repository }, { cache, positionOffset: i });
      }
      console.log(
        `  seeded ${all.length.toLocaleString('en')} records in ${((Date.now() - seedStart) / 1000).toFixed(1)} s (not counted)`,
      );
      const base = `${stack.apiUrl}/api/v1/ondemand-courses/${courseId}/reports`;
      const endpoints = [
        { name: 'enrollments json', url: `${base}/enrollments`, method: 'GET' },
        { name: 'enrollments csv', url: `${base}/enrollments?output=csv`, method: 'GET' },
        { name: 'exercises json', url: `${base}/exercises`, method: 'GET' },
        { name: 'exercises csv', url: `${base}/exercises?output=csv`, method: 'GET' },
        { name: 'user-activity json', url: `${base}/user-activity`, method: 'POST' },
      ];
      for (const endpoint of endpoints) {
        const times: number[] = [];
        let bytes = 0;
        let status = 0;
        let peakRss = process.memoryUsage().rss;
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }, 10);
        // CPU of this process (handlers, local API, s3rver) per call, against wall time: the rest is dynalite's.
        const cpuBefore = process.cpuUsage();
        const dynaliteBefore = dynaliteCpuMs();
        for (let c = 0; c < calls; c += 1) {
          const started = process.hrtime.bigint();
          const response = await fetch(endpoint.url, {
            method: endpoint.method,
            redirect: 'manual',
            headers: { authorization, 'content-type': 'application/json' },
            ...(endpoint.method === 'POST'
              ? { body: JSON.stringify({ from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }) }
              : {}),
          });
          const body = Buffer.from(await response.arrayBuffer());
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
          status = response.status;
          // A 303's own body is a few bytes: the size that matters is the stored result's.
          bytes =
            status === 303 ? (await (await fetch(response.headers.get('location') ?? '')).arrayBuffer()).byteLength : body.length;
        }
        clearInterval(sampler);
        const cpu = process.cpuUsage(cpuBefore);
        const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / calls;
        const dynaliteAfter = dynaliteCpuMs();
        const dynaliteMsPerCall =
          dynaliteBefore === undefined || dynaliteAfter === undefined
            ? 'n/a'
            : ((dynaliteAfter - dynaliteBefore) / calls).toFixed(0);
        times.sort((a, b) => a - b);
        table.push(
          `| ${size.toLocaleString('en')} | ${endpoint.name} | ${status} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 95).toFixed(0)} | ${cpuMsPerCall.toFixed(0)} | ${dynaliteMsPerCall} | ${bytes.toLocaleString('en')} | ${(peakRss / 1024 / 1024).toFixed(0)} |`,
        );
        console.log(table.at(-1));
      }
    }
    console.log(`\n${table.join('\n')}\n`);
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, calls: { type: 'string' } } });
  await benchCourseReports(values.sizes ? values.sizes.split(',').map(Number) : SIZES, Number(values.calls ?? CALLS));
}
