/**
 * What the learner statistics reads should answer, worked out directly from the raw seeded
 * records, apart from the service's own code: the e2e tests compare the API against these.
 */
type Raw = Record<string, unknown> & { kind: string };

const DAY = 86_400_000;
const of = (records: readonly Raw[], kind: string) => records.filter((r) => r.kind === kind);
const str = (r: Raw, field: string) => r[field] as string;
const num = (r: Raw, field: string) => r[field] as number;
const round1 = (v: number) => Math.round(v * 10) / 10;
const mean = (values: number[]) => (values.length === 0 ? null : round1(values.reduce((a, b) => a + b, 0) / values.length));

export function expectedUserColumns(records: readonly Raw[], userId: string) {
  const attempts = of(records, 'course-attempt').filter((a) => a.userId === userId);
  const managerEdges = of(records, 'manager').map((m) => [str(m, 'managerId'), str(m, 'userId')] as const);
  const reportsOf = (m: string) => managerEdges.filter(([mm]) => mm === m).map(([, u]) => u);
  const mine = reportsOf(userId);
  const viaOthers = new Set(mine.flatMap((b) => reportsOf(b)));
  const last =
    attempts
      .map((a) => str(a, 'lastActivityAt'))
      .sort()
      .at(-1) ?? null;
  return {
    timeSpentSeconds: attempts.reduce((sum, a) => sum + num(a, 'timeSpentSeconds'), 0),
    lastActivityAt: last,
    directReports: mine.filter((u) => !viaOthers.has(u)).length,
  };
}

export function expectedUserIds(records: readonly Raw[], tab: 'current' | 'deleted', groupIds?: string[]): string[] {
  const members = groupIds
    ? new Set(
        of(records, 'membership')
          .filter((m) => groupIds.includes(str(m, 'groupId')))
          .map((m) => str(m, 'userId')),
      )
    : undefined;
  return of(records, 'user')
    .filter((u) => (members ? members.has(str(u, 'userId')) : true))
    .filter((u) => (tab === 'deleted') === (u.deletedAt !== undefined))
    .map((u) => str(u, 'userId'))
    .sort();
}

export function expectedStatistics(records: readonly Raw[], userId: string, now: Date) {
  const answers = of(records, 'answer').filter((a) => a.userId === userId);
  const attempts = of(records, 'course-attempt').filter((a) => a.userId === userId);
  const posts = of(records, 'post').filter((p) => p.authorId === userId);
  const certificates = of(records, 'certificate')
    .filter((c) => c.userId === userId)
    .sort((a, b) => str(b, 'deliveredAt').localeCompare(str(a, 'deliveredAt')))
    .map((c) => {
      const expires = c.expiresAt === undefined ? undefined : new Date(str(c, 'expiresAt')).getTime();
      const left = expires === undefined ? Number.POSITIVE_INFINITY : expires - now.getTime();
      return {
        certificateId: str(c, 'certificateId'),
        status: left <= 0 ? 'Expired' : left <= 30 * DAY ? 'Expiring soon' : 'Valid',
        hasPathName: c.pathId !== undefined && c.programId === undefined,
      };
    });
  const courses = [...new Set(attempts.map((a) => str(a, 'courseId')))].sort();
  const groups = of(records, 'membership')
    .filter((m) => m.userId === userId)
    .map((m) => str(m, 'groupId'))
    .sort();
  const tagScores = new Map<string, { answers: number[]; assessments: number[] }>();
  // A tag named twice on one answer counts once.
  for (const a of answers)
    for (const t of new Set(a.tags as string[])) {
      const e = tagScores.get(t) ?? { answers: [], assessments: [] };
      e.answers.push(num(a, 'score'));
      tagScores.set(t, e);
    }
  for (const r of of(records, 'assessment-result').filter((r) => r.userId === userId))
    for (const t of new Set(r.tags as string[])) {
      const e = tagScores.get(t) ?? { answers: [], assessments: [] };
      e.assessments.push(num(r, 'score'));
      tagScores.set(t, e);
    }
  return {
    groups,
    answeredQuestionCount: answers.length,
    averageAnswerScore: mean(answers.map((a) => num(a, 'score'))),
    totalTrainingTimeSeconds: attempts.reduce((sum, a) => sum + num(a, 'timeSpentSeconds'), 0),
    postedMessages: {
      publications: posts.filter((p) => p.type === 'publication').length,
      comments: posts.filter((p) => p.type === 'reply').length,
      corrections: posts.filter((p) => p.type === 'correction').length,
    },
    certificates,
    playedCourses: courses.map((courseId) => ({
      courseId,
      attempts: attempts.filter((a) => a.courseId === courseId).length,
      timeSpentSeconds: attempts.filter((a) => a.courseId === courseId).reduce((s, a) => s + num(a, 'timeSpentSeconds'), 0),
    })),
    questionIds: [...new Set(answers.map((a) => str(a, 'questionId')))].sort(),
    tags: [...tagScores]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, s]) => ({ tag, answers: s.answers.length, assessments: s.assessments.length, trainingScore: mean(s.answers) })),
  };
}

const within90 = (at: unknown, now: Date) =>
  typeof at === 'string' && new Date(at).getTime() >= now.getTime() - 90 * DAY && new Date(at).getTime() <= now.getTime();

export function expectedLearnerPublic(records: readonly Raw[], userId: string, now: Date) {
  const posts = new Map(of(records, 'post').map((p) => [str(p, 'postId'), p]));
  const publicPlace = (p: Raw) => ['group-newsfeed', 'course-forum', 'path-forum'].includes(str(p, 'place'));
  const attempts = of(records, 'course-attempt').filter((a) => a.userId === userId);
  return {
    side: 'learner',
    completedCourses: attempts.filter((a) => within90(a.completedAt, now)).length,
    commentsReceived: of(records, 'post').filter((p) => {
      const parent = p.replyToPostId ? posts.get(str(p, 'replyToPostId')) : undefined;
      return (
        p.type === 'reply' &&
        parent?.authorId === userId &&
        parent.type === 'publication' &&
        p.authorId !== userId &&
        publicPlace(parent) &&
        within90(p.postedAt, now)
      );
    }).length,
    likesReceived: of(records, 'like').filter((l) => {
      const post = posts.get(str(l, 'postId'));
      return post?.authorId === userId && l.userId !== userId && publicPlace(post) && within90(l.likedAt, now);
    }).length,
    totalTrainingTimeSeconds: attempts
      .filter((a) => within90(a.lastActivityAt, now))
      .reduce((s, a) => s + num(a, 'timeSpentSeconds'), 0),
  };
}

export function expectedAuthorPublic(records: readonly Raw[], userId: string, now: Date) {
  const courses = of(records, 'course');
  const authorOf = (c: Raw): string => {
    if (c.duplicateOf) {
      const original = courses.find((o) => o.courseId === c.duplicateOf);
      if (original) return authorOf(original);
    }
    return (c.mainAuthorId as string | undefined) ?? str(c, 'creatorId');
  };
  const mine = courses.filter((c) => authorOf(c) === userId);
  const ids = new Set(mine.map((c) => str(c, 'courseId')));
  const reactions = of(records, 'reaction')
    .filter((r) => ids.has(str(r, 'courseId')) && within90(r.reactedAt, now))
    .map((r) => num(r, 'score'));
  return {
    side: 'author',
    courseViews: of(records, 'course-attempt').filter((a) => ids.has(str(a, 'courseId')) && within90(a.startedAt, now)).length,
    commentsReceived: of(records, 'post').filter(
      (p) => p.place === 'course-forum' && ids.has(str(p, 'placeId')) && p.authorId !== userId && within90(p.postedAt, now),
    ).length,
    averageReactionScore: mean(reactions),
    publishedCourses: mine.filter((c) => c.publishedAt !== undefined).length,
  };
}
