import { z } from 'zod';
import { MAX_OUTLINE_DEPTH, MAX_OUTLINE_NODES, Measure, outlineShape } from './limits.ts';

/**
 * The learning records the reports read, one zod schema per record kind. Every record enters
 * through these schemas (ingestion API, bulk import, demo seeder), so the repository can trust them.
 */

/** Ids become parts of DynamoDB sort keys: no '#' and nothing that sorts below it. */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : - are allowed');

/** An instant with a zone, stored as UTC ISO-8601 so stored timestamps sort as text. */
export const Timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());
/** A name or other free text shown in a report. */
export const Text = z.string().max(500);
const OptionalText = Text.optional();

export const QuestionTypes = ['mcq', 'mtf', 'ftb'] as const;
export type QuestionType = (typeof QuestionTypes)[number];

export const QuestionSchema = z.object({
  id: Id,
  type: z.enum(QuestionTypes),
  title: Text,
  description: OptionalText,
  maxScore: Measure,
  /** Choices (mcq), pairs (mtf) or blanks (ftb), in display order. */
  options: z.array(z.string().max(2000)).max(100).default([]),
});
export type Question = z.infer<typeof QuestionSchema>;

/**
 * A leaf marked with an exercise type is one of the course's exercises in the course reports
 * (docs/records.md): `question` for quiz-like items, `exercise` for hands-on tasks.
 */
export const ExerciseTypes = ['question', 'exercise'] as const;
export type ExerciseType = (typeof ExerciseTypes)[number];

export interface ContentNode {
  type: 'content';
  id: string;
  name: string;
  optional?: boolean | undefined;
  exerciseType?: ExerciseType | undefined;
}
export interface AssessmentNode {
  type: 'assessment';
  id: string;
  name: string;
  maxScore: number;
  optional?: boolean | undefined;
  exerciseType?: ExerciseType | undefined;
  questions: Question[];
}
export interface ModuleNode {
  type: 'module';
  id: string;
  name: string;
  optional?: boolean | undefined;
  children: CourseNode[];
}
export type CourseNode = ContentNode | AssessmentNode | ModuleNode;

const ContentNodeSchema = z.object({
  type: z.literal('content'),
  id: Id,
  name: Text,
  optional: z.boolean().optional(),
  exerciseType: z.enum(ExerciseTypes).optional(),
});
const AssessmentNodeSchema = z.object({
  type: z.literal('assessment'),
  id: Id,
  name: Text,
  maxScore: Measure.refine((value) => value > 0, 'must be above 0'),
  optional: z.boolean().optional(),
  exerciseType: z.enum(ExerciseTypes).optional(),
  questions: z.array(QuestionSchema).max(500).default([]),
});
export const CourseNodeSchema: z.ZodType<CourseNode, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ContentNodeSchema,
    AssessmentNodeSchema,
    z.object({
      type: z.literal('module'),
      id: Id,
      name: Text,
      optional: z.boolean().optional(),
      children: z.array(CourseNodeSchema).min(1).max(MAX_OUTLINE_NODES),
    }),
  ]),
);

export const CourseRecordSchema = z
  .object({
    kind: z.literal('course'),
    org: Id,
    courseId: Id,
    name: Text,
    creatorId: Id,
    children: z.array(CourseNodeSchema).min(1).max(MAX_OUTLINE_NODES),
  })
  .superRefine((course, ctx) => {
    const shape = outlineShape(course.children);
    if (shape.depth > MAX_OUTLINE_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['children'],
        message: `nests ${shape.depth} levels deep; at most ${MAX_OUTLINE_DEPTH}`,
      });
    }
    if (shape.nodes > MAX_OUTLINE_NODES) {
      ctx.addIssue({ code: 'custom', path: ['children'], message: `has ${shape.nodes} nodes; at most ${MAX_OUTLINE_NODES}` });
    }
  });
export type CourseRecord = z.infer<typeof CourseRecordSchema>;

export const BatchRecordSchema = z.object({
  kind: z.literal('batch'),
  org: Id,
  courseId: Id,
  batchId: Id,
  name: Text,
  startDate: Timestamp,
  endDate: Timestamp.optional(),
  creatorId: Id,
  mentors: z.array(Id).max(1_000).default([]),
});
export type BatchRecord = z.infer<typeof BatchRecordSchema>;

export const UserRecordSchema = z.object({
  kind: z.literal('user'),
  org: Id,
  userId: Id,
  name: Text,
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{6,20}$/, 'a phone number')
    .optional(),
  externalId: OptionalText,
  state: OptionalText,
  district: OptionalText,
  orgName: OptionalText,
  schoolId: OptionalText,
  schoolName: OptionalText,
  block: OptionalText,
  cluster: OptionalText,
  userType: OptionalText,
  userSubType: OptionalText,
  board: OptionalText,
});
export type UserRecord = z.infer<typeof UserRecordSchema>;

export const ExerciseResults = ['success', 'failure'] as const;
export type ExerciseResult = (typeof ExerciseResults)[number];

/** The latest outcome of one exercise of the course for one learner. */
export const ExerciseResultSchema = z.object({
  exerciseId: Id,
  result: z.enum(ExerciseResults),
  finishedAt: Timestamp,
});

export const EnrolmentRecordSchema = z.object({
  kind: z.literal('enrolment'),
  courseId: Id,
  batchId: Id,
  userId: Id,
  enrolledAt: Timestamp,
  /** When the learner first opened the course; absent while they never have. */
  startedAt: Timestamp.optional(),
  completedAt: Timestamp.optional(),
  /** The learner's workspace in the integrator's platform; the course reports show the batch id when absent. */
  workspaceId: Id.optional(),
  /** Leaf contents and assessments of the course the learner has completed. */
  completedContentIds: z.array(Id).max(MAX_OUTLINE_NODES).default([]),
  certificates: z
    .array(z.object({ id: Id, issuedAt: Timestamp }))
    .max(100)
    .default([]),
  /** One latest result per exercise of the course (leaves with an exerciseType); absent means none. */
  exerciseResults: z.array(ExerciseResultSchema).max(MAX_OUTLINE_NODES).optional(),
});
export type EnrolmentRecord = z.infer<typeof EnrolmentRecordSchema>;

/**
 * An enrolment as stored: the record, and the ids of the exercises it has a result for, derived at
 * every write so a report that only counts finished exercises need not read the results
 * themselves (about 100 bytes each). Absent on enrolments stored before it was added.
 */
export type StoredEnrolment = EnrolmentRecord & { finishedExerciseIds?: string[] };

export function finishedExerciseIds(enrolment: Pick<EnrolmentRecord, 'exerciseResults'>): string[] {
  return [...new Set((enrolment.exerciseResults ?? []).map((result) => result.exerciseId))];
}

/** The enrolment as it is stored: what ingestion measures against the item size limit, and what is put. */
export function storedEnrolment(enrolment: EnrolmentRecord): StoredEnrolment {
  return { ...enrolment, finishedExerciseIds: finishedExerciseIds(enrolment) };
}

/** The learner's latest word on sharing their profile with the course's owners. */
export const ConsentRecordSchema = z.object({
  kind: z.literal('consent'),
  courseId: Id,
  batchId: Id,
  userId: Id,
  given: z.boolean(),
  at: Timestamp,
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

export const QuestionResponseSchema = z.object({
  questionId: Id,
  score: Measure,
  durationSeconds: Measure.optional(),
  response: z.array(z.string().max(2000)).max(100).default([]),
});
export type QuestionResponse = z.infer<typeof QuestionResponseSchema>;

export const AttemptRecordSchema = z.object({
  kind: z.literal('attempt'),
  courseId: Id,
  batchId: Id,
  userId: Id,
  assessmentId: Id,
  attemptId: Id,
  attemptedAt: Timestamp,
  score: Measure,
  responses: z.array(QuestionResponseSchema).max(500).default([]),
});
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;

/** One stretch of time a learner spent in the course (user activity report). */
export const SessionRecordSchema = z
  .object({
    kind: z.literal('session'),
    courseId: Id,
    batchId: Id,
    userId: Id,
    startedAt: Timestamp,
    endedAt: Timestamp,
  })
  .refine((session) => session.endedAt >= session.startedAt, { path: ['endedAt'], message: 'is before startedAt' });
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

export const LearningRecordSchema = z.discriminatedUnion('kind', [
  CourseRecordSchema,
  BatchRecordSchema,
  UserRecordSchema,
  EnrolmentRecordSchema,
  ConsentRecordSchema,
  AttemptRecordSchema,
  SessionRecordSchema,
]);
export type LearningRecord = z.infer<typeof LearningRecordSchema>;

/** Everything one report row-builder needs about one learner of a batch, read together. */
export interface LearnerBundle {
  enrolment: EnrolmentRecord;
  attempts: AttemptRecord[];
  consent?: ConsentRecord | undefined;
  profile?: UserRecord | undefined;
  /** Activity sessions in a window, in start order: read only for the user activity report. */
  sessions?: SessionRecord[] | undefined;
}
