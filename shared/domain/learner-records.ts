import { z } from 'zod';
import { MAX_MEASURE, Measure } from './limits.ts';
import {
  CourseRecordSchema,
  Id,
  type LearningRecord,
  LearningRecordSchema,
  Text,
  Timestamp,
  UserRecordSchema,
} from './records.ts';

/**
 * The learner statistics records (360Learning-style): who belongs to which group with which role,
 * who manages whom, what each learner played, answered, obtained and posted. One zod schema per
 * kind; they enter through the same ingestion use case as the course exhaust records. How they map
 * onto the course / batch / enrolment records is written down in docs/records.md.
 *
 * Every record here carries `org`, and every id it names (user, group, course, program, path,
 * session, post) must belong to that same org: ingestion checks it before writing anything.
 */

/** Scores and progress are percentages; like every stored number, 0 or within DynamoDB's range. */
const Percent = Measure.max(100);
const Seconds = z.number().int().nonnegative().max(MAX_MEASURE, `must be at most ${MAX_MEASURE}`);
const Tags = z.array(z.string().min(1).max(100)).max(50).default([]);

export const REGISTRATION_METHODS = ['invited', 'api', 'self-registered', 'sso', 'platform-creator'] as const;

/** The user record grows the profile fields the statistics show; the exhaust reports ignore them. */
export const LearnerUserRecordSchema = UserRecordSchema.extend({
  firstName: Text.optional(),
  lastName: Text.optional(),
  /** Title / employment. */
  title: Text.optional(),
  additionalInformation: z.string().max(2000).optional(),
  customFields: z.record(z.string().min(1).max(100), z.string().max(500)).optional(),
  registration: z
    .object({
      createdAt: Timestamp,
      method: z.enum(REGISTRATION_METHODS),
      /** Who invited them, when `method` is `invited`. */
      invitedBy: Id.optional(),
    })
    .optional(),
  autoDeletionAt: Timestamp.optional(),
  deletedAt: Timestamp.optional(),
});
export type LearnerUserRecord = z.infer<typeof LearnerUserRecordSchema>;

/**
 * A course grows a main author: its creator unless `mainAuthorId` says otherwise. A duplicate
 * (`duplicateOf`) keeps the original's main author, whatever it names itself.
 */
export const LearnerCourseRecordSchema = CourseRecordSchema.extend({
  mainAuthorId: Id.optional(),
  duplicateOf: Id.optional(),
  publishedAt: Timestamp.optional(),
});
export type LearnerCourseRecord = z.infer<typeof LearnerCourseRecordSchema>;

export const OrganisationRecordSchema = z.object({
  kind: z.literal('organisation'),
  org: Id,
  name: Text,
  ownerId: Id,
  /** Platform administrators: they see every user's statistics, like the owner. */
  platformAdminIds: z.array(Id).max(100).default([]),
});

export const GroupRecordSchema = z.object({ kind: z.literal('group'), org: Id, groupId: Id, name: Text });

export const GROUP_ROLES = ['learner', 'coach', 'administrator', 'user-administrator', 'author'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** One role per user and group; a later record for the same pair replaces the role. */
export const MembershipRecordSchema = z.object({
  kind: z.literal('membership'),
  org: Id,
  groupId: Id,
  userId: Id,
  role: z.enum(GROUP_ROLES),
});

/** `managerId` manages `userId`; a user may have several managers (one record each). */
export const ManagerRecordSchema = z
  .object({ kind: z.literal('manager'), org: Id, userId: Id, managerId: Id })
  .refine((r) => r.userId !== r.managerId, { message: 'a user cannot manage themselves', path: ['managerId'] });

export const ProgramRecordSchema = z.object({
  kind: z.literal('program'),
  org: Id,
  programId: Id,
  name: Text,
  createdAt: Timestamp,
});

/** A program session is the program's batch: a dated run of its courses, in blocks, for assigned users. */
export const ProgramSessionRecordSchema = z.object({
  kind: z.literal('program-session'),
  org: Id,
  programId: Id,
  sessionId: Id,
  name: Text,
  createdAt: Timestamp,
  startsAt: Timestamp.optional(),
  endsAt: Timestamp.optional(),
  blocks: z
    .array(z.object({ name: Text, courseIds: z.array(Id).min(1).max(100) }))
    .min(1)
    .max(50),
  assignedUserIds: z.array(Id).max(1000).default([]),
  assignedGroupIds: z.array(Id).max(100).default([]),
});

export const PathRecordSchema = z.object({ kind: z.literal('path'), org: Id, pathId: Id, name: Text });

export const PathSessionRecordSchema = z.object({
  kind: z.literal('path-session'),
  org: Id,
  pathId: Id,
  sessionId: Id,
  name: Text,
  /** Who the path session is assigned to, like a program session (the exports' Assigned paths). */
  assignedUserIds: z.array(Id).max(1000).default([]),
  assignedGroupIds: z.array(Id).max(100).default([]),
});

/** One play of a course by a user, inside a program session or not (an enrolment without a batch). */
export const CourseAttemptRecordSchema = z.object({
  kind: z.literal('course-attempt'),
  org: Id,
  attemptId: Id,
  userId: Id,
  courseId: Id,
  programSessionId: Id.optional(),
  startedAt: Timestamp,
  lastActivityAt: Timestamp,
  timeSpentSeconds: Seconds,
  score: Percent.optional(),
  progress: Percent,
  language: z.string().min(2).max(35),
  completedAt: Timestamp.optional(),
});

/** One answer to one question; a question answered three times is three records. */
export const AnswerRecordSchema = z.object({
  kind: z.literal('answer'),
  org: Id,
  answerId: Id,
  userId: Id,
  courseId: Id,
  questionId: Id,
  question: Text,
  score: Percent,
  answeredAt: Timestamp,
  tags: Tags,
});

export const AssessmentResultRecordSchema = z.object({
  kind: z.literal('assessment-result'),
  org: Id,
  resultId: Id,
  userId: Id,
  name: Text,
  courseId: Id.optional(),
  score: Percent,
  assessedAt: Timestamp,
  tags: Tags,
});

export const AttendanceRecordSchema = z.object({
  kind: z.literal('attendance'),
  org: Id,
  attendanceId: Id,
  userId: Id,
  classroomId: Id,
  programSessionId: Id.optional(),
  at: Timestamp,
  present: z.boolean(),
  durationSeconds: Seconds.optional(),
});

/** Obtained through a path (and path session) or a program, never both. */
export const CertificateRecordSchema = z
  .object({
    kind: z.literal('certificate'),
    org: Id,
    certificateId: Id,
    userId: Id,
    name: Text,
    pathId: Id.optional(),
    pathSessionId: Id.optional(),
    programId: Id.optional(),
    deliveredAt: Timestamp,
    expiresAt: Timestamp.optional(),
  })
  .refine((c) => !(c.programId && (c.pathId || c.pathSessionId)), {
    message: 'a certificate comes from a path or a program, not both',
    path: ['programId'],
  })
  .refine((c) => !c.pathSessionId || c.pathId, { message: 'a path session needs its path', path: ['pathId'] });

export const POST_PLACES = [
  'group-newsfeed',
  'session-newsfeed',
  'profile',
  'course-forum',
  'path-forum',
  'learning-need-forum',
  'project-forum',
] as const;
export type PostPlace = (typeof POST_PLACES)[number];
export const POST_TYPES = ['publication', 'reply', 'correction'] as const;

/** Where a post lives names its target: a group, a program session, a user, a course, a path… */
export const PostRecordSchema = z
  .object({
    kind: z.literal('post'),
    org: Id,
    postId: Id,
    authorId: Id,
    place: z.enum(POST_PLACES),
    /** The group, session, profile's user, course, path, learning need or project. */
    placeId: Id,
    type: z.enum(POST_TYPES),
    /** The post this one answers (replies and corrections). */
    replyToPostId: Id.optional(),
    postedAt: Timestamp,
  })
  .refine((p) => (p.type === 'publication') === (p.replyToPostId === undefined), {
    message: 'replies and corrections name the post they answer; publications do not',
    path: ['replyToPostId'],
  });

/** A reaction to a course activity, with a score (e.g. 1–5 stars, as a percentage). */
export const ReactionRecordSchema = z.object({
  kind: z.literal('reaction'),
  org: Id,
  reactionId: Id,
  userId: Id,
  courseId: Id,
  score: Percent,
  reactedAt: Timestamp,
});

export const LikeRecordSchema = z.object({
  kind: z.literal('like'),
  org: Id,
  likeId: Id,
  userId: Id,
  postId: Id,
  likedAt: Timestamp,
});

/** The kinds this module adds (user and course are extended, not added). */
export const LearnerRecordSchema = z.discriminatedUnion('kind', [
  OrganisationRecordSchema,
  GroupRecordSchema,
  MembershipRecordSchema,
  ManagerRecordSchema,
  ProgramRecordSchema,
  ProgramSessionRecordSchema,
  PathRecordSchema,
  PathSessionRecordSchema,
  CourseAttemptRecordSchema,
  AnswerRecordSchema,
  AssessmentResultRecordSchema,
  AttendanceRecordSchema,
  CertificateRecordSchema,
  PostRecordSchema,
  ReactionRecordSchema,
  LikeRecordSchema,
]);
export type LearnerRecord = z.infer<typeof LearnerRecordSchema>;
export type LearnerRecordOf<K extends LearnerRecord['kind']> = Extract<LearnerRecord, { kind: K }>;

export const LEARNER_KINDS: ReadonlySet<string> = new Set(LearnerRecordSchema.options.map((o) => o.shape.kind.value));

export function isLearnerRecord(record: { kind: string }): record is LearnerRecord {
  return LEARNER_KINDS.has(record.kind);
}

/**
 * Parses one incoming record with the schema of its kind: the learner kinds here, the extended
 * user and course, or else the exhaust records' own union (whose errors name the known kinds).
 */
export function parseIngestibleRecord(item: unknown): z.ZodSafeParseResult<LearningRecord | LearnerRecord> {
  const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined;
  if (kind === 'user') return LearnerUserRecordSchema.safeParse(item);
  if (kind === 'course') return LearnerCourseRecordSchema.safeParse(item);
  if (typeof kind === 'string' && LEARNER_KINDS.has(kind)) return LearnerRecordSchema.safeParse(item);
  return LearningRecordSchema.safeParse(item);
}
