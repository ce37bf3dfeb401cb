import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { ingestRecords, MAX_RECORDS_PER_CALL, ReferenceCache } from '#shared/usecases/ingest-records';

/**
 * Demo records for the learner statistics (360Learning-style), in their own organisation so the
 * course exhaust demo stays as it is: an owner, a platform admin, groups with a coach, an
 * administrator, a user administrator and an author, learners with managers, courses (one a
 * duplicate), a program session, a path, attempts, answers, assessments, certificates, posts,
 * reactions and likes. Times are relative to `now`, so certificate statuses and 90-day windows
 * read the same whenever it is seeded. Raw input for the ingestion path, validated like any other.
 */
export const ACADEMY = {
  org: 'org-academy',
  owner: 'owner-olga',
  platformAdmin: 'admin-priya',
  coach: 'coach-chen',
  groupAdmin: 'groupadmin-gita',
  userAdmin: 'useradmin-uma',
  author: 'author-amit',
  groups: { sales: 'grp-sales', support: 'grp-support', ops: 'grp-ops' },
  /** Learners: sales (coached by coach-chen) get odd numbers, support even; learner-09 is in ops only. */
  learners: Array.from({ length: 9 }, (_, i) => `learner-${String(i + 1).padStart(2, '0')}`),
  deleted: 'learner-gone',
  courses: { onboarding: 'crs-onboarding', safety: 'crs-safety', safetyCopy: 'crs-safety-copy', sql: 'crs-sql' },
  program: 'prg-leadership',
  programSession: 'ps-leadership-2026',
  path: 'path-compliance',
  pathSession: 'pths-compliance-q1',
} as const;

const FIRST = ['Anaya', 'Bruno', 'Chiara', 'Dmitri', 'Élodie', 'Farah', 'Goran', 'Hana', 'Ivo'];
const LAST = ['Sharma', 'Okafor', 'Rossi', 'Ivanov', 'Dubois', 'Haddad', 'Novak', 'Sato', 'Horvat'];

export function learnerDemoRecords(now: Date): Record<string, unknown>[] {
  const day = (n: number, minute = 0) => new Date(now.getTime() + n * 86_400_000 + minute * 60_000).toISOString();
  const { org } = ACADEMY;
  const records: Record<string, unknown>[] = [];
  const user = (userId: string, firstName: string, lastName: string, extra: Record<string, unknown> = {}) =>
    records.push({
      kind: 'user',
      org,
      userId,
      name: `${firstName} ${lastName}`,
      firstName,
      lastName,
      email: `${userId}@academy.example`,
      registration: { createdAt: day(-400), method: 'platform-creator' },
      ...extra,
    });
  user(ACADEMY.owner, 'Olga', 'Berg');
  user(ACADEMY.platformAdmin, 'Priya', 'Nair', { title: 'Learning admin' });
  user(ACADEMY.coach, 'Chen', 'Wei', { title: 'Sales coach' });
  user(ACADEMY.groupAdmin, 'Gita', 'Rao');
  user(ACADEMY.userAdmin, 'Uma', 'Singh');
  user(ACADEMY.author, 'Amit', 'Kumar', { title: 'Instructional designer' });
  for (const [i, id] of ACADEMY.learners.entries()) {
    user(id, FIRST[i] as string, LAST[i] as string, {
      registration: {
        createdAt: day(-300 + i),
        // learner-09 came through the API: the registrations export names the owner as inviter.
        method: i === 8 ? 'api' : i % 2 ? 'invited' : 'sso',
        ...(i % 2 ? { invitedBy: ACADEMY.coach } : {}),
      },
      ...(i === 4 ? { autoDeletionAt: day(90) } : {}),
      // Fields some users lack, and one a spreadsheet would run as a formula: exports keep it inert.
      customFields: {
        department: i % 2 ? 'Sales' : 'Support',
        region: i % 3 ? 'EMEA' : 'APAC',
        ...(i % 4 === 0 ? { 'Cost centre': i === 4 ? '=SUM(A1:A9)' : `CC-${i}` } : {}),
      },
    });
  }
  user(ACADEMY.deleted, 'Zed', 'Former', { deletedAt: day(-10), autoDeletionAt: day(20) });

  records.push({
    kind: 'organisation',
    org,
    name: 'Academy Inc.',
    ownerId: ACADEMY.owner,
    platformAdminIds: [ACADEMY.platformAdmin],
  });
  for (const [key, groupId] of Object.entries(ACADEMY.groups)) records.push({ kind: 'group', org, groupId, name: `Team ${key}` });
  const member = (groupId: string, userId: string, role: string) =>
    records.push({ kind: 'membership', org, groupId, userId, role });
  member(ACADEMY.groups.sales, ACADEMY.coach, 'coach');
  member(ACADEMY.groups.support, ACADEMY.groupAdmin, 'administrator');
  member(ACADEMY.groups.support, ACADEMY.userAdmin, 'user-administrator');
  member(ACADEMY.groups.support, ACADEMY.author, 'author');
  ACADEMY.learners.forEach((id, i) => {
    if (i === 8) member(ACADEMY.groups.ops, id, 'learner');
    else member(i % 2 === 0 ? ACADEMY.groups.sales : ACADEMY.groups.support, id, 'learner');
  });
  member(ACADEMY.groups.sales, ACADEMY.deleted, 'learner');

  // Priya manages Chen and learner-01; Chen manages learner-01 and learner-03: learner-01 reports
  // to Chen, not directly to Priya.
  const manages = (managerId: string, userId: string) => records.push({ kind: 'manager', org, managerId, userId });
  manages(ACADEMY.platformAdmin, ACADEMY.coach);
  manages(ACADEMY.platformAdmin, 'learner-01');
  manages(ACADEMY.coach, 'learner-01');
  manages(ACADEMY.coach, 'learner-03');
  manages(ACADEMY.groupAdmin, 'learner-02');
  // learner-02 is in support: a coach of sales exporting Chen's direct reports must not see them.
  manages(ACADEMY.coach, 'learner-02');

  const course = (courseId: string, name: string, extra: Record<string, unknown> = {}) =>
    records.push({
      kind: 'course',
      org,
      courseId,
      name,
      creatorId: ACADEMY.author,
      publishedAt: day(-200),
      children: [{ type: 'content', id: `${courseId}-intro`, name: 'Introduction' }],
      ...extra,
    });
  course(ACADEMY.courses.onboarding, 'Onboarding essentials');
  course(ACADEMY.courses.safety, 'Workplace safety');
  course(ACADEMY.courses.safetyCopy, 'Workplace safety (EMEA)', { duplicateOf: ACADEMY.courses.safety });
  course(ACADEMY.courses.sql, 'SQL for analysts', { creatorId: ACADEMY.groupAdmin, publishedAt: undefined });

  records.push(
    { kind: 'program', org, programId: ACADEMY.program, name: 'Leadership program', createdAt: day(-120) },
    {
      kind: 'program-session',
      org,
      programId: ACADEMY.program,
      sessionId: ACADEMY.programSession,
      name: 'Leadership 2026',
      createdAt: day(-100),
      startsAt: day(-90),
      endsAt: day(60),
      blocks: [
        { name: 'Foundations', courseIds: [ACADEMY.courses.onboarding] },
        { name: 'Practice', courseIds: [ACADEMY.courses.safety] },
      ],
      assignedGroupIds: [ACADEMY.groups.sales],
      assignedUserIds: ['learner-02'],
    },
    { kind: 'path', org, pathId: ACADEMY.path, name: 'Compliance path' },
    {
      kind: 'path-session',
      org,
      pathId: ACADEMY.path,
      sessionId: ACADEMY.pathSession,
      name: 'Compliance Q1',
      assignedGroupIds: [ACADEMY.groups.sales],
    },
  );

  const courseIds = Object.values(ACADEMY.courses);
  const tags = ['safety', 'sales', 'sql', 'leadership'];
  ACADEMY.learners.forEach((userId, i) => {
    const attempts = 1 + (i % 4);
    for (let a = 0; a < attempts; a += 1) {
      const courseId = courseIds[(i + a) % courseIds.length] as string;
      const inProgram = userId === 'learner-01' || userId === 'learner-02' || userId === 'learner-03';
      const started = -150 + i * 7 + a * 20;
      records.push({
        kind: 'course-attempt',
        org,
        attemptId: `att-${userId}-${a}`,
        userId,
        courseId,
        ...(inProgram && (courseId === ACADEMY.courses.onboarding || courseId === ACADEMY.courses.safety)
          ? { programSessionId: ACADEMY.programSession }
          : {}),
        startedAt: day(started),
        lastActivityAt: day(started + 3, 30),
        timeSpentSeconds: 600 + i * 120 + a * 45,
        score: (i * 13 + a * 29) % 101,
        progress: a === attempts - 1 ? 100 : 40 + a * 10,
        language: a % 2 ? 'fr' : 'en',
        ...(a === attempts - 1 ? { completedAt: day(started + 3, 30) } : {}),
      });
    }
    if (userId === 'learner-01') {
      // A second, later try at the same course in the same program session: only its time counts
      // in the general stats' total time spent.
      records.push({
        kind: 'course-attempt',
        org,
        attemptId: `att-${userId}-retry`,
        userId,
        courseId: ACADEMY.courses.onboarding,
        programSessionId: ACADEMY.programSession,
        startedAt: day(-40),
        lastActivityAt: day(-39),
        timeSpentSeconds: 1_234,
        score: 88,
        progress: 100,
        language: 'en',
        completedAt: day(-39),
      });
    }
    for (let q = 0; q < 4 + i; q += 1) {
      records.push({
        kind: 'answer',
        org,
        answerId: `ans-${userId}-${q}`,
        userId,
        courseId: courseIds[q % courseIds.length],
        // Questions repeat: every answer counts in the averages.
        questionId: `q-${q % 3}`,
        question: `Question ${q % 3}`,
        score: (q * 37 + i * 11) % 101,
        answeredAt: day(-60 + q, i),
        tags: [tags[q % tags.length], ...(q % 3 === 0 ? ['leadership'] : [])],
      });
    }
    records.push({
      kind: 'assessment-result',
      org,
      resultId: `res-${userId}`,
      userId,
      name: 'Quarterly check',
      score: 50 + i * 5,
      assessedAt: day(-30),
      tags: [tags[i % tags.length]],
    });
  });

  const certificate = (userId: string, id: string, extra: Record<string, unknown>) =>
    records.push({ kind: 'certificate', org, certificateId: id, userId, name: `Certificate ${id}`, ...extra });
  certificate('learner-01', 'cert-valid', {
    pathId: ACADEMY.path,
    pathSessionId: ACADEMY.pathSession,
    deliveredAt: day(-40),
    expiresAt: day(300),
  });
  certificate('learner-01', 'cert-soon', { pathId: ACADEMY.path, deliveredAt: day(-300), expiresAt: day(10) });
  certificate('learner-01', 'cert-expired', { programId: ACADEMY.program, deliveredAt: day(-500), expiresAt: day(-5) });
  certificate('learner-01', 'cert-forever', { programId: ACADEMY.program, deliveredAt: day(-20) });

  const post = (postId: string, authorId: string, place: string, placeId: string, type: string, at: number, replyTo?: string) =>
    records.push({
      kind: 'post',
      org,
      postId,
      authorId,
      place,
      placeId,
      type,
      postedAt: day(at),
      ...(replyTo ? { replyToPostId: replyTo } : {}),
    });
  post('post-1', 'learner-01', 'group-newsfeed', ACADEMY.groups.sales, 'publication', -20);
  post('post-2', 'learner-03', 'group-newsfeed', ACADEMY.groups.sales, 'reply', -19, 'post-1');
  post('post-3', 'learner-01', 'group-newsfeed', ACADEMY.groups.sales, 'reply', -18, 'post-2');
  post('post-4', 'learner-03', 'group-newsfeed', ACADEMY.groups.sales, 'reply', -17, 'post-3');
  post('post-5', 'learner-05', 'group-newsfeed', ACADEMY.groups.sales, 'correction', -16, 'post-1');
  post('post-6', 'learner-05', 'group-newsfeed', ACADEMY.groups.sales, 'reply', -200, 'post-1');
  post('post-7', 'learner-02', 'course-forum', ACADEMY.courses.safety, 'publication', -12);
  post('post-8', 'learner-04', 'course-forum', ACADEMY.courses.safetyCopy, 'publication', -11);
  post('post-9', 'learner-01', 'profile', 'learner-01', 'publication', -10);
  post('post-10', 'learner-07', 'profile', 'learner-01', 'reply', -9, 'post-9');
  const like = (likeId: string, userId: string, postId: string, at: number) =>
    records.push({ kind: 'like', org, likeId, userId, postId, likedAt: day(at) });
  like('like-1', 'learner-03', 'post-1', -15);
  like('like-2', 'learner-05', 'post-1', -14);
  like('like-3', 'learner-07', 'post-3', -13);
  like('like-4', 'learner-07', 'post-9', -8);
  like('like-5', 'learner-01', 'post-1', -7);
  const reaction = (reactionId: string, userId: string, courseId: string, score: number, at: number) =>
    records.push({ kind: 'reaction', org, reactionId, userId, courseId, score, reactedAt: day(at) });
  reaction('rx-1', 'learner-02', ACADEMY.courses.safety, 80, -5);
  reaction('rx-2', 'learner-04', ACADEMY.courses.safetyCopy, 60, -6);
  reaction('rx-3', 'learner-06', ACADEMY.courses.onboarding, 100, -150);
  records.push({
    kind: 'attendance',
    org,
    attendanceId: 'att-class-1',
    userId: 'learner-01',
    classroomId: 'class-leadership-1',
    programSessionId: ACADEMY.programSession,
    at: day(-25),
    present: true,
    durationSeconds: 5400,
  });
  return records;
}

/** Seeds records through the same validated ingestion use case the API uses, a call per 1000. */
export async function ingestThroughUseCase(tableName: string, records: readonly unknown[]): Promise<void> {
  const deps = {
    records: new DynamoRecordsRepository(tableName),
    learners: new SnapshotLearnerRecords(tableName),
  };
  const cache = new ReferenceCache();
  for (let i = 0; i < records.length; i += MAX_RECORDS_PER_CALL) {
    await ingestRecords(records.slice(i, i + MAX_RECORDS_PER_CALL), deps, { cache, positionOffset: i });
  }
}

export async function seedLearnerDemo(tableName: string, now = new Date()): Promise<number> {
  const records = learnerDemoRecords(now);
  await ingestThroughUseCase(tableName, records);
  return records.length;
}
