import { z } from 'zod';
import { GROUP_ROLES } from '#shared/domain/learner-records';
import { ReportTypes } from '#shared/domain/report-types';
import { ZipEncryptions } from '#shared/domain/zip-encryption';

/**
 * What the API answers, as zod schemas for its OpenAPI description. Objects are loose: a field added
 * to an answer is not a breaking change, and the e2e tests check real answers against these.
 */

const Timestamp = z.iso.datetime({ offset: true });
const NullableString = z.string().nullable();
const Count = z.int().min(0);

/** Every JSON error of the /v1 routes (functions/commons/http.ts `errorResponse`). */
export const ApiError = z.strictObject({
  error: z.strictObject({
    code: z.enum([
      'ValidationError',
      'UnsupportedMediaType',
      'Unauthorized',
      'Forbidden',
      'NotFound',
      'DuplicateRequest',
      'InternalError',
    ]),
    message: z.string().max(300),
    issues: z
      .array(z.strictObject({ path: z.string().max(100), message: z.string().max(200) }))
      .max(20)
      .optional(),
    existingRequestId: z.string().optional().meta({ description: 'With DuplicateRequest (409): the request still in progress' }),
  }),
});

/** The course reports' error envelope (functions/commons/http.ts `courseReportErrorResponse`). */
export const CourseReportError = z.strictObject({
  result: z.literal('error'),
  error: z.strictObject({
    code: z.enum(['BadRequest', 'Unauthorized', 'NotFound', 'TooManyRequests', 'InternalError']),
    message: z.string().max(300),
  }),
});

/** What API Gateway itself answers when its authorizer refuses a call or no route matches. */
export const GatewayError = z.strictObject({ message: z.string() });

const ReportFile = z.looseObject({
  fileName: z.string(),
  rows: Count,
  bytes: Count,
  sha256: z.string(),
  url: z.url().meta({ description: 'Presigned download link, minted on this read' }),
  expiresAt: Timestamp,
});

export const ReportView = z.looseObject({
  id: z.string(),
  type: z.enum(ReportTypes),
  courseId: z.string().optional().meta({ description: 'The course; absent on an org export (learner statistics)' }),
  batchIds: z.array(z.string()).meta({ description: "The course's batches; an org export has one part, `export`" }),
  status: z.enum(['SUBMITTED', 'PROCESSING', 'SUCCESS', 'FAILED', 'EXPIRED']),
  requestedBy: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  completedAt: Timestamp.optional(),
  error: z.string().optional(),
  encryption: z.enum(ZipEncryptions).optional(),
  window: z.looseObject({ from: Timestamp, to: Timestamp }).optional(),
  filters: z.looseObject({}).optional().meta({ description: "An org export's filters, as resolved when it was requested" }),
  fileName: z.string().optional().meta({ description: "An org export's file name" }),
  batches: z.array(
    z.looseObject({
      batchId: z.string(),
      status: z.string(),
      error: z.string().optional(),
      file: ReportFile.optional(),
    }),
  ),
});

export const SubmittedReport = z.looseObject({
  request: z.looseObject({
    id: z.string(),
    type: z.enum(ReportTypes),
    courseId: z.string().optional(),
    batchIds: z.array(z.string()),
    status: z.literal('SUBMITTED'),
    createdAt: Timestamp,
  }),
});

const CourseRole = z.enum(['creator', 'mentor']);

export const CourseHits = z.looseObject({
  courses: z.array(z.looseObject({ courseId: z.string(), name: z.string(), roles: z.array(CourseRole) })),
});

export const CourseOverview = z.looseObject({
  course: z.looseObject({
    courseId: z.string(),
    name: z.string(),
    batches: z.array(
      z.looseObject({
        batchId: z.string(),
        name: z.string(),
        startDate: z.string(),
        endDate: z.string().optional(),
        status: z.enum(['Live', 'Expired']),
        enrolments: Count,
        role: CourseRole,
        reportTypes: z.array(z.enum(ReportTypes)),
      }),
    ),
  }),
});

export const UsersPage = z.looseObject({
  users: z.array(
    z.looseObject({
      userId: z.string(),
      firstName: NullableString,
      lastName: NullableString,
      email: NullableString,
      timeSpentSeconds: z.number().min(0),
      lastActivityAt: NullableString,
      directReports: Count,
      deletedAt: NullableString,
    }),
  ),
  nextCursor: NullableString.meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});

const UserName = z.looseObject({ userId: z.string(), firstName: NullableString, lastName: NullableString });

export const UserStatistics = z.looseObject({
  statistics: z.looseObject({
    user: UserName.extend({ email: NullableString, deletedAt: NullableString }),
    groups: z.array(z.looseObject({ groupId: z.string(), name: NullableString, role: z.enum(GROUP_ROLES) })),
    answeredQuestionCount: Count,
    averageAnswerScore: z.number().nullable(),
    totalTrainingTimeSeconds: z.number().min(0),
    postedMessages: z.looseObject({ publications: Count, comments: Count, corrections: Count }),
    certificates: z.array(z.looseObject({})),
    programSessions: z.array(z.looseObject({})),
    playedCourses: z.array(z.looseObject({})),
    answeredQuestions: z.array(z.looseObject({})),
    tags: z.array(z.looseObject({ tag: z.string() })),
  }),
});

export const PublicStatistics = z.looseObject({
  statistics: z.looseObject({
    user: UserName,
    side: z.enum(['learner', 'author']).meta({ description: "Which figures follow: a learner's or a course author's" }),
    windowDays: Count,
  }),
});

const ApiKeySummary = z.looseObject({ id: z.string(), label: z.string(), createdAt: Timestamp });

export const CreatedApiKey = z.looseObject({
  key: ApiKeySummary,
  apiKey: z.string().meta({ description: 'Shown in this answer only; only its hash is kept' }),
  authorization: z
    .string()
    .meta({ description: 'The Authorization header value for the course reports: `Bearer ORG_ID:API_KEY`' }),
});

export const ApiKeyList = z.looseObject({
  keys: z.array(ApiKeySummary.extend({ lastUsedAt: Timestamp.nullable(), revokedAt: Timestamp.nullable() })),
});

export const RevokedApiKey = z.looseObject({ revoked: z.string() });

export const IngestResult = z.looseObject({
  written: Count,
  byKind: z.record(z.string(), Count),
});

/** `{"result":"success","data":[…]}`: one item per enrolment, fields as in the README's column tables. */
export const CourseReportData = z.looseObject({
  result: z.literal('success'),
  data: z.array(z.looseObject({})),
});

/** A result too large to answer inline (303): a presigned link to its stored copy. */
export const CourseReportRedirect = z.looseObject({
  result: z.literal('success'),
  location: z.url(),
  expiresInSeconds: z.int().positive(),
});
