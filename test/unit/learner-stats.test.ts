import { describe, expect, it } from 'vitest';
import {
  type Answer,
  authorPublicStatistics,
  type CourseAttempt,
  type CourseEvent,
  certificateStatus,
  directReports,
  learnerPublicStatistics,
  type Membership,
  publicStatisticsSide,
  type ReceivedInteraction,
  type UserActivity,
  userStatistics,
} from '#shared/domain/learner-stats';

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

function activity(parts: Partial<UserActivity> = {}): UserActivity {
  return {
    profile: { kind: 'user', org: 'org-1', userId: 'u1', name: 'U One' },
    memberships: [],
    attempts: [],
    answers: [],
    assessments: [],
    certificates: [],
    posts: [],
    received: [],
    ...parts,
  };
}

const attempt = (id: string, extra: Partial<CourseAttempt> = {}): CourseAttempt => ({
  kind: 'course-attempt',
  org: 'org-1',
  attemptId: id,
  userId: 'u1',
  courseId: 'c1',
  startedAt: at(-DAY),
  lastActivityAt: at(-DAY),
  timeSpentSeconds: 100,
  progress: 50,
  language: 'en',
  ...extra,
});

const answer = (id: string, questionId: string, score: number, tags: string[] = []): Answer => ({
  kind: 'answer',
  org: 'org-1',
  answerId: id,
  userId: 'u1',
  courseId: 'c1',
  questionId,
  question: `Question ${questionId}`,
  score,
  answeredAt: at(-DAY + Number(id.replace(/\D/g, '')) * 1000),
  tags,
});

const noNames = { groups: new Map(), courses: new Map(), programs: new Map(), paths: new Map(), pathSessions: new Map() };

describe('rule: certificate status', () => {
  it('is Expiring soon exactly 30 days before expiry, Valid a millisecond earlier', () => {
    const expiresAt = at(30 * DAY);
    expect(certificateStatus(expiresAt, NOW)).toBe('Expiring soon');
    expect(certificateStatus(expiresAt, new Date(NOW.getTime() - 1))).toBe('Valid');
  });

  it('is Expired at the expiry instant, Expiring soon a millisecond before', () => {
    const expiresAt = NOW.toISOString();
    expect(certificateStatus(expiresAt, NOW)).toBe('Expired');
    expect(certificateStatus(expiresAt, new Date(NOW.getTime() - 1))).toBe('Expiring soon');
    expect(certificateStatus(at(-DAY), NOW)).toBe('Expired');
  });

  it('is Valid when the certificate never expires', () => {
    expect(certificateStatus(undefined, NOW)).toBe('Valid');
  });
});

describe('rule: every answer counts in the averages', () => {
  it('averages all answers, repeats included, overall, per question and per tag', () => {
    const stats = userStatistics(
      activity({
        answers: [
          answer('a1', 'q1', 0, ['t']),
          answer('a2', 'q1', 50, ['t']),
          answer('a3', 'q1', 100, ['t']),
          answer('a4', 'q2', 100),
        ],
      }),
      [],
      noNames,
      NOW,
    );
    expect(stats.answeredQuestionCount).toBe(4);
    // (0 + 50 + 100 + 100) / 4, not the mean of per-question bests or of question means.
    expect(stats.averageAnswerScore).toBe(62.5);
    const q1 = stats.answeredQuestions.find((q) => q.questionId === 'q1');
    expect(q1).toMatchObject({ score: 50, answerCount: 3 });
    expect(q1?.answers.map((a) => a.answerId)).toEqual(['a3', 'a2', 'a1']);
    expect(stats.tags).toEqual([
      { tag: 't', trainingScore: 50, assessmentScore: null, averageScore: 50, answers: 3, assessments: 0 },
    ]);
  });

  it('averages the training and assessment scores of a tag', () => {
    const stats = userStatistics(
      activity({
        answers: [answer('a1', 'q1', 40, ['t']), answer('a2', 'q1', 60, ['t'])],
        assessments: [
          {
            kind: 'assessment-result',
            org: 'org-1',
            resultId: 'r1',
            userId: 'u1',
            name: 'A',
            score: 90,
            assessedAt: at(-DAY),
            tags: ['t'],
          },
        ],
      }),
      [],
      noNames,
      NOW,
    );
    expect(stats.tags[0]).toEqual({
      tag: 't',
      trainingScore: 50,
      assessmentScore: 90,
      averageScore: 70,
      answers: 2,
      assessments: 1,
    });
  });
});

describe('rule: direct reports', () => {
  const graph = (edges: [string, string][]) => (manager: string) => edges.filter(([m]) => m === manager).map(([, u]) => u);

  it('excludes users also managed by one of the manager’s own reports', () => {
    // A manages B and C; B manages C: C reports through B.
    expect(
      directReports(
        'A',
        graph([
          ['A', 'B'],
          ['A', 'C'],
          ['B', 'C'],
        ]),
      ),
    ).toEqual(['B']);
  });

  it('never counts reports of reports, and counts a user with two unrelated managers for both', () => {
    const reportsOf = graph([
      ['A', 'B'],
      ['B', 'D'],
      ['A', 'E'],
      ['F', 'E'],
    ]);
    expect(directReports('A', reportsOf)).toEqual(['B', 'E']);
    expect(directReports('F', reportsOf)).toEqual(['E']);
    expect(directReports('B', reportsOf)).toEqual(['D']);
  });
});

describe('rule: the 90-day windows', () => {
  const edge = -90 * DAY;
  const received = (id: string, ms: number, extra: Partial<ReceivedInteraction> = {}): ReceivedInteraction => ({
    type: 'like',
    id,
    at: at(ms),
    fromUserId: 'u2',
    place: 'group-newsfeed',
    receivingPostType: 'publication',
    ...extra,
  });

  it('count events exactly 90 days old and up to now, not a millisecond older nor later', () => {
    const stats = learnerPublicStatistics(
      activity({
        attempts: [
          attempt('in-edge', { completedAt: at(edge), lastActivityAt: at(edge), timeSpentSeconds: 1 }),
          attempt('now', { completedAt: at(0), lastActivityAt: at(0), timeSpentSeconds: 10 }),
          attempt('too-old', { completedAt: at(edge - 1), lastActivityAt: at(edge - 1), timeSpentSeconds: 100 }),
          attempt('future', { completedAt: at(1), lastActivityAt: at(1), timeSpentSeconds: 1000 }),
        ],
        received: [received('l1', edge), received('l2', 0), received('l3', edge - 1), received('l4', 1)],
      }),
      NOW,
    );
    expect(stats).toMatchObject({ completedCourses: 2, likesReceived: 2, totalTrainingTimeSeconds: 11 });
  });

  it('count a course completed twice as 2', () => {
    const stats = learnerPublicStatistics(
      activity({ attempts: [attempt('x', { completedAt: at(-DAY) }), attempt('y', { completedAt: at(-2 * DAY) })] }),
      NOW,
    );
    expect(stats.completedCourses).toBe(2);
  });

  it('count comments on publications only: responses to their own responses, self-replies and other places are out', () => {
    const stats = learnerPublicStatistics(
      activity({
        received: [
          received('c1', -DAY, { type: 'comment' }),
          received('c2', -DAY, { type: 'comment', receivingPostType: 'reply' }),
          received('c3', -DAY, { type: 'comment', fromUserId: 'u1' }),
          received('c4', -DAY, { type: 'comment', place: 'profile' }),
          received('c5', -DAY, { type: 'comment', place: 'course-forum' }),
          received('c6', -DAY, { type: 'comment', place: 'path-forum' }),
          received('l1', -DAY, { receivingPostType: 'reply' }),
          received('l2', -DAY, { place: 'session-newsfeed' }),
        ],
      }),
      NOW,
    );
    expect(stats).toMatchObject({ commentsReceived: 3, likesReceived: 1 });
  });

  it('bound the author side the same way, on the author’s courses only', () => {
    const events: CourseEvent[] = [
      { type: 'attempt', courseId: 'c1', at: at(edge), userId: 'u2' },
      { type: 'attempt', courseId: 'c1', at: at(edge - 1), userId: 'u2' },
      { type: 'attempt', courseId: 'c1', at: at(0), userId: 'u2' },
      { type: 'attempt', courseId: 'other', at: at(0), userId: 'u2' },
      { type: 'comment', courseId: 'c1', at: at(-DAY), userId: 'u2' },
      { type: 'comment', courseId: 'c1', at: at(-DAY), userId: 'author' },
      { type: 'reaction', courseId: 'c1', at: at(edge), userId: 'u2', score: 40 },
      { type: 'reaction', courseId: 'c1', at: at(-DAY), userId: 'u3', score: 80 },
      { type: 'reaction', courseId: 'c1', at: at(edge - 1), userId: 'u3', score: 0 },
    ];
    const stats = authorPublicStatistics('author', [{ courseId: 'c1', publishedAt: at(-DAY) }, { courseId: 'c2' }], events, NOW);
    expect(stats).toMatchObject({ courseViews: 2, commentsReceived: 1, averageReactionScore: 60, publishedCourses: 1 });
  });
});

describe('rule: public statistics role split', () => {
  const org = { ownerId: 'owner', platformAdminIds: ['admin'] };
  const member = (role: Membership['role']): Membership[] => [{ org: 'org-1', groupId: 'g1', userId: 'u1', role }];

  it('puts administrators and authors on the author side, user administrators on the learner side', () => {
    expect(publicStatisticsSide('u1', member('administrator'), org)).toBe('author');
    expect(publicStatisticsSide('u1', member('author'), org)).toBe('author');
    expect(publicStatisticsSide('u1', member('user-administrator'), org)).toBe('learner');
    expect(publicStatisticsSide('u1', member('coach'), org)).toBe('learner');
    expect(publicStatisticsSide('u1', member('learner'), org)).toBe('learner');
  });

  it('puts the owner on the author side without any group, a platform admin without one on the learner side', () => {
    expect(publicStatisticsSide('owner', [], org)).toBe('author');
    expect(publicStatisticsSide('admin', [], org)).toBe('learner');
  });

  it('needs only one author-side group among others', () => {
    expect(
      publicStatisticsSide('u1', [...member('learner'), { org: 'org-1', groupId: 'g2', userId: 'u1', role: 'author' }], org),
    ).toBe('author');
  });
});

describe('statistics page', () => {
  it('sorts certificates by delivery date and leaves path names empty for program certificates', () => {
    const cert = (id: string, deliveredAt: string, extra = {}) => ({
      kind: 'certificate' as const,
      org: 'org-1',
      certificateId: id,
      userId: 'u1',
      name: id,
      deliveredAt,
      ...extra,
    });
    const stats = userStatistics(
      activity({
        certificates: [
          cert('old', at(-10 * DAY), { pathId: 'p1', pathSessionId: 's1', expiresAt: at(5 * DAY) }),
          cert('new', at(-DAY), { programId: 'pr1' }),
        ],
      }),
      [],
      { ...noNames, paths: new Map([['p1', 'Path one']]), pathSessions: new Map([['s1', 'Session one']]) },
      NOW,
    );
    expect(stats.certificates.map((c) => [c.certificateId, c.pathName, c.pathSessionName, c.status])).toEqual([
      ['new', null, null, 'Valid'],
      ['old', 'Path one', 'Session one', 'Expiring soon'],
    ]);
  });

  it('rolls a program session up from its courses, unplayed courses counting 0 progress', () => {
    const stats = userStatistics(
      activity({
        attempts: [
          attempt('a1', { programSessionId: 's1', progress: 100, score: 80, timeSpentSeconds: 60 }),
          attempt('a2', { programSessionId: 's1', progress: 40, score: 60, timeSpentSeconds: 30, startedAt: at(-2 * DAY) }),
          attempt('a3', { courseId: 'c3', progress: 10 }),
        ],
      }),
      [{ sessionId: 's1', programId: 'p', name: 'S1', createdAt: at(-30 * DAY), courseIds: ['c1', 'c2'] }],
      noNames,
      NOW,
    );
    const [session] = stats.programSessions;
    expect(session).toMatchObject({ progress: 50, score: 80, timeSpentSeconds: 90 });
    expect(session?.courses[0]).toMatchObject({ courseId: 'c1', progress: 100, score: 80, attempts: 2 });
    expect(session?.courses[1]).toMatchObject({ courseId: 'c2', progress: 0, attempts: 0 });
    expect(stats.playedCourses.map((c) => c.courseId)).toEqual(['c1', 'c3']);
    expect(stats.totalTrainingTimeSeconds).toBe(190);
  });
});
