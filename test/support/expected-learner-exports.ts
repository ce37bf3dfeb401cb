import { learnerBucket } from '#shared/domain/shards';

/**
 * What the learner statistics exports should hold, worked out directly from the raw seeded records,
 * apart from the service's own code (only the file's row order, a hash of the user id, is shared):
 * the e2e tests compare the CSV cell by cell against these.
 */
type Raw = Record<string, unknown> & { kind: string };

const of = (records: readonly Raw[], kind: string) => records.filter((r) => r.kind === kind);
const str = (r: Raw, field: string) => (r[field] as string | undefined) ?? '';
const num = (r: Raw, field: string) => r[field] as number;
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Cells as the CSV holds them: text that a spreadsheet would run as a formula gets a leading quote. */
const cell = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
};

export interface ExportFiltersInput {
  groupIds?: string[];
  userIds?: string[];
  from?: string;
  to?: string;
  programSessionIds?: string[];
  customFields?: string[];
}

/** Who an exporter sees: everyone current for the owner and platform admins, else current members of the groups they oversee. */
export function expectedScope(records: readonly Raw[], exporterId: string) {
  const org = of(records, 'organisation')[0] as Raw;
  const everyone = org.ownerId === exporterId || (org.platformAdminIds as string[]).includes(exporterId);
  const current = new Set(
    of(records, 'user')
      .filter((u) => u.deletedAt === undefined)
      .map((u) => str(u, 'userId')),
  );
  const overseen = of(records, 'membership')
    .filter((m) => m.userId === exporterId && ['coach', 'administrator', 'user-administrator'].includes(str(m, 'role')))
    .map((m) => str(m, 'groupId'));
  const groups = of(records, 'group')
    .filter((g) => everyone || overseen.includes(str(g, 'groupId')))
    .map((g) => ({ groupId: str(g, 'groupId'), name: str(g, 'name') }))
    .sort((a, b) => byCode(a.name, b.name));
  const users = everyone
    ? [...current]
    : [
        ...new Set(
          of(records, 'membership')
            .filter((m) => overseen.includes(str(m, 'groupId')))
            .map((m) => str(m, 'userId')),
        ),
      ].filter((u) => current.has(u));
  return { everyone, groups, users: new Set(users), ownerId: str(org, 'ownerId') };
}

function rowsFor(records: readonly Raw[], exporterId: string, filters: ExportFiltersInput) {
  const scope = expectedScope(records, exporterId);
  const memberOf = (groupIds: string[]) =>
    new Set(
      of(records, 'membership')
        .filter((m) => groupIds.includes(str(m, 'groupId')))
        .map((m) => str(m, 'userId')),
    );
  let users = [...scope.users];
  if (filters.groupIds?.length) {
    const members = memberOf(filters.groupIds);
    users = users.filter((u) => members.has(u));
  }
  if (filters.userIds?.length) users = users.filter((u) => filters.userIds?.includes(u));
  users.sort((a, b) => learnerBucket(a) - learnerBucket(b) || byCode(a, b));
  const profile = (userId: string) => of(records, 'user').find((u) => u.userId === userId) as Raw;
  const emailOf = (userId: string) => (scope.users.has(userId) ? str(profile(userId), 'email') : undefined);
  const emails = (ids: string[]) =>
    ids
      .map(emailOf)
      .filter((e): e is string => !!e)
      .sort()
      .join(', ');
  const fieldNames = (
    filters.customFields ?? [
      ...new Set(of(records, 'user').flatMap((u) => Object.keys((u.customFields as Record<string, string>) ?? {}))),
    ]
  ).sort(byCode);
  const customCells = (userId: string) =>
    fieldNames.map((name) => cell((profile(userId).customFields as Record<string, string> | undefined)?.[name]));
  const groupCells = (userId: string) =>
    scope.groups.map((g) => (of(records, 'membership').some((m) => m.userId === userId && m.groupId === g.groupId) ? 'x' : ''));
  return { scope, users, profile, emailOf, emails, fieldNames, customCells, groupCells };
}

const inRange = (at: string | undefined, f: ExportFiltersInput) =>
  at !== undefined &&
  (f.from === undefined || Date.parse(at) >= Date.parse(f.from)) &&
  (f.to === undefined || Date.parse(at) <= Date.parse(f.to));

/** general-stats, header and rows as CSV text cells. */
export function expectedGeneralStats(records: readonly Raw[], exporterId: string, filters: ExportFiltersInput = {}) {
  const { scope, users, profile, emails, fieldNames, customCells, groupCells } = rowsFor(records, exporterId, filters);
  const header = [
    'Last name',
    'First name',
    'Email',
    ...fieldNames,
    'Additional information',
    'Managers',
    'Avg score',
    'Completed programs',
    'Assigned programs',
    'Messages',
    'Total time spent',
    ...scope.groups.map((g) => g.name),
  ];
  const sessions = of(records, 'program-session').filter(
    (s) => !filters.programSessionIds?.length || filters.programSessionIds.includes(str(s, 'sessionId')),
  );
  const rows = users.map((userId) => {
    const p = profile(userId);
    const attempts = of(records, 'course-attempt').filter((a) => a.userId === userId);
    const myGroups = of(records, 'membership')
      .filter((m) => m.userId === userId)
      .map((m) => str(m, 'groupId'));
    const assigned = sessions.filter(
      (s) =>
        (s.assignedUserIds as string[]).includes(userId) || (s.assignedGroupIds as string[]).some((g) => myGroups.includes(g)),
    );
    const completed = assigned.filter((s) => {
      const courses = (s.blocks as { courseIds: string[] }[]).flatMap((b) => b.courseIds);
      return courses.every((c) =>
        attempts.some((a) => a.programSessionId === s.sessionId && a.courseId === c && num(a, 'progress') === 100),
      );
    });
    const inRangeAttempts = attempts.filter((a) => inRange(str(a, 'lastActivityAt'), filters));
    const bestByCourse = new Map<string, number>();
    for (const a of inRangeAttempts) {
      if (a.score !== undefined)
        bestByCourse.set(str(a, 'courseId'), Math.max(bestByCourse.get(str(a, 'courseId')) ?? 0, num(a, 'score')));
    }
    const scores = [
      ...bestByCourse.values(),
      ...of(records, 'assessment-result')
        .filter((r) => r.userId === userId && inRange(str(r, 'assessedAt'), filters))
        .map((r) => num(r, 'score')),
    ];
    const avg = scores.length ? Math.round((scores.reduce((s, v) => s + v, 0) / scores.length) * 10) / 10 : null;
    // Time: out-of-program attempts (only without a session filter), plus, per session and course,
    // the most recently started attempt alone.
    const sessionFilter = filters.programSessionIds?.length ? filters.programSessionIds : undefined;
    let time = 0;
    if (!sessionFilter) {
      time += attempts
        .filter((a) => a.programSessionId === undefined && inRange(str(a, 'lastActivityAt'), filters))
        .reduce((s, a) => s + num(a, 'timeSpentSeconds'), 0);
    }
    const latest = new Map<string, Raw>();
    for (const a of attempts.filter((a) => a.programSessionId !== undefined)) {
      if (sessionFilter && !sessionFilter.includes(str(a, 'programSessionId'))) continue;
      const key = `${str(a, 'programSessionId')}/${str(a, 'courseId')}`;
      const kept = latest.get(key);
      if (!kept || str(a, 'startedAt') > str(kept, 'startedAt')) latest.set(key, a);
    }
    for (const a of latest.values()) if (inRange(str(a, 'lastActivityAt'), filters)) time += num(a, 'timeSpentSeconds');
    const managers = of(records, 'manager')
      .filter((m) => m.userId === userId)
      .map((m) => str(m, 'managerId'));
    const messages = of(records, 'post').filter((post) => post.authorId === userId && inRange(str(post, 'postedAt'), filters));
    return [
      cell(str(p, 'lastName')),
      cell(str(p, 'firstName')),
      cell(str(p, 'email')),
      ...customCells(userId),
      cell(str(p, 'additionalInformation')),
      emails(managers),
      cell(avg),
      String(completed.length),
      String(assigned.length),
      String(messages.length),
      String(time),
      ...groupCells(userId),
    ];
  });
  return { header, rows, users };
}

/** user-statistics, header and rows as CSV text cells. */
export function expectedUserStatistics(records: readonly Raw[], exporterId: string, filters: ExportFiltersInput = {}) {
  const { scope, users, profile, emails, fieldNames, customCells, groupCells } = rowsFor(records, exporterId, filters);
  const header = [
    'First name',
    'Last name',
    'Email',
    'Title / Employment',
    ...fieldNames,
    'Additional information',
    'Time spent',
    'Last activity',
    'Direct report',
    ...scope.groups.map((g) => g.name),
  ];
  const edges = of(records, 'manager').map((m) => [str(m, 'managerId'), str(m, 'userId')] as const);
  const reportsOf = (m: string) => edges.filter(([mm]) => mm === m).map(([, u]) => u);
  const rows = users.map((userId) => {
    const p = profile(userId);
    const attempts = of(records, 'course-attempt').filter((a) => a.userId === userId);
    const mine = reportsOf(userId);
    const viaOthers = new Set(mine.flatMap((r) => reportsOf(r)));
    const last =
      attempts
        .map((a) => str(a, 'lastActivityAt'))
        .sort()
        .at(-1) ?? '';
    return [
      cell(str(p, 'firstName')),
      cell(str(p, 'lastName')),
      cell(str(p, 'email')),
      cell(str(p, 'title')),
      ...customCells(userId),
      cell(str(p, 'additionalInformation')),
      String(attempts.reduce((s, a) => s + num(a, 'timeSpentSeconds'), 0)),
      last,
      emails(mine.filter((u) => !viaOthers.has(u))),
      ...groupCells(userId),
    ];
  });
  return { header, rows, users };
}

/** registrations, header and rows as CSV text cells. */
export function expectedRegistrations(records: readonly Raw[], exporterId: string, filters: ExportFiltersInput = {}) {
  const { scope, users, profile, emailOf } = rowsFor(records, exporterId, filters);
  const header = ['First name', 'Last name', 'Email', 'Registered at', 'Invited by', 'Auto deletion'];
  const rows = users.map((userId) => {
    const p = profile(userId);
    const registration = (p.registration as Raw | undefined) ?? ({} as Raw);
    const invitedBy =
      registration.method === 'invited' && registration.invitedBy
        ? (emailOf(str(registration, 'invitedBy')) ?? '')
        : registration.method === 'api'
          ? (emailOf(scope.ownerId) ?? '')
          : '';
    return [
      cell(str(p, 'firstName')),
      cell(str(p, 'lastName')),
      cell(str(p, 'email')),
      registration.createdAt ? new Date(str(registration, 'createdAt')).toISOString() : '',
      invitedBy,
      p.autoDeletionAt ? new Date(str(p, 'autoDeletionAt')).toISOString() : '',
    ];
  });
  return { header, rows, users };
}

/** collaborative-activity, header and rows as CSV text cells; authors also see who played their courses. */
export function expectedCollaborativeActivity(records: readonly Raw[], exporterId: string, filters: ExportFiltersInput = {}) {
  const scope = expectedScope(records, exporterId);
  const courses = of(records, 'course');
  const mainAuthor = (c: Raw): string => {
    const original = c.duplicateOf ? courses.find((o) => o.courseId === c.duplicateOf) : undefined;
    return original ? mainAuthor(original) : str(c, 'mainAuthorId') || str(c, 'creatorId');
  };
  const authored = new Set(courses.filter((c) => mainAuthor(c) === exporterId).map((c) => str(c, 'courseId')));
  const current = (u: string) => of(records, 'user').some((r) => r.userId === u && r.deletedAt === undefined);
  const players = of(records, 'course-attempt')
    .filter((a) => authored.has(str(a, 'courseId')))
    .map((a) => str(a, 'userId'))
    .filter(current);
  let users = [...new Set([...scope.users, ...players])];
  if (filters.groupIds?.length) {
    const members = new Set(
      of(records, 'membership')
        .filter((m) => filters.groupIds?.includes(str(m, 'groupId')))
        .map((m) => str(m, 'userId')),
    );
    users = users.filter((u) => members.has(u));
  }
  if (filters.userIds?.length) users = users.filter((u) => filters.userIds?.includes(u));
  users.sort((a, b) => learnerBucket(a) - learnerBucket(b) || byCode(a, b));
  const sections = ['group-newsfeed', 'session-newsfeed', 'profile'];
  const forums = ['course-forum', 'learning-need-forum', 'project-forum'];
  const header = ['First name', 'Last name', 'Email', 'Publications', 'Comments', 'Reactions'];
  const rows = users.map((userId) => {
    const p = of(records, 'user').find((u) => u.userId === userId) as Raw;
    const posts = of(records, 'post').filter((post) => post.authorId === userId && inRange(str(post, 'postedAt'), filters));
    const publications = posts.filter((post) => sections.includes(str(post, 'place'))).length;
    const comments = posts.filter(
      (post) => forums.includes(str(post, 'place')) || (sections.includes(str(post, 'place')) && post.type !== 'publication'),
    ).length;
    const reactions =
      of(records, 'reaction').filter((r) => r.userId === userId && inRange(str(r, 'reactedAt'), filters)).length +
      of(records, 'like').filter((l) => l.userId === userId && inRange(str(l, 'likedAt'), filters)).length;
    return [
      cell(str(p, 'firstName')),
      cell(str(p, 'lastName')),
      cell(str(p, 'email')),
      String(publications),
      String(comments),
      String(reactions),
    ];
  });
  return { header, rows, users, players: new Set(players) };
}

/** user-general-stats for one user, header and its one row as CSV text cells. */
export function expectedUserGeneralStats(
  records: readonly Raw[],
  exporterId: string,
  userId: string,
  filters: ExportFiltersInput = {},
) {
  const general = expectedGeneralStats(records, exporterId, { ...filters, userIds: [userId] });
  const at = (name: string) => general.header.indexOf(name);
  const row = general.rows[0] as string[];
  const groups = of(records, 'membership')
    .filter((m) => m.userId === userId)
    .map((m) => str(m, 'groupId'));
  const assignedPaths = new Set(
    of(records, 'path-session')
      .filter(
        (s) =>
          ((s.assignedUserIds as string[] | undefined) ?? []).includes(userId) ||
          ((s.assignedGroupIds as string[] | undefined) ?? []).some((g) => groups.includes(g)),
      )
      .map((s) => str(s, 'pathId')),
  );
  const completedCourses = new Set(
    of(records, 'course-attempt')
      .filter((a) => a.userId === userId && a.completedAt !== undefined && inRange(str(a, 'completedAt'), filters))
      .map((a) => str(a, 'courseId')),
  );
  const classrooms = new Set(
    of(records, 'attendance')
      .filter((a) => a.userId === userId && a.present === true && inRange(str(a, 'at'), filters))
      .map((a) => str(a, 'classroomId')),
  );
  const paths = new Set(
    of(records, 'certificate')
      .filter(
        (c) =>
          c.userId === userId && c.pathId !== undefined && c.programId === undefined && inRange(str(c, 'deliveredAt'), filters),
      )
      .map((c) => str(c, 'pathId')),
  );
  const header = [
    'Last name',
    'First name',
    'Email',
    'Avg score',
    'Completed courses',
    'Attended classrooms',
    'Completed paths',
    'Assigned paths',
    'Completed programs',
    'Assigned programs',
    'Messages',
    'Total time spent',
  ];
  const pick = (name: string) => row[at(name)] as string;
  return {
    header,
    rows: [
      [
        pick('Last name'),
        pick('First name'),
        pick('Email'),
        pick('Avg score'),
        String(completedCourses.size),
        String(classrooms.size),
        String(paths.size),
        String(assignedPaths.size),
        pick('Completed programs'),
        pick('Assigned programs'),
        pick('Messages'),
        pick('Total time spent'),
      ],
    ],
  };
}
