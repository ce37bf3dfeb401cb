import { outlineCourse } from '#shared/domain/course-structure';
import { CourseRecordSchema, type LearnerBundle } from '#shared/domain/records';

/**
 * A synthetic course batch for the benchmark and the memory test: a course with 5 modules (two of
 * them nested) and 5 assessments, and any number of enrolled learners with attempts and profiles,
 * generated page by page so the generator itself holds one page at a time.
 */
/** 5 modules (two nested) and 5 assessments, as the issue asks. */
export const benchCourse = CourseRecordSchema.parse({
  kind: 'course',
  org: 'org-bench',
  courseId: 'do_bench_course',
  name: 'Benchmark course',
  creatorId: 'creator',
  children: [1, 2, 3].map((m) => ({
    type: 'module',
    id: `m${m}`,
    name: `Module ${m}`,
    children: [
      { type: 'content', id: `c${m}a`, name: `Content ${m}a` },
      { type: 'content', id: `c${m}b`, name: `Content ${m}b` },
      ...(m < 3
        ? [
            {
              type: 'module',
              id: `m${m}x`,
              name: `Module ${m} deep dive`,
              children: [{ type: 'content', id: `c${m}x`, name: 'Deep' }],
            },
          ]
        : []),
      {
        type: 'assessment',
        id: `a${m}`,
        name: `Assessment ${m}`,
        maxScore: 10,
        questions: [1, 2].map((q) => ({
          id: `q${m}-${q}`,
          type: 'mcq',
          title: `Question ${q} of assessment ${m}`,
          maxScore: 5,
          options: ['Paris', 'Lyon, France', 'Nice'],
        })),
      },
      ...(m < 3 ? [{ type: 'assessment', id: `a${m}b`, name: `Assessment ${m}b`, maxScore: 20 }] : []),
    ],
  })),
});
export const benchBatch = {
  kind: 'batch' as const,
  org: 'org-bench',
  courseId: benchCourse.courseId,
  batchId: '0130934495109531234',
  name: 'Bench batch',
  startDate: '2026-01-01T00:00:00.000Z',
  creatorId: 'creator',
  mentors: [],
};

/**
 * Pages of 100 learners, as the repository's Query + BatchGet pages would arrive. With
 * `responses`, each attempt also answers its questions (the question set report's rows) and every
 * other learner has consented (the user profile report's personal columns).
 */
export function* syntheticLearnerPages(count: number, options: { responses?: boolean } = {}): Generator<LearnerBundle[]> {
  let page: LearnerBundle[] = [];
  const outline = outlineCourse(benchCourse);
  const leaves = [...outline.leafIds];
  // Which leaves a learner completed depends on i % 3 only: three lists, shared (records are read-only).
  const completions = [0, 1, 2].map((r) => leaves.filter((_, l) => (r + l) % 3 !== 0));
  const states = ['Karnataka', 'Maharashtra', 'Uttar Pradesh', 'Tamil Nadu', 'Kerala'];
  for (let i = 0; i < count; i += 1) {
    const userId = `user-${String(i).padStart(8, '0')}`;
    page.push({
      enrolment: {
        kind: 'enrolment',
        courseId: benchCourse.courseId,
        batchId: benchBatch.batchId,
        userId,
        enrolledAt: '2026-02-01T10:00:00.000Z',
        completedAt: i % 4 === 0 ? '2026-03-01T10:00:00.000Z' : undefined,
        completedContentIds: completions[i % 3] as string[],
        certificates: i % 4 === 0 ? [{ id: `cert-${i}`, issuedAt: '2026-03-02T00:00:00.000Z' }] : [],
      },
      attempts: outline.assessments.map((a, k) => ({
        kind: 'attempt' as const,
        courseId: benchCourse.courseId,
        batchId: benchBatch.batchId,
        userId,
        assessmentId: a.id,
        attemptId: `t${i}-${k}`,
        attemptedAt: '2026-02-10T10:00:00.000Z',
        score: (i * 7 + k) % (a.maxScore + 1),
        responses: options.responses
          ? (a.questions ?? []).map((q, n) => ({
              questionId: q.id,
              score: (i + n) % (q.maxScore + 1),
              durationSeconds: 10 + ((i + n) % 50),
              response: [q.options?.[(i + n) % 3] ?? ''],
            }))
          : [],
      })),
      ...(options.responses && i % 2 === 0
        ? {
            consent: {
              kind: 'consent' as const,
              courseId: benchCourse.courseId,
              batchId: benchBatch.batchId,
              userId,
              given: true,
              at: '2026-02-01T10:00:00.000Z',
            },
          }
        : {}),
      profile: {
        kind: 'user',
        org: 'org-bench',
        userId,
        name: `Learner ${i}`,
        email: `learner${i}@example.org`,
        phone: `+91 98${String(i).padStart(8, '0')}`,
        externalId: `EXT-${i}`,
        state: states[i % states.length],
        district: `District ${i % 40}`,
        orgName: 'Department of School Education',
        schoolId: String(29_000_000_000 + i),
        schoolName: `Government Higher Primary School ${i % 1000}`,
        block: `Block ${i % 30}`,
        cluster: `Cluster ${i % 300}`,
        userType: 'teacher',
        userSubType: 'primary',
        board: 'State Board',
      },
    });
    if (page.length === 100) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
