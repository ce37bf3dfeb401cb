import '../infra/local/quiet-defaults.ts';

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { issueLocalToken } from '../infra/local/dev-auth.ts';
import { ingestThroughUseCase } from '../infra/local/learner-demo-data.ts';
import { startLocalStack } from '../infra/local/local-stack.ts';

/**
 * Learner statistics reads on the local stack (part of `npm run bench`; alone:
 * `npx tsx scripts/bench-learner-stats.ts`). Prints figures, asserts nothing.
 *  - GET /v1/users/{userId}/statistics for a user with 200 course attempts and 2,000 answers;
 *  - GET /v1/users for an org of 10,000 users: the owner (every row), page after page, and a coach
 *    of a 200-member group.
 * Each read runs RUNS times after WARMUP runs; p50 and p95 in milliseconds, and the median CPU time
 * of this process per call (it runs the handlers and the HTTP client; dynalite runs apart), a
 * figure a shared machine's load disturbs less than wall time. Records are seeded through the
 * ingestion use case, one call of 1000 after another, at the pace dynalite takes.
 * Options when run alone: `--users N --attempts N --answers N --runs N`.
 */
const ORG = 'org-bench';
const OWNER = 'bench-owner';
const COACH = 'bench-coach';
const HEAVY = 'bench-heavy';
const WARMUP = 3;
const RUNS = 30;

export interface LearnerStatsBenchOptions {
  users?: number;
  attempts?: number;
  answers?: number;
  runs?: number;
}

function benchRecords({ users = 10_000, attempts = 200, answers = 2_000 }: LearnerStatsBenchOptions) {
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
  const records: Record<string, unknown>[] = [];
  const userIds = [OWNER, COACH, HEAVY];
  for (let i = userIds.length; i < users; i += 1) userIds.push(`bu-${String(i).padStart(5, '0')}`);
  for (const [i, userId] of userIds.entries()) {
    records.push({
      kind: 'user',
      org: ORG,
      userId,
      name: `User ${i}`,
      firstName: `First${(i * 7919) % 1000}`,
      lastName: `Last${(i * 104_729) % 5000}`,
      email: `${userId}@bench.example`,
      ...(i % 50 === 49 ? { deletedAt: day(300) } : {}),
    });
  }
  records.push({ kind: 'organisation', org: ORG, name: 'Bench org', ownerId: OWNER, platformAdminIds: [] });
  records.push({ kind: 'group', org: ORG, groupId: 'bench-grp', name: 'Bench group' });
  records.push({ kind: 'membership', org: ORG, groupId: 'bench-grp', userId: COACH, role: 'coach' });
  for (const userId of userIds.slice(2, 202))
    records.push({ kind: 'membership', org: ORG, groupId: 'bench-grp', userId, role: 'learner' });
  // Some management: every tenth user of the first 2,000 manages the next nine.
  for (let i = 3; i < Math.min(2_000, users); i += 1) {
    if (i % 10 !== 0) records.push({ kind: 'manager', org: ORG, userId: userIds[i], managerId: userIds[i - (i % 10)] });
  }
  const courseIds = Array.from({ length: 20 }, (_, c) => `bench-course-${c}`);
  for (const courseId of courseIds) {
    records.push({
      kind: 'course',
      org: ORG,
      courseId,
      name: `Course ${courseId}`,
      creatorId: OWNER,
      publishedAt: day(0),
      children: [{ type: 'content', id: `${courseId}-c`, name: 'Content' }],
    });
  }
  records.push({ kind: 'program', org: ORG, programId: 'bench-prg', name: 'Bench program', createdAt: day(1) });
  records.push({
    kind: 'program-session',
    org: ORG,
    programId: 'bench-prg',
    sessionId: 'bench-ps',
    name: 'Bench session',
    createdAt: day(2),
    blocks: [{ name: 'All', courseIds: courseIds.slice(0, 5) }],
    assignedGroupIds: ['bench-grp'],
  });
  for (let a = 0; a < attempts; a += 1) {
    const courseId = courseIds[a % courseIds.length];
    records.push({
      kind: 'course-attempt',
      org: ORG,
      attemptId: `bench-att-${a}`,
      userId: HEAVY,
      courseId,
      ...(a % courseIds.length < 5 ? { programSessionId: 'bench-ps' } : {}),
      startedAt: day(a),
      lastActivityAt: day(a + 1),
      timeSpentSeconds: 300 + a,
      score: a % 101,
      progress: (a * 7) % 101,
      language: a % 3 ? 'en' : 'fr',
      ...(a % 4 === 0 ? { completedAt: day(a + 1) } : {}),
    });
  }
  for (let q = 0; q < answers; q += 1) {
    records.push({
      kind: 'answer',
      org: ORG,
      answerId: `bench-ans-${q}`,
      userId: HEAVY,
      courseId: courseIds[q % courseIds.length],
      questionId: `bench-q-${q % 150}`,
      question: `Question ${q % 150}: which of these is right?`,
      score: (q * 37) % 101,
      answeredAt: new Date(Date.UTC(2026, 0, 1) + q * 3_600_000).toISOString(),
      tags: [`tag-${q % 12}`, `tag-${q % 5}`],
    });
  }
  return records;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

interface Figures {
  p50: number;
  p95: number;
  /** Median CPU ms of this process per call. */
  cpu: number;
  bytes: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function timed(fetchOnce: () => Promise<Response>, runs: number): Promise<Figures> {
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let run = 0; run < WARMUP + runs; run += 1) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const response = await fetchOnce();
    const text = await response.text();
    const elapsed = performance.now() - started;
    const cpuUsed = cpuMs(cpuStart);
    if (response.status !== 200) throw new Error(`answered ${response.status}: ${text.slice(0, 200)}`);
    bytes = text.length;
    if (run >= WARMUP) {
      times.push(elapsed);
      cpu.push(cpuUsed);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), cpu: percentile(cpu, 50), bytes };
}

export async function benchLearnerStats(options: LearnerStatsBenchOptions = {}): Promise<void> {
  const users = options.users ?? 10_000;
  const runs = options.runs ?? RUNS;
  const stack = await startLocalStack();
  try {
    const records = benchRecords(options);
    const seedStart = Date.now();
    await ingestThroughUseCase(stack.env.RECORDS_TABLE as string, records);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const call = async (sub: string, path: string) => {
      const token = await issueLocalToken({ sub, org: ORG });
      return () => fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    };

    const lines = ['| read | p50 ms | p95 ms | CPU ms per call (p50) | response KB |', '| --- | ---: | ---: | ---: | ---: |'];
    const report = (name: string, figures: Figures) => {
      lines.push(
        `| ${name} | ${figures.p50.toFixed(0)} | ${figures.p95.toFixed(0)} | ${figures.cpu.toFixed(0)} | ${figures.bytes ? (figures.bytes / 1024).toFixed(1) : ''} |`,
      );
      console.log(lines.at(-1));
    };
    report(
      `statistics of a user with ${options.attempts ?? 200} attempts, ${options.answers ?? 2_000} answers`,
      await timed(await call(OWNER, `/v1/users/${HEAVY}/statistics`), runs),
    );
    report(
      `users list, owner, ${users.toLocaleString('en')} users, first page (50, by last name)`,
      await timed(await call(OWNER, '/v1/users'), runs),
    );
    report(
      `users list, owner, ${users.toLocaleString('en')} users, first page (50, by e-mail, descending)`,
      await timed(await call(OWNER, '/v1/users?sort=email&order=desc'), runs),
    );

    // Page after page through the whole list, sorted by time spent: each page is its own request.
    const walkToken = await issueLocalToken({ sub: OWNER, org: ORG });
    let cursor: string | null = null;
    let pages = 0;
    const pageTimes: number[] = [];
    const pageCpu: number[] = [];
    do {
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const response = await fetch(
        `${stack.apiUrl}/v1/users?sort=timeSpentSeconds&order=desc&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: { authorization: `Bearer ${walkToken}` } },
      );
      const body = (await response.json()) as { nextCursor: string | null };
      pageTimes.push(performance.now() - started);
      pageCpu.push(cpuMs(cpuStart));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    pageTimes.sort((a, b) => a - b);
    pageCpu.sort((a, b) => a - b);
    report(`users list, owner, every page of 200 by time spent (${pages} pages)`, {
      p50: percentile(pageTimes, 50),
      p95: percentile(pageTimes, 95),
      cpu: percentile(pageCpu, 50),
      bytes: 0,
    });
    report('users list, coach of a 200-member group, first page', await timed(await call(COACH, '/v1/users'), runs));
    console.log(
      `\nLearner statistics on the local stack (${records.length.toLocaleString('en')} records seeded through the ingestion path in ${seedSeconds.toFixed(0)} s, not counted):\n${lines.join('\n')}\n`,
    );
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      attempts: { type: 'string' },
      answers: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  await benchLearnerStats({
    users: number(values.users),
    attempts: number(values.attempts),
    answers: number(values.answers),
    runs: number(values.runs),
  });
}
