import type { LearnerRecordOf, LearnerUserRecord, PostPlace } from './learner-records.ts';
import type { AssessmentResult } from './learner-stats.ts';
import { type CourseAttempt, directReports, type Membership, type Post, type ProgramSessionView } from './learner-stats.ts';

/**
 * The learner statistics exports (360Learning-style), free of storage: what a request narrows by,
 * and how one user's records become the numbers of a row. Who may see whom is decided upstream
 * (the scope); everything here only ever sees users and emails of that scope.
 */

/** The one logical part of an export: Plan splits it into user shards like a huge batch. */
export const EXPORT_PART = 'export';

/** An export's filters as resolved at request time: lists sorted and unique, instants in UTC. */
export interface ExportFilters {
  /** Only members of these groups (empty: no narrowing). */
  groupIds: string[];
  /** Only these users (empty: no narrowing). Both lists given: users in both. */
  userIds: string[];
  /** Activity between these instants, both included (null: open). */
  from: string | null;
  to: string | null;
  /** Program columns and in-program time only for these sessions (empty: all). */
  programSessionIds: string[];
  /** Custom field columns, by name (null: all of the org's). */
  customFields: string[] | null;
}

export const NO_FILTERS: ExportFilters = {
  groupIds: [],
  userIds: [],
  from: null,
  to: null,
  programSessionIds: [],
  customFields: null,
};

/** Everything one user's row may read, from the user's own partition. */
export interface ExportActivity {
  profile: LearnerUserRecord;
  memberships: Membership[];
  /** Ids of the users who manage them, and of the users they manage (as stored). */
  managerIds: string[];
  reportIds: string[];
  attempts: CourseAttempt[];
  assessments: AssessmentResult[];
  posts: Post[];
  /** Reactions they left on course activities, and likes they gave to posts. */
  reactions: LearnerRecordOf<'reaction'>[];
  likes: LearnerRecordOf<'like'>[];
  attendances: LearnerRecordOf<'attendance'>[];
  certificates: LearnerRecordOf<'certificate'>[];
  /** Program sessions assigned to them directly. */
  assignedSessionIds: string[];
  /** Path sessions assigned to them directly. */
  assignedPathSessionIds: string[];
}

/** A user's activity before any of their records are added: the profile alone. */
export function emptyActivity(profile: LearnerUserRecord): ExportActivity {
  return {
    profile,
    memberships: [],
    managerIds: [],
    reportIds: [],
    attempts: [],
    assessments: [],
    posts: [],
    reactions: [],
    likes: [],
    attendances: [],
    certificates: [],
    assignedSessionIds: [],
    assignedPathSessionIds: [],
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const inRange = (at: string | undefined, filters: Pick<ExportFilters, 'from' | 'to'>) =>
  at !== undefined && (filters.from === null || at >= filters.from) && (filters.to === null || at <= filters.to);

/**
 * Total time spent: every course attempt in the date range, except that within one program
 * session only the most recent attempt at a course counts (its later tries replace the earlier
 * ones, which 360Learning does not add up). "Most recent" is the latest start (then attempt id);
 * the date range then applies to that attempt's last activity.
 */
export function totalTimeSpent(attempts: readonly CourseAttempt[], filters: ExportFilters): number {
  const sessions = filters.programSessionIds.length > 0 ? new Set(filters.programSessionIds) : undefined;
  const latestInSession = new Map<string, CourseAttempt>();
  let total = 0;
  for (const attempt of attempts) {
    if (attempt.programSessionId === undefined) {
      if (!sessions && inRange(attempt.lastActivityAt, filters)) total += attempt.timeSpentSeconds;
      continue;
    }
    if (sessions && !sessions.has(attempt.programSessionId)) continue;
    const key = `${attempt.programSessionId}\u0000${attempt.courseId}`;
    const kept = latestInSession.get(key);
    if (
      !kept ||
      attempt.startedAt > kept.startedAt ||
      (attempt.startedAt === kept.startedAt && attempt.attemptId > kept.attemptId)
    ) {
      latestInSession.set(key, attempt);
    }
  }
  for (const attempt of latestInSession.values()) if (inRange(attempt.lastActivityAt, filters)) total += attempt.timeSpentSeconds;
  return total;
}

/**
 * Mean of the user's course scores (each course's best attempt in the range) and assessment
 * scores (each result in the range), to one decimal; null without any.
 */
export function averageScore(activity: Pick<ExportActivity, 'attempts' | 'assessments'>, filters: ExportFilters): number | null {
  const best = new Map<string, number>();
  for (const attempt of activity.attempts) {
    if (attempt.score === undefined || !inRange(attempt.lastActivityAt, filters)) continue;
    best.set(attempt.courseId, Math.max(best.get(attempt.courseId) ?? 0, attempt.score));
  }
  const scores = [...best.values(), ...activity.assessments.filter((a) => inRange(a.assessedAt, filters)).map((a) => a.score)];
  if (scores.length === 0) return null;
  return round1(scores.reduce((sum, s) => sum + s, 0) / scores.length);
}

/**
 * Program sessions assigned to the user (directly or through a group) within the filter, and how
 * many they completed: a session is complete when every one of its courses has an attempt in that
 * session at 100 % progress (its progress, the mean of its courses' best progress, is 100).
 */
export function programCounts(
  activity: Pick<ExportActivity, 'attempts'>,
  assigned: readonly ProgramSessionView[],
  filters: ExportFilters,
): { assigned: number; completed: number } {
  const only = filters.programSessionIds.length > 0 ? new Set(filters.programSessionIds) : undefined;
  const sessions = assigned.filter((s) => !only || only.has(s.sessionId));
  let completed = 0;
  for (const session of sessions) {
    const done = new Set(
      activity.attempts.filter((a) => a.programSessionId === session.sessionId && a.progress >= 100).map((a) => a.courseId),
    );
    if (session.courseIds.length > 0 && session.courseIds.every((c) => done.has(c))) completed += 1;
  }
  return { assigned: sessions.length, completed };
}

/** Posts the user published (any kind: publications, replies, corrections) in the range. */
export function messageCount(posts: readonly Post[], filters: ExportFilters): number {
  return posts.filter((p) => inRange(p.postedAt, filters)).length;
}

/**
 * The user's direct reports (users they manage, except those managed through one of their own
 * reports), given who each of their reports manages.
 */
export function directReportIds(
  activity: Pick<ExportActivity, 'profile' | 'reportIds'>,
  reportsOfReports: ReadonlyMap<string, readonly string[]>,
) {
  const userId = activity.profile.userId;
  return directReports(userId, (m) => (m === userId ? activity.reportIds : (reportsOfReports.get(m) ?? [])));
}

/**
 * The custom field names of the file, alphabetical (by code unit, so the order never depends on a
 * locale): those the request lists, else every name the org's users carry.
 */
export function customFieldColumns(known: readonly string[], filters: ExportFilters): string[] {
  return [...new Set(filters.customFields ?? known)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Places whose posts are publications in the collaborative activity export (replies included). */
const SECTION_PLACES: ReadonlySet<PostPlace> = new Set(['group-newsfeed', 'session-newsfeed', 'profile']);
/** Forums where every post is a comment. */
const FORUM_PLACES: ReadonlySet<PostPlace> = new Set(['course-forum', 'learning-need-forum', 'project-forum']);

/**
 * The collaborative activity of one user in the range: publications (their posts in a group,
 * session or profile section, replies included), comments (their posts and replies in a course,
 * learning need or project forum, and their replies in a group, session or profile section, so a
 * reply there counts in both) and reactions (to course activities, and likes on posts).
 */
export function collaborativeCounts(
  activity: Pick<ExportActivity, 'posts' | 'reactions' | 'likes'>,
  filters: ExportFilters,
): { publications: number; comments: number; reactions: number } {
  const posts = activity.posts.filter((p) => inRange(p.postedAt, filters));
  return {
    publications: posts.filter((p) => SECTION_PLACES.has(p.place)).length,
    comments: posts.filter((p) => FORUM_PLACES.has(p.place) || (SECTION_PLACES.has(p.place) && p.type !== 'publication')).length,
    reactions:
      activity.reactions.filter((r) => inRange(r.reactedAt, filters)).length +
      activity.likes.filter((l) => inRange(l.likedAt, filters)).length,
  };
}

/**
 * The one-user counts of user-general-stats beyond the general stats: courses completed (distinct
 * courses with an attempt completed in the range), classrooms attended (distinct classrooms marked
 * present in the range), paths completed (distinct paths of path certificates delivered in the
 * range) and paths assigned (distinct paths of the path sessions assigned to them, directly or
 * through a group, given as `assignedPathIds`).
 */
export function learningCounts(
  activity: Pick<ExportActivity, 'attempts' | 'attendances' | 'certificates'>,
  assignedPathIds: readonly string[],
  filters: ExportFilters,
): { completedCourses: number; attendedClassrooms: number; completedPaths: number; assignedPaths: number } {
  return {
    completedCourses: new Set(activity.attempts.filter((a) => inRange(a.completedAt, filters)).map((a) => a.courseId)).size,
    attendedClassrooms: new Set(activity.attendances.filter((a) => a.present && inRange(a.at, filters)).map((a) => a.classroomId))
      .size,
    completedPaths: new Set(
      activity.certificates.flatMap((c) => (c.pathId && !c.programId && inRange(c.deliveredAt, filters) ? [c.pathId] : [])),
    ).size,
    assignedPaths: new Set(assignedPathIds).size,
  };
}
