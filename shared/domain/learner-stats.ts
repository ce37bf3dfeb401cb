import type { GroupRole, LearnerRecordOf, LearnerUserRecord, PostPlace } from './learner-records.ts';

/**
 * The rules of the learner statistics, free of storage: certificate status, direct reports, the
 * 90-day windows, who sees whom, and the role split of the public statistics. Times come in as
 * arguments (an injected clock upstream), never from `new Date()` here.
 */

const DAY_MS = 86_400_000;
export const EXPIRING_SOON_DAYS = 30;
export const PUBLIC_WINDOW_DAYS = 90;

export type CertificateStatus = 'Valid' | 'Expiring soon' | 'Expired';

/**
 * Expired from the expiry instant on; Expiring soon when it expires within the next 30 days
 * (exactly 30 days before expiry included); Valid otherwise, and always when it never expires.
 */
export function certificateStatus(expiresAt: string | undefined, now: Date): CertificateStatus {
  if (expiresAt === undefined) return 'Valid';
  const left = new Date(expiresAt).getTime() - now.getTime();
  if (left <= 0) return 'Expired';
  if (left <= EXPIRING_SOON_DAYS * DAY_MS) return 'Expiring soon';
  return 'Valid';
}

/** The last 90 days: from exactly 90 days before `now` up to `now`, both included. */
export function lastDays(now: Date, days = PUBLIC_WINDOW_DAYS): { from: string; to: string } {
  return { from: new Date(now.getTime() - days * DAY_MS).toISOString(), to: now.toISOString() };
}

export function inWindow(at: string | undefined, window: { from: string; to: string }): boolean {
  return at !== undefined && at >= window.from && at <= window.to;
}

/**
 * Direct reports of a manager: users whose manager they are, except users also managed by one of
 * their own reports (those report through that person, not directly).
 * `managersOf` answers a user's managers; `reportsOf` a manager's reports (both as stored).
 */
export function directReports(managerId: string, reportsOf: (managerId: string) => readonly string[]): string[] {
  const reports = reportsOf(managerId).filter((u) => u !== managerId);
  const managedByManagees = new Set(reports.flatMap((m) => reportsOf(m)));
  return reports.filter((u) => !managedByManagees.has(u));
}

/** Roles that let a group member see the other members' statistics. */
export const OVERSEEING_ROLES: ReadonlySet<GroupRole> = new Set(['coach', 'administrator', 'user-administrator']);

/**
 * Roles that put a user on the author side of the public statistics. A user administrator manages
 * accounts, not content: not an administrator here.
 */
export const AUTHOR_SIDE_ROLES: ReadonlySet<GroupRole> = new Set(['administrator', 'author']);

export interface Membership {
  org: string;
  groupId: string;
  userId: string;
  role: GroupRole;
}

export interface OrganisationView {
  ownerId: string;
  platformAdminIds: readonly string[];
}

export function seesEveryone(userId: string, organisation: OrganisationView | undefined): boolean {
  return organisation !== undefined && (organisation.ownerId === userId || organisation.platformAdminIds.includes(userId));
}

/** The groups whose members `memberships` (one user's) let that user oversee. */
export function overseenGroups(memberships: readonly Membership[]): string[] {
  return memberships.filter((m) => OVERSEEING_ROLES.has(m.role)).map((m) => m.groupId);
}

export type PublicStatisticsSide = 'author' | 'learner';

export function publicStatisticsSide(
  userId: string,
  memberships: readonly Membership[],
  organisation: OrganisationView | undefined,
): PublicStatisticsSide {
  if (organisation?.ownerId === userId) return 'author';
  return memberships.some((m) => AUTHOR_SIDE_ROLES.has(m.role)) ? 'author' : 'learner';
}

// ---------------------------------------------------------------------------------------------
// Statistics page

export type CourseAttempt = LearnerRecordOf<'course-attempt'>;
export type Answer = LearnerRecordOf<'answer'>;
export type AssessmentResult = LearnerRecordOf<'assessment-result'>;
export type Certificate = LearnerRecordOf<'certificate'>;
export type Post = LearnerRecordOf<'post'>;

/** A reply or like someone else left on one of the user's posts (stored on the receiver's side). */
export interface ReceivedInteraction {
  type: 'comment' | 'like';
  id: string;
  at: string;
  fromUserId: string;
  /** Where the post that received it lives. */
  place: PostPlace;
  /** The type of the user's post that received it. */
  receivingPostType: Post['type'];
}

export interface ProgramSessionView {
  sessionId: string;
  programId: string;
  name: string;
  createdAt: string;
  endsAt?: string | undefined;
  courseIds: string[];
}

export interface UserActivity {
  profile: LearnerUserRecord;
  memberships: Membership[];
  attempts: CourseAttempt[];
  answers: Answer[];
  assessments: AssessmentResult[];
  certificates: Certificate[];
  posts: Post[];
  received: ReceivedInteraction[];
}

export interface Names {
  groups: ReadonlyMap<string, string>;
  courses: ReadonlyMap<string, string>;
  programs: ReadonlyMap<string, string>;
  paths: ReadonlyMap<string, string>;
  pathSessions: ReadonlyMap<string, string>;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
export function average(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return round1(values.reduce((sum, v) => sum + v, 0) / values.length);
}
const latest = (values: readonly (string | undefined)[]): string | null =>
  values.reduce<string | null>((max, v) => (v !== undefined && (max === null || v > max) ? v : max), null);
const byDesc = (a: string | null, b: string | null) => (b ?? '').localeCompare(a ?? '');

function courseSummary(courseId: string, attempts: readonly CourseAttempt[], names: Names) {
  const scores = attempts.flatMap((a) => (a.score === undefined ? [] : [a.score]));
  return {
    courseId,
    name: names.courses.get(courseId) ?? null,
    /** Best progress and best score over the attempts. */
    progress: attempts.length === 0 ? 0 : Math.max(...attempts.map((a) => a.progress)),
    score: scores.length === 0 ? null : Math.max(...scores),
    attempts: attempts.length,
    timeSpentSeconds: attempts.reduce((sum, a) => sum + a.timeSpentSeconds, 0),
    lastActivityAt: latest(attempts.map((a) => a.lastActivityAt)),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Everything the statistics page shows about one user. */
export function userStatistics(activity: UserActivity, sessions: readonly ProgramSessionView[], names: Names, now: Date) {
  const { profile } = activity;
  const answerScores = activity.answers.map((a) => a.score);

  const certificates = [...activity.certificates]
    .sort((a, b) => b.deliveredAt.localeCompare(a.deliveredAt) || a.certificateId.localeCompare(b.certificateId))
    .map((c) => ({
      certificateId: c.certificateId,
      name: c.name,
      // Both empty when the certificate was obtained in a program.
      pathName: c.pathId && !c.programId ? (names.paths.get(c.pathId) ?? null) : null,
      pathSessionName: c.pathSessionId && !c.programId ? (names.pathSessions.get(c.pathSessionId) ?? null) : null,
      programName: c.programId ? (names.programs.get(c.programId) ?? null) : null,
      status: certificateStatus(c.expiresAt, now),
      deliveredAt: c.deliveredAt,
      expiresAt: c.expiresAt ?? null,
    }));

  const attemptsBySession = groupBy(
    activity.attempts.filter((a) => a.programSessionId),
    (a) => a.programSessionId as string,
  );
  const programSessions = [...sessions]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.sessionId.localeCompare(b.sessionId))
    .map((session) => {
      const inSession = attemptsBySession.get(session.sessionId) ?? [];
      const byCourse = groupBy(inSession, (a) => a.courseId);
      const courses = session.courseIds.map((courseId) => {
        const attempts = [...(byCourse.get(courseId) ?? [])].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
        return {
          ...courseSummary(courseId, attempts, names),
          attemptDetails: attempts.map((a) => ({
            attemptId: a.attemptId,
            score: a.score ?? null,
            date: a.startedAt,
            timeSpentSeconds: a.timeSpentSeconds,
            language: a.language,
            programName: names.programs.get(session.programId) ?? null,
          })),
        };
      });
      const scored = courses.flatMap((c) => (c.score === null ? [] : [c.score]));
      return {
        sessionId: session.sessionId,
        name: session.name,
        programName: names.programs.get(session.programId) ?? null,
        createdAt: session.createdAt,
        /** Mean progress over the session's courses, unplayed ones counting 0. */
        progress: average(courses.map((c) => c.progress)) ?? 0,
        /** Mean best score over the session's scored courses. */
        score: average(scored),
        timeSpentSeconds: inSession.reduce((sum, a) => sum + a.timeSpentSeconds, 0),
        endsAt: session.endsAt ?? null,
        lastActivityAt: latest(inSession.map((a) => a.lastActivityAt)),
        courses,
      };
    });

  const playedCourses = [...groupBy(activity.attempts, (a) => a.courseId)]
    .map(([courseId, attempts]) => courseSummary(courseId, attempts, names))
    .sort((a, b) => byDesc(a.lastActivityAt, b.lastActivityAt) || a.courseId.localeCompare(b.courseId));

  const answeredQuestions = [...groupBy(activity.answers, (a) => a.questionId)]
    .map(([questionId, answers]) => {
      const ordered = [...answers].sort((a, b) => b.answeredAt.localeCompare(a.answeredAt));
      return {
        questionId,
        question: ordered[0]?.question ?? '',
        /** Every answer counts, repeats included. */
        score: average(answers.map((a) => a.score)),
        answerCount: answers.length,
        lastActivityAt: ordered[0]?.answeredAt ?? null,
        answers: ordered.map((a) => ({ answerId: a.answerId, score: a.score, answeredAt: a.answeredAt, courseId: a.courseId })),
      };
    })
    .sort((a, b) => byDesc(a.lastActivityAt, b.lastActivityAt) || a.questionId.localeCompare(b.questionId));

  const tags = new Map<string, { answers: number[]; assessments: number[] }>();
  const tagOf = (tag: string) => {
    let entry = tags.get(tag);
    if (!entry) {
      entry = { answers: [], assessments: [] };
      tags.set(tag, entry);
    }
    return entry;
  };
  for (const answer of activity.answers) for (const tag of new Set(answer.tags)) tagOf(tag).answers.push(answer.score);
  for (const result of activity.assessments) for (const tag of new Set(result.tags)) tagOf(tag).assessments.push(result.score);
  const byTag = [...tags]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, scores]) => {
      const trainingScore = average(scores.answers);
      const assessmentScore = average(scores.assessments);
      const both = [trainingScore, assessmentScore].filter((s): s is number => s !== null);
      return {
        tag,
        trainingScore,
        assessmentScore,
        /** The mean of the two scores that exist, 0–100. */
        averageScore: average(both),
        answers: scores.answers.length,
        assessments: scores.assessments.length,
      };
    });

  return {
    user: {
      userId: profile.userId,
      firstName: profile.firstName ?? null,
      lastName: profile.lastName ?? null,
      email: profile.email ?? null,
      deletedAt: profile.deletedAt ?? null,
    },
    groups: activity.memberships
      .map((m) => ({ groupId: m.groupId, name: names.groups.get(m.groupId) ?? null, role: m.role }))
      .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.groupId.localeCompare(b.groupId)),
    answeredQuestionCount: answerScores.length,
    averageAnswerScore: average(answerScores),
    /** Course attempts in and out of programs. */
    totalTrainingTimeSeconds: activity.attempts.reduce((sum, a) => sum + a.timeSpentSeconds, 0),
    postedMessages: {
      publications: activity.posts.filter((p) => p.type === 'publication').length,
      comments: activity.posts.filter((p) => p.type === 'reply').length,
      corrections: activity.posts.filter((p) => p.type === 'correction').length,
    },
    certificates,
    programSessions,
    playedCourses,
    answeredQuestions,
    tags: byTag,
  };
}
export type UserStatistics = ReturnType<typeof userStatistics>;

// ---------------------------------------------------------------------------------------------
// Public statistics

/** Places whose posts count for the learner side of the public statistics. */
export const PUBLIC_POST_PLACES: ReadonlySet<PostPlace> = new Set(['group-newsfeed', 'course-forum', 'path-forum']);

export function learnerPublicStatistics(activity: UserActivity, now: Date) {
  const window = lastDays(now);
  const counted = activity.received.filter(
    (r) => inWindow(r.at, window) && r.fromUserId !== activity.profile.userId && PUBLIC_POST_PLACES.has(r.place),
  );
  return {
    side: 'learner' as const,
    windowDays: PUBLIC_WINDOW_DAYS,
    /** Every completion counts: a course completed twice counts 2. */
    completedCourses: activity.attempts.filter((a) => inWindow(a.completedAt, window)).length,
    /** Comments on their posts, except responses to their own responses. */
    commentsReceived: counted.filter((r) => r.type === 'comment' && r.receivingPostType === 'publication').length,
    likesReceived: counted.filter((r) => r.type === 'like').length,
    totalTrainingTimeSeconds: activity.attempts
      .filter((a) => inWindow(a.lastActivityAt, window))
      .reduce((sum, a) => sum + a.timeSpentSeconds, 0),
  };
}

/** What happened on one course, as stored on the course's activity timeline. */
export type CourseEvent =
  | { type: 'attempt'; courseId: string; at: string; userId: string }
  | { type: 'comment'; courseId: string; at: string; userId: string }
  | { type: 'reaction'; courseId: string; at: string; userId: string; score: number };

export function authorPublicStatistics(
  authorId: string,
  authoredCourses: readonly { courseId: string; publishedAt?: string | undefined }[],
  events: readonly CourseEvent[],
  now: Date,
) {
  const window = lastDays(now);
  const mine = new Set(authoredCourses.map((c) => c.courseId));
  const recent = events.filter((e) => mine.has(e.courseId) && inWindow(e.at, window));
  return {
    side: 'author' as const,
    windowDays: PUBLIC_WINDOW_DAYS,
    /** Attempts on courses they are main author of, duplicates included. */
    courseViews: recent.filter((e) => e.type === 'attempt').length,
    commentsReceived: recent.filter((e) => e.type === 'comment' && e.userId !== authorId).length,
    averageReactionScore: average(recent.flatMap((e) => (e.type === 'reaction' ? [e.score] : []))),
    publishedCourses: authoredCourses.filter((c) => c.publishedAt !== undefined && c.publishedAt <= now.toISOString()).length,
  };
}
