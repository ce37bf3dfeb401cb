import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { USER_COLUMNS, type UserRow } from '#shared/domain/users-list';
import { ACADEMY, learnerDemoRecords } from '../../infra/local/learner-demo-data.ts';
import {
  expectedAuthorPublic,
  expectedLearnerPublic,
  expectedStatistics,
  expectedUserColumns,
  expectedUserIds,
} from '../support/expected-learner-stats.ts';
import { type LearnerStatsService, startLearnerStatsService } from '../support/local-service.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

let service: LearnerStatsService;
const now = new Date();
const records = learnerDemoRecords(now) as (Record<string, unknown> & { kind: string })[];

beforeAll(async () => {
  service = await startLearnerStatsService(now);
});
afterAll(async () => service?.stop());

const get = <T = Record<string, unknown>>(path: string, sub: string, org?: string) => service.get<T>(path, sub, org);

interface UsersPage {
  users: UserRow[];
  nextCursor: string | null;
}

async function allUsers(sub: string, query: string): Promise<UserRow[]> {
  const rows: UserRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: UsersPage } = await get<UsersPage>(
      `/v1/users?${query}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      sub,
    );
    expect(page.status).toBe(200);
    expect(page.body.users.length).toBeLessThanOrEqual(4);
    rows.push(...page.body.users);
    cursor = page.body.nextCursor;
  } while (cursor);
  return rows;
}

/** The documented text order: case and accents ignored, then by character code. */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
function inOrder(values: (string | number | null)[], order: 'asc' | 'desc'): boolean {
  return values.every((value, i) => {
    if (i === 0) return true;
    const previous = values[i - 1] ?? null;
    if (value === null) return true;
    if (previous === null) return false;
    const [a, b] = typeof value === 'number' ? [previous as number, value] : [fold(String(previous)), fold(value)];
    const c = a < b ? -1 : a > b ? 1 : 0;
    return order === 'asc' ? c <= 0 : c >= 0;
  });
}

describe('e2e: GET /v1/users', () => {
  it('lists every current user of the org to the owner, with the columns computed from the records', async () => {
    const rows = await allUsers(ACADEMY.owner, 'tab=current');
    expect(rows.map((r) => r.userId).sort()).toEqual(expectedUserIds(records, 'current'));
    for (const row of rows) {
      const user = records.find((r) => r.kind === 'user' && r.userId === row.userId);
      expect(row).toMatchObject({ firstName: user?.firstName, lastName: user?.lastName, email: user?.email });
      expect(row).toMatchObject(expectedUserColumns(records, row.userId));
    }
    // Priya manages Chen and learner-01, and Chen manages learner-01: one direct report.
    expect(rows.find((r) => r.userId === ACADEMY.platformAdmin)?.directReports).toBe(1);
  });

  it.each(USER_COLUMNS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => ({ sort, order }))))(
    'pages by $sort $order without repeating or skipping anyone',
    async ({ sort, order }) => {
      const rows = await allUsers(ACADEMY.platformAdmin, `sort=${sort}&order=${order}`);
      const ids = rows.map((r) => r.userId);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(expectedUserIds(records, 'current'));
      expect(
        inOrder(
          rows.map((r) => r[sort]),
          order,
        ),
      ).toBe(true);
    },
  );

  it('shows a coach only the users of the groups they coach', async () => {
    const rows = await allUsers(ACADEMY.coach, 'tab=current');
    expect(rows.map((r) => r.userId).sort()).toEqual(expectedUserIds(records, 'current', [ACADEMY.groups.sales]));
    expect(rows.map((r) => r.userId)).not.toContain('learner-02');
  });

  it('shows deleted users on the deleted tab only', async () => {
    const deleted = await allUsers(ACADEMY.owner, 'tab=deleted');
    expect(deleted.map((r) => r.userId)).toEqual(expectedUserIds(records, 'deleted'));
    expect(deleted[0]?.deletedAt).toBeTruthy();
    expect((await allUsers(ACADEMY.groupAdmin, 'tab=deleted')).map((r) => r.userId)).toEqual([]);
  });

  it('shows a plain learner nobody, and refuses a bad sort or cursor with 400', async () => {
    expect(await allUsers('learner-03', 'tab=current')).toEqual([]);
    expect((await get('/v1/users?sort=salary', ACADEMY.owner)).status).toBe(400);
    expect((await get('/v1/users?cursor=bogus', ACADEMY.owner)).status).toBe(400);
    const first = await get<UsersPage>('/v1/users?sort=email&limit=2', ACADEMY.owner);
    const mismatch = await get(`/v1/users?sort=lastName&limit=2&cursor=${first.body.nextCursor}`, ACADEMY.owner);
    expect(mismatch.status).toBe(400);
  });
});

describe('e2e: GET /v1/users/{userId}/statistics', () => {
  type Stats = {
    statistics: {
      groups: { groupId: string }[];
      answeredQuestionCount: number;
      averageAnswerScore: number | null;
      totalTrainingTimeSeconds: number;
      postedMessages: Record<string, number>;
      certificates: { certificateId: string; status: string; pathName: string | null }[];
      playedCourses: { courseId: string; attempts: number; timeSpentSeconds: number }[];
      answeredQuestions: { questionId: string; answerCount: number; answers: unknown[] }[];
      programSessions: { sessionId: string; courses: { courseId: string; attemptDetails: unknown[] }[] }[];
      tags: { tag: string; answers: number; assessments: number; trainingScore: number | null }[];
    };
  };

  it.each(['learner-01', 'learner-02', 'learner-07'])('answers what the records of %s say', async (userId) => {
    const { status, body } = await get<Stats>(`/v1/users/${userId}/statistics`, ACADEMY.owner);
    expect(status).toBe(200);
    const s = body.statistics;
    const expected = expectedStatistics(records, userId, now);
    expect(s.groups.map((g) => g.groupId).sort()).toEqual(expected.groups);
    expect(s.answeredQuestionCount).toBe(expected.answeredQuestionCount);
    expect(s.averageAnswerScore).toBe(expected.averageAnswerScore);
    expect(s.totalTrainingTimeSeconds).toBe(expected.totalTrainingTimeSeconds);
    expect(s.postedMessages).toEqual(expected.postedMessages);
    expect(
      s.certificates.map((c) => ({ certificateId: c.certificateId, status: c.status, hasPathName: c.pathName !== null })),
    ).toEqual(expected.certificates);
    expect(
      s.playedCourses
        .map((c) => ({ courseId: c.courseId, attempts: c.attempts, timeSpentSeconds: c.timeSpentSeconds }))
        .sort((a, b) => a.courseId.localeCompare(b.courseId)),
    ).toEqual(expected.playedCourses);
    expect(s.answeredQuestions.map((q) => q.questionId).sort()).toEqual(expected.questionIds);
    expect(s.answeredQuestions.reduce((n, q) => n + q.answerCount, 0)).toBe(expected.answeredQuestionCount);
    expect(
      s.tags.map((t) => ({ tag: t.tag, answers: t.answers, assessments: t.assessments, trainingScore: t.trainingScore })),
    ).toEqual(expected.tags);
  });

  it("shows learner-01's program session, assigned through the coach's group, with its attempts", async () => {
    const { body } = await get<Stats>('/v1/users/learner-01/statistics', 'learner-01');
    const [session] = body.statistics.programSessions;
    expect(session?.sessionId).toBe(ACADEMY.programSession);
    const inSession = records.filter(
      (r) => r.kind === 'course-attempt' && r.userId === 'learner-01' && r.programSessionId === ACADEMY.programSession,
    );
    expect(session?.courses.reduce((n, c) => n + c.attemptDetails.length, 0)).toBe(inSession.length);
    expect(body.statistics.certificates.map((c) => c.status)).toEqual(['Valid', 'Valid', 'Expiring soon', 'Expired']);
  });

  it('is readable by the user, their coach, their group administrators, the owner and platform admins', async () => {
    expect((await get('/v1/users/learner-01/statistics', 'learner-01')).status).toBe(200);
    expect((await get('/v1/users/learner-01/statistics', ACADEMY.coach)).status).toBe(200);
    expect((await get('/v1/users/learner-02/statistics', ACADEMY.groupAdmin)).status).toBe(200);
    expect((await get('/v1/users/learner-02/statistics', ACADEMY.platformAdmin)).status).toBe(200);
    expect((await get('/v1/users/learner-gone/statistics', ACADEMY.owner)).status).toBe(200);
  });

  it('is refused (403) to a coach for a user outside their groups, and to another learner', async () => {
    expect((await get('/v1/users/learner-02/statistics', ACADEMY.coach)).status).toBe(403);
    expect((await get('/v1/users/learner-09/statistics', ACADEMY.coach)).status).toBe(403);
    expect((await get('/v1/users/learner-01/statistics', 'learner-03')).status).toBe(403);
    // An author of the support group oversees nobody.
    expect((await get('/v1/users/learner-02/statistics', ACADEMY.author)).status).toBe(403);
  });

  it('is not found (404) across organisations or for no such user', async () => {
    expect((await get('/v1/users/learner-01/statistics', 'someone', 'org-other')).status).toBe(404);
    expect((await get('/v1/users/learner-01/public-statistics', 'someone', 'org-other')).status).toBe(404);
    expect((await get('/v1/users/nobody/statistics', ACADEMY.owner)).status).toBe(404);
  });
});

describe('e2e: GET /v1/users/{userId}/public-statistics', () => {
  it.each(['learner-01', 'learner-03', ACADEMY.userAdmin, ACADEMY.coach, ACADEMY.platformAdmin])(
    'shows the learner side for %s, computed from the records',
    async (userId) => {
      const { status, body } = await get<{ statistics: Record<string, unknown> }>(
        `/v1/users/${userId}/public-statistics`,
        'learner-09',
      );
      expect(status).toBe(200);
      expect(body.statistics).toMatchObject(expectedLearnerPublic(records, userId, now));
    },
  );

  it.each([ACADEMY.author, ACADEMY.groupAdmin, ACADEMY.owner])(
    'shows the author side for %s, computed from the records',
    async (userId) => {
      const { status, body } = await get<{ statistics: Record<string, unknown> }>(
        `/v1/users/${userId}/public-statistics`,
        'learner-09',
      );
      expect(status).toBe(200);
      expect(body.statistics).toMatchObject(expectedAuthorPublic(records, userId, now));
    },
  );

  it("counts the duplicate's views for the original's main author", async () => {
    const { body } = await get<{ statistics: { courseViews: number } }>(
      `/v1/users/${ACADEMY.author}/public-statistics`,
      ACADEMY.owner,
    );
    const viewsWithoutCopy = expectedAuthorPublic(
      records.filter((r) => r.courseId !== ACADEMY.courses.safetyCopy && r.placeId !== ACADEMY.courses.safetyCopy),
      ACADEMY.author,
      now,
    ).courseViews;
    expect(body.statistics.courseViews).toBeGreaterThan(viewsWithoutCopy);
  });
});
