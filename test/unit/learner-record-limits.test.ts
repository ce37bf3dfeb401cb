import { describe, expect, it } from 'vitest';
import { CourseAttemptRecordSchema } from '#shared/domain/learner-records';

const attempt = {
  kind: 'course-attempt',
  org: 'org-a',
  attemptId: 'a-1',
  userId: 'u-1',
  courseId: 'c-1',
  startedAt: '2026-01-01T00:00:00Z',
  lastActivityAt: '2026-01-02T00:00:00Z',
  timeSpentSeconds: 60,
  progress: 50,
  language: 'en',
};

describe('learner records: numbers DynamoDB can store', () => {
  it('accepts ordinary scores, progress and times', () => {
    expect(CourseAttemptRecordSchema.safeParse({ ...attempt, score: 0, progress: 100 }).success).toBe(true);
  });

  it('refuses a percentage below DynamoDB’s smallest magnitude and a time past the measure limit', () => {
    expect(CourseAttemptRecordSchema.safeParse({ ...attempt, progress: 1e-200 }).success).toBe(false);
    expect(CourseAttemptRecordSchema.safeParse({ ...attempt, score: 1e-131 }).success).toBe(false);
    expect(CourseAttemptRecordSchema.safeParse({ ...attempt, timeSpentSeconds: 1e300 }).success).toBe(false);
    expect(CourseAttemptRecordSchema.safeParse({ ...attempt, timeSpentSeconds: 2e9 }).success).toBe(false);
  });
});
