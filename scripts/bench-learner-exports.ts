import '../infra/local/quiet-defaults.ts';

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ExportRecordsRepository } from '#shared/domain/learner-ports';
import type { ProgramSessionView } from '#shared/domain/learner-stats';
import { EXPORT_PART, type ExportActivity, emptyActivity, NO_FILTERS } from '#shared/domain/org-exports';
import type { ReportRequest } from '#shared/domain/report-request';
import type { UserRow } from '#shared/domain/users-list';
import { streamExhaustZip } from '#shared/report-files/write-exhaust';
import { loadOrgExport, orgExportRows } from '#shared/usecases/workflow-steps/org-export-job';
import { issueLocalToken } from '../infra/local/dev-auth.ts';
import { ingestThroughUseCase } from '../infra/local/learner-demo-data.ts';
import { startLocalStack } from '../infra/local/local-stack.ts';
import { WRITER_NODE_OPTIONS } from '../infra/writer-sizing.ts';

/**
 * The general-stats export (part of `npm run bench`; alone: `npx tsx scripts/bench-learner-exports.ts`).
 * Prints figures, asserts nothing.
 *  1. The writer for an org of N users with 20 groups and 5 custom fields: the real scope, columns
 *     and rows (shared/usecases/workflow-steps/org-export-job.ts) → csv-stringify → AES-256 ZIP → file,
 *     over an in-memory records repository (no DynamoDB), each size in its own process with the
 *     writer functions' heap limit, for rows/s and peak RSS.
 *  2. End to end on the local stack for 10,000 users seeded through the ingestion path:
 *     POST /v1/reports → SUCCESS → downloaded ZIP.
 * Options: --sizes 10000,100000, --e2e-users 10000, --no-e2e, --data-dir DIR (keeps the local
 * stack's tables there; a later run with the same DIR and user count skips the seeding and only
 * times the export again).
 */
const ORG = 'org-exports-bench';
const OWNER = 'xb-owner';
const GROUPS = 20;
const FIELDS = ['Business unit', 'Cost centre', 'Country', 'Hire year', 'Level'];
const PASSWORD = 'Bench2026pw';
const SESSION = 'xb-session';
const COURSES = ['xb-course-0', 'xb-course-1', 'xb-course-2'];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    'e2e-users': { type: 'string', default: '10000' },
    'no-e2e': { type: 'boolean', default: false },
    writer: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

const userId = (i: number) => (i === 0 ? OWNER : `xb-${String(i).padStart(6, '0')}`);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
const groupOf = (i: number) => `xb-group-${i % GROUPS}`;

/** One synthetic user as the export reads them: 5 custom fields, a group, a manager, three attempts (one retried in a session), a post. */
function activityOf(i: number): ExportActivity {
  const id = userId(i);
  return {
    ...emptyActivity({
      kind: 'user',
      org: ORG,
      userId: id,
      name: `User ${i}`,
      firstName: `First${(i * 7919) % 1000}`,
      lastName: `Last${(i * 104_729) % 5000}`,
      email: `${id}@bench.example`,
      customFields: Object.fromEntries(FIELDS.map((f, k) => [f, `${f.slice(0, 3)}-${(i + k) % 97}`])),
    }),
    memberships: [{ org: ORG, groupId: groupOf(i), userId: id, role: 'learner' }],
    managerIds: i > 10 && i % 10 !== 0 ? [userId(i - (i % 10))] : [],
    attempts: COURSES.map((courseId, a) => ({
      kind: 'course-attempt' as const,
      org: ORG,
      attemptId: `xb-att-${i}-${a}`,
      userId: id,
      courseId: a === 2 ? (COURSES[0] as string) : courseId,
      programSessionId: SESSION,
      startedAt: day(a * 10),
      lastActivityAt: day(a * 10 + 1),
      timeSpentSeconds: 600 + ((i * 31 + a) % 900),
      score: (i * 13 + a * 29) % 101,
      progress: a === 2 ? 100 : 60,
      language: 'en',
    })),
  };
}

/** The records an export reads, generated on demand: only the users list is held, as the real scope holds it. */
function inMemoryRecords(users: number): ExportRecordsRepository {
  const session: ProgramSessionView = {
    sessionId: SESSION,
    programId: 'xb-program',
    name: 'Session',
    createdAt: day(0),
    courseIds: COURSES,
  };
  const unused = () => Promise.reject(new Error('not used by the export'));
  return {
    getOrganisation: async (org) => ({ org, name: 'Bench', ownerId: OWNER, platformAdminIds: [] }),
    getMemberships: async () => [],
    orgGroups: async () => Array.from({ length: GROUPS }, (_, g) => ({ groupId: `xb-group-${g}`, name: `Group ${g}` })),
    customFieldNames: async () => FIELDS,
    userRows: async (): Promise<UserRow[]> =>
      Array.from({ length: users }, (_, i) => ({
        userId: userId(i),
        firstName: null,
        lastName: null,
        email: `${userId(i)}@bench.example`,
        timeSpentSeconds: 0,
        lastActivityAt: null,
        directReports: 0,
        deletedAt: null,
      })),
    exportActivities: async (ids) => new Map(ids.map((id) => [id, activityOf(id === OWNER ? 0 : Number(id.slice(3)))])),
    groupSessionIds: async () => [SESSION],
    groupPathSessionIds: async () => [],
    getProgramSessions: async () => [session],
    reportsOf: async (ids) => new Map(ids.map((id) => [id, []])),
    groupMembers: unused,
    getEntities: unused,
    getUserActivity: unused,
    putLearnerRecords: unused,
    authoredCourses: unused,
    courseEvents: unused,
  };
}

/** Child mode: one writer run over N users, figures as JSON on stdout. */
async function writerRun(users: number, out: string) {
  const at = new Date().toISOString();
  const request: ReportRequest = {
    id: 'bench',
    org: ORG,
    type: 'general-stats',
    batchIds: [EXPORT_PART],
    requestedBy: OWNER,
    status: 'PROCESSING',
    dedupeKey: 'bench',
    createdAt: at,
    updatedAt: at,
    batches: {},
    export: NO_FILTERS,
  };
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const job = await loadOrgExport(request, inMemoryRecords(users));
  const { zip, stats } = streamExhaustZip({ entryName: 'general-stats.csv', password: PASSWORD, ...orgExportRows(job) });
  await pipeline(zip, createWriteStream(out));
  const figures = await stats;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    JSON.stringify({
      ...figures,
      columns: orgExportRows(job).header.length,
      seconds,
      // The machine is shared: CPU time says what the writer costs, whatever else is running.
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function childFigures(users: number) {
  return new Promise<{
    rows: number;
    csvBytes: number;
    bytes: number;
    columns: number;
    seconds: number;
    cpuSeconds: number;
    peakRssMB: number;
  }>((ok, fail) => {
    const args = [WRITER_NODE_OPTIONS, ...process.execArgv, new URL(import.meta.url).pathname, '--writer', String(users)];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, BENCH_OUT: '/dev/null' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(text)) : fail(new Error(`writer run exited ${code}`))));
  });
}

/** The same org as raw records for the ingestion path: users, groups, memberships, managers, a program session, attempts. */
function seedRecords(users: number): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < users; i += 1) {
    const { profile } = activityOf(i);
    records.push({ ...profile });
  }
  records.push({ kind: 'organisation', org: ORG, name: 'Bench', ownerId: OWNER, platformAdminIds: [] });
  for (let g = 0; g < GROUPS; g += 1) records.push({ kind: 'group', org: ORG, groupId: `xb-group-${g}`, name: `Group ${g}` });
  for (const courseId of COURSES) {
    records.push({
      kind: 'course',
      org: ORG,
      courseId,
      name: courseId,
      creatorId: OWNER,
      children: [{ type: 'content', id: `${courseId}-c`, name: 'Content' }],
    });
  }
  records.push({ kind: 'program', org: ORG, programId: 'xb-program', name: 'Program', createdAt: day(0) });
  records.push({
    kind: 'program-session',
    org: ORG,
    programId: 'xb-program',
    sessionId: SESSION,
    name: 'Session',
    createdAt: day(0),
    blocks: [{ name: 'All', courseIds: COURSES }],
    assignedGroupIds: Array.from({ length: GROUPS }, (_, g) => `xb-group-${g}`),
  });
  for (let i = 0; i < users; i += 1) {
    const activity = activityOf(i);
    for (const m of activity.memberships) records.push({ kind: 'membership', ...m });
    for (const managerId of activity.managerIds) records.push({ kind: 'manager', org: ORG, userId: userId(i), managerId });
    for (const attempt of activity.attempts) records.push({ ...attempt });
  }
  return records;
}

/**
 * CPU seconds used so far by this process and its child processes (dynalite runs in one): the
 * machine is shared, so CPU time says what the export costs whatever else is running. Linux only
 * (/proc); elsewhere the children count as 0.
 */
function cpuSecondsWithChildren(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
        // Fields 14 and 15 (utime, stime) after the ')' that ends the command name, in clock ticks of 1/100 s.
        const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(')')[1] ?? '').trim().split(' ');
        children += (Number(fields[11]) + Number(fields[12])) / 100;
      }
    }
  } catch {
    // Not Linux: own CPU only.
  }
  return (own.user + own.system) / 1e6 + children;
}

async function endToEnd(users: number, dataDir: string | undefined) {
  const stack = await startLocalStack({ dataDir });
  try {
    const records = seedRecords(users);
    const seeded = dataDir && join(dataDir, `bench-learner-exports-${users}.seeded`);
    let seedSeconds = 0;
    let seedCpuSeconds = 0;
    if (!seeded || !existsSync(seeded)) {
      const seedStart = Date.now();
      const seedCpuBefore = cpuSecondsWithChildren();
      await ingestThroughUseCase(stack.env.RECORDS_TABLE as string, records);
      seedSeconds = (Date.now() - seedStart) / 1000;
      seedCpuSeconds = cpuSecondsWithChildren() - seedCpuBefore;
      if (seeded) writeFileSync(seeded, `${new Date().toISOString()} ${seedSeconds} s ${seedCpuSeconds} CPU s\n`);
    }
    const token = await issueLocalToken({ sub: OWNER, org: ORG });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = performance.now();
    const cpuBefore = cpuSecondsWithChildren();
    const submitted = await fetch(`${stack.apiUrl}/v1/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'general-stats', password: PASSWORD }),
    });
    const { request } = (await submitted.json()) as { request: { id: string } };
    let body: { status: string; error?: string; batches: { file?: { url: string; rows: number } }[] };
    do {
      await new Promise((r) => setTimeout(r, 100));
      body = ((await (await fetch(`${stack.apiUrl}/v1/reports/${request.id}`, { headers })).json()) as { request: typeof body })
        .request;
    } while (body.status === 'SUBMITTED' || body.status === 'PROCESSING');
    if (body.status !== 'SUCCESS') throw new Error(`export ended ${body.status}: ${body.error}`);
    const file = body.batches[0]?.file;
    const bytes = (await (await fetch(file?.url as string)).arrayBuffer()).byteLength;
    const cpuSeconds = cpuSecondsWithChildren() - cpuBefore;
    return {
      seconds: (performance.now() - started) / 1000,
      cpuSeconds,
      // The 1-minute load average as the export ends: how busy the shared machine was meanwhile.
      load: loadavg()[0] ?? 0,
      rows: file?.rows ?? 0,
      bytes,
      seedSeconds,
      seedCpuSeconds,
      records: records.length,
    };
  } finally {
    await stack.stop();
  }
}

export async function benchLearnerExports(): Promise<void> {
  const lines = [
    `| general-stats writer, ${GROUPS} groups, ${FIELDS.length} custom fields | users | columns | rows/s | rows per CPU-s | CSV MB | ZIP MB | peak RSS MB | s | CPU s |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const users of values.sizes.split(',').map(Number)) {
    const f = await childFigures(users);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    lines.push(
      `| in-memory records → CSV → AES-256 ZIP | ${users.toLocaleString('en')} | ${f.columns} | ${Math.round(f.rows / f.seconds).toLocaleString('en')} | ${Math.round(f.rows / f.cpuSeconds).toLocaleString('en')} | ${mb(f.csvBytes)} | ${mb(f.bytes)} | ${f.peakRssMB.toFixed(0)} | ${f.seconds.toFixed(2)} | ${f.cpuSeconds.toFixed(2)} |`,
    );
    console.log(lines.at(-1));
  }
  console.log(`\n${lines.join('\n')}\n`);
  if (values['no-e2e']) return;
  const e2e = await endToEnd(Number(values['e2e-users']), values['data-dir']);
  console.log(
    `general-stats end to end on the local stack: ${e2e.rows.toLocaleString('en')} users, POST → SUCCESS → downloaded ` +
      `${(e2e.bytes / 1024).toFixed(0)} KiB ZIP in ${e2e.seconds.toFixed(2)} s, ${e2e.cpuSeconds.toFixed(2)} CPU s with dynalite's, load average ${e2e.load.toFixed(1)} (target < 10 s; ${e2e.records.toLocaleString('en')} records ${e2e.seedSeconds > 0 ? `seeded through the ingestion path in ${e2e.seedSeconds.toFixed(0)} s, ${e2e.seedCpuSeconds.toFixed(0)} CPU s` : 'already in the data folder'}, not counted)\n`,
  );
}

if (values.writer) await writerRun(Number(values.writer), process.env.BENCH_OUT as string);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchLearnerExports();
