import { type AttemptRecord, type CourseRecord, CourseRecordSchema, type EnrolmentRecord } from '#shared/domain/records';

/** A small course: two modules (one nested), two scored assessments with questions, one optional leaf. */
export const course: CourseRecord = CourseRecordSchema.parse({
  kind: 'course',
  org: 'org-1',
  courseId: 'course-1',
  name: 'Course One',
  creatorId: 'creator-1',
  children: [
    {
      type: 'module',
      id: 'm1',
      name: 'Module A',
      children: [
        { type: 'content', id: 'c1', name: 'Intro' },
        {
          type: 'assessment',
          id: 'a1',
          name: 'Quiz',
          maxScore: 10,
          questions: [{ id: 'q1', type: 'mcq', title: 'Pick', maxScore: 10, options: ['x', 'y'] }],
        },
      ],
    },
    {
      type: 'module',
      id: 'm2',
      name: 'Module B',
      children: [
        { type: 'module', id: 'm2a', name: 'Module A', children: [{ type: 'content', id: 'c2', name: 'Deep' }] },
        { type: 'content', id: 'c3', name: 'Extra', optional: true },
        {
          type: 'assessment',
          id: 'a2',
          name: 'Quiz',
          maxScore: 5,
          questions: [{ id: 'q2', type: 'ftb', title: 'Fill', maxScore: 5 }],
        },
      ],
    },
  ],
});

export const batch = {
  kind: 'batch' as const,
  org: 'org-1',
  courseId: 'course-1',
  batchId: 'batch-1',
  name: 'Batch One',
  startDate: '2026-01-01T00:00:00.000Z',
  creatorId: 'batch-creator',
  mentors: ['mentor-1'],
};

export function enrolment(overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord {
  return {
    kind: 'enrolment',
    courseId: 'course-1',
    batchId: 'batch-1',
    userId: 'u1',
    enrolledAt: '2026-01-02T10:00:00.000Z',
    completedContentIds: [],
    certificates: [],
    ...overrides,
  };
}

export function attempt(overrides: Partial<AttemptRecord> & Pick<AttemptRecord, 'assessmentId' | 'score'>): AttemptRecord {
  return {
    kind: 'attempt',
    courseId: 'course-1',
    batchId: 'batch-1',
    userId: 'u1',
    attemptId: `${overrides.assessmentId}-${overrides.score}`,
    attemptedAt: '2026-01-03T10:00:00.000Z',
    responses: [],
    ...overrides,
  };
}

/** A learner statistics course attempt: the fields a test varies, the rest fixed. */
export function courseAttempt(fields: {
  org: string;
  attemptId: string;
  userId: string;
  courseId: string;
  timeSpentSeconds: number;
  lastActivityAt: string;
}) {
  return { kind: 'course-attempt', startedAt: '2026-01-01T00:00:00Z', progress: 10, language: 'en', ...fields };
}
