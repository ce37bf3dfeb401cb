import type { CourseRecord, EnrolmentRecord } from '../domain/records.ts';
import { type CourseExercise, courseExercises } from './exercises.ts';
import type { ActivityWindow, LearnerActivity, LearnerProgress, LearnerSummary, ReportLearner } from './ports.ts';

/**
 * The three course reports (Strigo-style), as data: each says its CSV columns, and turns one
 * learner into JSON items and CSV rows. The field rules are written down in docs/records.md.
 */
export type Cell = string | number | boolean | null;
export type CourseReportKind = 'enrollments' | 'exercises' | 'user-activity';
export type EnrollmentStatus = 'enrolled' | 'started' | 'finished';

export interface ReportContext {
  course: CourseRecord;
  exercises: CourseExercise[];
  window?: ActivityWindow | undefined;
  /** Per exercise id, its slot; two exercises with one id share a slot (and a result). */
  slotOf: ReadonlyMap<string, number>;
  /** Per exercise (course order), its slot. */
  exerciseSlots: readonly number[];
  /** Per exercise (course order), its four JSON keys: exercise{n}_title, _type, _result, _finished_at. */
  exerciseKeys: readonly (readonly [string, string, string, string])[];
}

export interface CourseReport<L> {
  kind: CourseReportKind;
  csvColumns(context: ReportContext): string[];
  jsonItem(learner: L, context: ReportContext): Record<string, unknown>;
  /** One or more CSV rows, cells in the order of csvColumns. */
  csvRows(learner: L, context: ReportContext): Cell[][];
}

export const enrollmentId = (enrolment: Pick<EnrolmentRecord, 'batchId' | 'userId'>) =>
  `${enrolment.batchId}:${enrolment.userId}`;

export function enrollmentStatus(enrolment: Pick<EnrolmentRecord, 'startedAt' | 'completedAt'>): EnrollmentStatus {
  if (enrolment.completedAt) return 'finished';
  return enrolment.startedAt ? 'started' : 'enrolled';
}

/**
 * What every learner's row needs from the course, worked out once per report: the exercises, and
 * slots to look a learner's results up by (an array per learner rather than a Map: this runs for
 * every enrolment of the course).
 */
export function contextFor(course: CourseRecord, window?: ActivityWindow): ReportContext {
  const exercises = courseExercises(course);
  const slotOf = new Map<string, number>();
  for (const { id } of exercises) if (!slotOf.has(id)) slotOf.set(id, slotOf.size);
  return {
    course,
    exercises,
    window,
    slotOf,
    exerciseSlots: exercises.map(({ id }) => slotOf.get(id) as number),
    exerciseKeys: exercises.map((_, index) => {
      const n = index + 1;
      return [`exercise${n}_title`, `exercise${n}_type`, `exercise${n}_result`, `exercise${n}_finished_at`] as const;
    }),
  };
}

type ExerciseResult = NonNullable<EnrolmentRecord['exerciseResults']>[number];

/** A learner's result per exercise slot; of two results for one exercise the later one counts. */
function resultsBySlot(enrolment: LearnerProgress['enrolment'], context: ReportContext): (ExerciseResult | undefined)[] {
  const bySlot = new Array<ExerciseResult | undefined>(context.slotOf.size);
  for (const result of enrolment.exerciseResults ?? []) {
    const slot = context.slotOf.get(result.exerciseId);
    if (slot !== undefined) bySlot[slot] = result;
  }
  return bySlot;
}

/** Learner fields every report starts with; name and email are null without a profile. */
function learnerFields({ enrolment, profile }: ReportLearner, context: ReportContext) {
  return {
    course_id: context.course.courseId,
    course_name: context.course.name,
    enrollment_id: enrollmentId(enrolment),
    email: profile?.email ?? null,
    name: profile?.name ?? null,
    workspace_id: enrolment.workspaceId ?? enrolment.batchId,
    enrolled_at: enrolment.enrolledAt,
    started_at: enrolment.startedAt ?? null,
    status: enrollmentStatus(enrolment),
  };
}

/** Per exercise slot, whether the learner finished it (has a result for it). */
function finishedSlots(learner: LearnerProgress | LearnerSummary, context: ReportContext): boolean[] {
  const finished = new Array<boolean>(context.slotOf.size).fill(false);
  const ids =
    'finishedExerciseIds' in learner.enrolment
      ? learner.enrolment.finishedExerciseIds
      : (learner.enrolment.exerciseResults ?? []).map((result) => result.exerciseId);
  for (const id of ids) {
    const slot = context.slotOf.get(id);
    if (slot !== undefined) finished[slot] = true;
  }
  return finished;
}

/** The learner fields followed by how far they got; the user activity report has no use for the results. */
function progressFields(learner: LearnerProgress | LearnerSummary, context: ReportContext) {
  const finishedBySlot = finishedSlots(learner, context);
  let finished = 0;
  for (const slot of context.exerciseSlots) if (finishedBySlot[slot]) finished += 1;
  const count = context.exercises.length;
  return Object.assign(learnerFields(learner, context), {
    exercises_finished: finished,
    exercises_count: count,
    all_exercises_completed: count > 0 && finished === count,
  });
}

const ENROLLMENT_COLUMNS = [
  'course_id',
  'course_name',
  'enrollment_id',
  'email',
  'name',
  'workspace_id',
  'enrolled_at',
  'started_at',
  'status',
  'exercises_finished',
  'exercises_count',
  'all_exercises_completed',
] as const;

/** Reads either a learner's results (the exhaust) or only which exercises they finished (the API). */
export const enrollmentsReport: CourseReport<LearnerProgress | LearnerSummary> = {
  kind: 'enrollments',
  csvColumns: () => [...ENROLLMENT_COLUMNS],
  jsonItem: (learner, context) => progressFields(learner, context),
  csvRows(learner, context) {
    const fields = progressFields(learner, context);
    return [ENROLLMENT_COLUMNS.map((column) => fields[column])];
  },
};

const EXERCISE_LEAD_COLUMNS = [
  'course_id',
  'course_name',
  'enrollment_id',
  'email',
  'name',
  'workspace_id',
  'exercises_finished',
  'exercises_count',
  'all_exercises_completed',
] as const;

function exerciseItem(learner: LearnerProgress, context: ReportContext): Record<string, Cell> {
  const fields = progressFields(learner, context);
  const results = resultsBySlot(learner.enrolment, context);
  const item: Record<string, Cell> = {};
  for (const column of EXERCISE_LEAD_COLUMNS) item[column] = fields[column];
  context.exercises.forEach((exercise, index) => {
    const [title, type, outcome, finishedAt] = context.exerciseKeys[index] as readonly [string, string, string, string];
    const result = results[context.exerciseSlots[index] as number];
    item[title] = exercise.title;
    item[type] = exercise.type;
    item[outcome] = result?.result ?? null;
    item[finishedAt] = result?.finishedAt ?? null;
  });
  return item;
}

export const exercisesReport: CourseReport<LearnerProgress> = {
  kind: 'exercises',
  csvColumns: (context) => [
    ...EXERCISE_LEAD_COLUMNS,
    ...context.exercises.flatMap((_, index) =>
      ['title', 'type', 'result', 'finished_at'].map((part) => `exercise${index + 1}_${part}`),
    ),
  ],
  jsonItem: exerciseItem,
  csvRows: (bundle, context) => [Object.values(exerciseItem(bundle, context))],
};

/** Seconds with millisecond precision (timestamps carry milliseconds, so this is exact). */
const secondsBetween = (start: string, end: string) => (Date.parse(end) - Date.parse(start)) / 1000;
const roundMs = (seconds: number) => Math.round(seconds * 1000) / 1000;

function activityItem({ bundle, sessions }: LearnerActivity, context: ReportContext) {
  const fields = learnerFields(bundle, context);
  const listed = sessions.map((s) => ({
    sessionStartTime: s.startedAt,
    sessionEndTime: s.endedAt,
    sessionDurationInSeconds: secondsBetween(s.startedAt, s.endedAt),
  }));
  return {
    courseId: fields.course_id,
    workspaceId: fields.workspace_id,
    enrollmentId: fields.enrollment_id,
    name: fields.name,
    email: fields.email,
    status: fields.status,
    enrolledAt: fields.enrolled_at,
    startedAt: fields.started_at,
    sessions: listed,
    totalSessionTime: roundMs(listed.reduce((sum, s) => sum + s.sessionDurationInSeconds, 0)),
    from: context.window?.from ?? null,
    to: context.window?.to ?? null,
  };
}

export const userActivityReport: CourseReport<LearnerActivity> = {
  kind: 'user-activity',
  csvColumns: () => [
    'course_id',
    'workspace_id',
    'enrollment_id',
    'name',
    'email',
    'status',
    'enrolled_at',
    'started_at',
    'session_start_time',
    'session_end_time',
    'session_duration_in_seconds',
    'total_session_time',
    'from',
    'to',
  ],
  jsonItem: activityItem,
  csvRows(learner, context) {
    const item = activityItem(learner, context);
    const lead: Cell[] = [
      item.courseId,
      item.workspaceId,
      item.enrollmentId,
      item.name,
      item.email,
      item.status,
      item.enrolledAt,
      item.startedAt,
    ];
    const tail: Cell[] = [item.totalSessionTime, item.from, item.to];
    // One row per session; an enrolment without sessions in the window still gets one row, blank there.
    if (item.sessions.length === 0) return [[...lead, null, null, null, ...tail]];
    return item.sessions.map((s) => [...lead, s.sessionStartTime, s.sessionEndTime, s.sessionDurationInSeconds, ...tail]);
  },
};
