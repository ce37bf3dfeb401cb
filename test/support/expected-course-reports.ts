import { learnerBucket } from '#shared/domain/shards';

/**
 * Expected course report items computed straight from raw records, apart from the report code (no
 * imports from shared/course-reports), as a second opinion for the e2e tests. The rules are the
 * ones docs/records.md states.
 */
// biome-ignore lint/suspicious/noExplicitAny: raw demo records are read field by field, as the untyped JSON they are.
type Raw = Record<string, any>;
export type Cell = string | number | boolean | null;

function exercisesOf(nodes: Raw[]): { id: string; title: string; type: string }[] {
  return nodes.flatMap((node) =>
    node.type === 'module'
      ? exercisesOf(node.children)
      : node.exerciseType
        ? [{ id: node.id, title: node.name, type: node.exerciseType }]
        : [],
  );
}

/** Enrolments of a course with their profiles, in the API's order: batch id, then bucket, then user id. */
function enrolmentsOf(records: Raw[], courseId: string) {
  const users = new Map(records.filter((r) => r.kind === 'user').map((r) => [r.userId, r]));
  return records
    .filter((r) => r.kind === 'enrolment' && r.courseId === courseId)
    .sort(
      (a, b) =>
        (a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : 0) ||
        learnerBucket(a.userId) - learnerBucket(b.userId) ||
        (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    )
    .map((enrolment) => ({ enrolment, profile: users.get(enrolment.userId) }));
}

function common(records: Raw[], courseId: string) {
  const course = records.find((r) => r.kind === 'course' && r.courseId === courseId) as Raw;
  const exercises = exercisesOf(course.children);
  return { course, exercises };
}

function learner(course: Raw, exercises: { id: string }[], enrolment: Raw, profile: Raw | undefined) {
  const results = new Map<string, Raw>((enrolment.exerciseResults ?? []).map((r: Raw) => [r.exerciseId, r]));
  const finished = exercises.filter((e) => results.has(e.id)).length;
  return {
    results,
    row: {
      course_id: course.courseId,
      course_name: course.name,
      enrollment_id: `${enrolment.batchId}:${enrolment.userId}`,
      email: profile?.email ?? null,
      name: profile?.name ?? null,
      workspace_id: enrolment.workspaceId ?? enrolment.batchId,
      enrolled_at: enrolment.enrolledAt,
      started_at: enrolment.startedAt ?? null,
      status: enrolment.completedAt ? 'finished' : enrolment.startedAt ? 'started' : 'enrolled',
      exercises_finished: finished,
      exercises_count: exercises.length,
      all_exercises_completed: exercises.length > 0 && finished === exercises.length,
    } as Record<string, Cell>,
  };
}

export function expectedEnrollments(raw: unknown[], courseId: string): Record<string, Cell>[] {
  const records = raw as Raw[];
  const { course, exercises } = common(records, courseId);
  return enrolmentsOf(records, courseId).map(({ enrolment, profile }) => learner(course, exercises, enrolment, profile).row);
}

export function expectedExercises(raw: unknown[], courseId: string): Record<string, Cell>[] {
  const records = raw as Raw[];
  const { course, exercises } = common(records, courseId);
  return enrolmentsOf(records, courseId).map(({ enrolment, profile }) => {
    const { row, results } = learner(course, exercises, enrolment, profile);
    const item: Record<string, Cell> = {};
    for (const key of [
      'course_id',
      'course_name',
      'enrollment_id',
      'email',
      'name',
      'workspace_id',
      'exercises_finished',
      'exercises_count',
      'all_exercises_completed',
    ]) {
      item[key] = row[key] as Cell;
    }
    exercises.forEach((exercise, i) => {
      const result = results.get(exercise.id);
      item[`exercise${i + 1}_title`] = exercise.title;
      item[`exercise${i + 1}_type`] = exercise.type;
      item[`exercise${i + 1}_result`] = result?.result ?? null;
      item[`exercise${i + 1}_finished_at`] = result?.finishedAt ?? null;
    });
    return item;
  });
}

export interface ExpectedActivity {
  courseId: string;
  workspaceId: string;
  enrollmentId: string;
  name: string | null;
  email: string | null;
  status: string;
  enrolledAt: string;
  startedAt: string | null;
  sessions: { sessionStartTime: string; sessionEndTime: string; sessionDurationInSeconds: number }[];
  totalSessionTime: number;
  from: string;
  to: string;
}

/** Sessions overlapping the window (both bounds inclusive), whole, in start order. */
export function expectedUserActivity(raw: unknown[], courseId: string, window: { from: string; to: string }): ExpectedActivity[] {
  const records = raw as Raw[];
  const { course, exercises } = common(records, courseId);
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  return enrolmentsOf(records, courseId).map(({ enrolment, profile }) => {
    const { row } = learner(course, exercises, enrolment, profile);
    const sessions = records
      .filter(
        (r) =>
          r.kind === 'session' &&
          r.courseId === courseId &&
          r.batchId === enrolment.batchId &&
          r.userId === enrolment.userId &&
          Date.parse(r.startedAt) <= to &&
          Date.parse(r.endedAt) >= from,
      )
      .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
      .map((s) => ({
        sessionStartTime: s.startedAt,
        sessionEndTime: s.endedAt,
        sessionDurationInSeconds: (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000,
      }));
    const totalMs = sessions.reduce((sum, s) => sum + Math.round(s.sessionDurationInSeconds * 1000), 0);
    return {
      courseId: row.course_id as string,
      workspaceId: row.workspace_id as string,
      enrollmentId: row.enrollment_id as string,
      name: row.name as string | null,
      email: row.email as string | null,
      status: row.status as string,
      enrolledAt: row.enrolled_at as string,
      startedAt: row.started_at as string | null,
      sessions,
      totalSessionTime: totalMs / 1000,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
  });
}

/** The CSV the seed describes, written by hand: strings quoted (quotes doubled), numbers and booleans bare, null empty. */
export function csvText(header: string[], rows: Cell[][]): string {
  const cell = (value: Cell) =>
    value === null ? '' : typeof value === 'string' ? `"${value.replaceAll('"', '""')}"` : String(value);
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\n`).join('');
}
