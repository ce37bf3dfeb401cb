import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import { type EntityRef, type EntityType, entityKey, type LearnerRecordsRepository } from '../domain/learner-ports.ts';
import {
  authorPublicStatistics,
  lastDays,
  learnerPublicStatistics,
  type Membership,
  type Names,
  type OrganisationView,
  overseenGroups,
  publicStatisticsSide,
  seesEveryone,
  type UserActivity,
  type UserStatistics,
  userStatistics,
} from '../domain/learner-stats.ts';
import type { Clock } from '../domain/ports.ts';
import { Id } from '../domain/records.ts';
import type { Actor } from '../domain/report-types.ts';
import { decodeCursor, pageFrom, pageOfUsers, USER_COLUMNS, type UsersListReader } from '../domain/users-list.ts';

/**
 * The learner statistics reads: the users list, a user's statistics page and their public
 * statistics. Who may see whom comes from the records (the org record's owner and platform admins,
 * group roles), never from a token claim: the token only says who the caller is and their org.
 */
export interface LearnerStatisticsDeps {
  learners: LearnerRecordsRepository & UsersListReader;
  clock: Clock;
}

export const MAX_USERS_PAGE = 200;

export const ListUsersQuery = z.strictObject({
  tab: z.enum(['current', 'deleted']).default('current'),
  sort: z.enum(USER_COLUMNS).default('lastName'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(MAX_USERS_PAGE).default(50),
  cursor: z.string().min(1).max(2000).optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserIdParam = Id;

/**
 * The users the caller may list, a page at a time. The owner and platform admins see everyone:
 * the page is read in order from the org's users-list index (one page's worth of entries, however
 * big the org). Coaches and group administrators see the members of the groups they oversee:
 * those rows are read by key and sorted here, in the same order, as a coach's groups are small
 * next to the org and an index read of the whole org would mostly be thrown away.
 */
export async function listUsers(query: ListUsersQuery, actor: Actor, deps: LearnerStatisticsDeps) {
  // A bad cursor is refused before anything is read.
  const after = query.cursor ? decodeCursor(query.cursor, query) : undefined;
  const [organisation, memberships] = await Promise.all([
    deps.learners.getOrganisation(actor.org),
    deps.learners.getMemberships(actor.userId),
  ]);
  if (seesEveryone(actor.userId, organisation)) {
    const rows = await deps.learners.orderedUserRows(actor.org, { ...query, limit: query.limit + 1, after });
    return pageFrom(rows, query);
  }
  // A membership counts only in its own org, whatever org the token names.
  const groups = overseenGroups(memberships.filter((m) => m.org === actor.org));
  const members = groups.length > 0 ? await deps.learners.groupMembers(groups) : [];
  return pageOfUsers(members.length > 0 ? await deps.learners.userRows(actor.org, members) : [], query);
}

/** The user, if they are in the caller's org; a user of another org is not found, as if absent. */
function ofCallersOrg<T extends UserActivity>(activity: T | undefined, userId: string, actor: Actor): T {
  if (!activity || activity.profile.org !== actor.org) throw new NotFoundError(`No user ${userId} in your organisation`);
  return activity;
}

/** Self; the owner and platform admins; coaches and administrators of one of the user's groups. */
function assertMayReadStatistics(
  activity: UserActivity,
  actor: Actor,
  organisation: OrganisationView | undefined,
  callerMemberships: readonly Membership[],
): void {
  if (activity.profile.userId === actor.userId) return;
  if (seesEveryone(actor.userId, organisation)) return;
  const theirs = new Set(activity.memberships.map((m) => m.groupId));
  if (overseenGroups(callerMemberships.filter((m) => m.org === actor.org)).some((g) => theirs.has(g))) return;
  throw new ForbiddenError(
    "Only the user, coaches and administrators of the user's groups, the owner and platform admins may read these statistics",
  );
}

export async function getUserStatistics(userId: string, actor: Actor, deps: LearnerStatisticsDeps): Promise<UserStatistics> {
  // Who the caller is and what the user did are read side by side; the answer waits for both.
  const [found, organisation, callerMemberships] = await Promise.all([
    deps.learners.getUserActivity(userId),
    deps.learners.getOrganisation(actor.org),
    deps.learners.getMemberships(actor.userId),
  ]);
  const activity = ofCallersOrg(found, userId, actor);
  assertMayReadStatistics(activity, actor, organisation, callerMemberships);

  const groupIds = activity.memberships.map((m) => m.groupId);
  const sessionIds = new Set([
    ...activity.assignedSessionIds,
    ...(await deps.learners.groupSessionIds(groupIds)),
    ...activity.attempts.flatMap((a) => (a.programSessionId ? [a.programSessionId] : [])),
  ]);
  const sessions = await deps.learners.getProgramSessions([...sessionIds]);

  const refs: EntityRef[] = [
    ...groupIds.map((id) => ({ type: 'group' as const, id })),
    ...activity.attempts.map((a) => ({ type: 'course' as const, id: a.courseId })),
    ...sessions.flatMap((s) => [
      { type: 'program' as const, id: s.programId },
      ...s.courseIds.map((id) => ({ type: 'course' as const, id })),
    ]),
    ...activity.certificates.flatMap((c) => [
      ...(c.pathId ? [{ type: 'path' as const, id: c.pathId }] : []),
      ...(c.pathSessionId ? [{ type: 'path-session' as const, id: c.pathSessionId }] : []),
      ...(c.programId ? [{ type: 'program' as const, id: c.programId }] : []),
    ]),
  ];
  const unique = [...new Map(refs.map((r) => [entityKey(r.type, r.id), r])).values()];
  const entities = await deps.learners.getEntities(unique);
  // Names only of the caller's org: an id that names another org's entity shows no name.
  const namesOf = (type: EntityType) =>
    new Map(
      [...entities.values()]
        .filter((e) => e.type === type && e.org === actor.org && e.name !== undefined)
        .map((e) => [e.id, e.name as string]),
    );
  const names: Names = {
    groups: namesOf('group'),
    courses: namesOf('course'),
    programs: namesOf('program'),
    paths: namesOf('path'),
    pathSessions: namesOf('path-session'),
  };
  return userStatistics(activity, sessions, names, deps.clock.now());
}

/** Public statistics: any user of the org may read them; the side depends on the user's roles. */
export async function getPublicStatistics(userId: string, actor: Actor, deps: LearnerStatisticsDeps) {
  const [found, organisation] = await Promise.all([
    deps.learners.getUserActivity(userId),
    deps.learners.getOrganisation(actor.org),
  ]);
  const activity = ofCallersOrg(found, userId, actor);
  const now = deps.clock.now();
  const profile = { userId, firstName: activity.profile.firstName ?? null, lastName: activity.profile.lastName ?? null };
  if (publicStatisticsSide(userId, activity.memberships, organisation) === 'learner') {
    return { user: profile, ...learnerPublicStatistics(activity, now) };
  }
  const courses = await deps.learners.authoredCourses(userId);
  const events = await deps.learners.courseEvents(
    courses.map((c) => c.courseId),
    lastDays(now),
  );
  return { user: profile, ...authorPublicStatistics(userId, courses, events, now) };
}
