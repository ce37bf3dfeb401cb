/**
 * A realistic demo course, generated deterministically: nested modules, three question sets,
 * batches that are live, expired and empty, a few hundred learners across states and districts,
 * completions with certificates, repeated attempts, and consents given, refused and withdrawn.
 * It is raw input for the ingestion path, which validates it like any other records.
 */
export const DEMO = {
  org: 'org-demo',
  courseId: 'do_2138412345678901234',
  creator: 'creator-anita',
  mentor: 'mentor-ravi',
  stranger: 'teacher-stranger',
  batches: {
    live: '0138412345678901234567',
    expired: '0138412345678901234999',
    empty: '0138412345678901235000',
  },
  otherOrg: { org: 'org-other', courseId: 'do_other_course', batchId: 'batch-other', creator: 'creator-other' },
  /** A second course of the same organisation, to show batches never cross courses. */
  secondCourse: { courseId: 'do_second_course', batchId: 'batch-second' },
  /** A course with a Hindi name ("Foundations of Mathematics, Class 5"), mentored by the demo mentor. */
  hindiCourse: {
    courseId: 'do_hindi_maths',
    name: 'गणित की नींव: कक्षा 5',
    batchId: 'batch-hindi-1',
    learners: 5,
  },
} as const;

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATES: [string, string[]][] = [
  ['Karnataka', ['Bengaluru Urban', 'Mysuru', 'Belagavi']],
  ['Maharashtra', ['Pune', 'Nagpur']],
  ['Uttar Pradesh', ['Lucknow', 'Varanasi', 'Agra']],
  ['Tamil Nadu', ['Chennai', 'Madurai']],
];
const FIRST = ['Anaya', 'Vihaan', 'Ishita', 'Arjun', 'Meera', 'Kabir', 'अनन्या', 'ரவி', 'Zoë', "D'Souza"];
const LAST = ['Sharma', 'Rao', 'Iyer', 'Khan', 'Patil', 'शर्मा', 'Menon, Jr.', 'Das'];

export const DEMO_COURSE = {
  kind: 'course',
  org: DEMO.org,
  courseId: DEMO.courseId,
  name: 'Foundations of Classroom Assessment',
  creatorId: DEMO.creator,
  children: [
    {
      type: 'module',
      id: 'do_unit_1',
      name: 'Why we assess',
      children: [
        { type: 'content', id: 'do_c_1_1', name: 'Welcome video' },
        { type: 'content', id: 'do_c_1_2', name: 'Reading: purposes of assessment' },
        {
          type: 'assessment',
          id: 'do_qs_1',
          name: 'Check your understanding',
          maxScore: 10,
          exerciseType: 'question',
          questions: [
            {
              id: 'q_1_1',
              type: 'mcq',
              title: 'Formative assessment is…',
              maxScore: 5,
              options: ['graded, final', 'ongoing, for learning', 'only written'],
            },
            {
              id: 'q_1_2',
              type: 'mtf',
              title: 'Match the terms',
              description: 'Drag each term to its meaning',
              maxScore: 5,
              options: ['Rubric → scoring guide', 'Portfolio → collection of work', 'Quiz → short test'],
            },
          ],
        },
      ],
    },
    {
      type: 'module',
      id: 'do_unit_2',
      name: 'Designing questions',
      children: [
        { type: 'content', id: 'do_c_2_1', name: 'Good questions, bad questions' },
        {
          type: 'module',
          id: 'do_unit_2_1',
          name: 'Question types in practice',
          children: [
            { type: 'content', id: 'do_c_2_1_1', name: 'Multiple choice done right', exerciseType: 'exercise' },
            { type: 'content', id: 'do_c_2_1_2', name: 'Optional: history of testing', optional: true },
          ],
        },
        {
          type: 'assessment',
          id: 'do_qs_2',
          name: 'Practice quiz',
          maxScore: 5,
          exerciseType: 'question',
          questions: [
            { id: 'q_2_1', type: 'ftb', title: 'A ____ describes levels of performance.', maxScore: 3, options: ['rubric'] },
            {
              id: 'q_2_2',
              type: 'mcq',
              title: 'Which is "open-ended"?',
              description: 'Pick one,\nthen explain',
              maxScore: 2,
              options: ['What is 2+2?', 'Why, in your view, do seasons change?'],
            },
          ],
        },
      ],
    },
    {
      type: 'module',
      id: 'do_unit_3',
      name: 'Feedback that works',
      children: [
        { type: 'content', id: 'do_c_3_1', name: 'Giving feedback', exerciseType: 'exercise' },
        {
          type: 'assessment',
          id: 'do_qs_3',
          name: 'Final assessment',
          maxScore: 20,
          exerciseType: 'question',
          questions: [
            {
              id: 'q_3_1',
              type: 'mcq',
              title: 'Effective feedback is…',
              maxScore: 10,
              options: ['specific', 'vague', 'delayed'],
            },
            { id: 'q_3_2', type: 'ftb', title: 'Feedback should be timely and ____.', maxScore: 10, options: ['actionable'] },
          ],
        },
      ],
    },
  ],
};

/** The demo course's exercises (leaves with an exerciseType), in course order. */
const EXERCISES = ['do_qs_1', 'do_c_2_1_1', 'do_qs_2', 'do_c_3_1', 'do_qs_3'];

const LEAVES = ['do_c_1_1', 'do_c_1_2', 'do_qs_1', 'do_c_2_1', 'do_c_2_1_1', 'do_qs_2', 'do_c_3_1', 'do_qs_3'];
const ASSESSMENTS: { id: string; max: number; questions: { id: string; max: number; answers: string[][] }[] }[] = [
  {
    id: 'do_qs_1',
    max: 10,
    questions: [
      { id: 'q_1_1', max: 5, answers: [['ongoing, for learning'], ['graded, final']] },
      { id: 'q_1_2', max: 5, answers: [['Rubric → scoring guide', 'Quiz → short test'], []] },
    ],
  },
  {
    id: 'do_qs_2',
    max: 5,
    questions: [
      { id: 'q_2_1', max: 3, answers: [['rubric'], ['"checklist", maybe']] },
      { id: 'q_2_2', max: 2, answers: [['Why, in your view, do seasons change?'], ['What is 2+2?\n(I think)']] },
    ],
  },
  {
    id: 'do_qs_3',
    max: 20,
    questions: [
      { id: 'q_3_1', max: 10, answers: [['specific'], ['vague']] },
      { id: 'q_3_2', max: 10, answers: [['actionable'], ['=1+1']] },
    ],
  },
];

/** Demo records in dependency order: course, batches, users, then enrolments, consents, attempts. */
export function demoRecords(learners = 320): unknown[] {
  const random = prng(20261123);
  // The course reports' fields draw from their own sequence, so the exhaust demo data stays as it was.
  const activity = prng(42);
  const at = (day: number, minute: number) => Date.UTC(2026, 0, 1) + day * 86_400_000 + minute * 60_000;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const iso = (day: number, minute = 0) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + minute * 60_000).toISOString();

  const records: unknown[] = [DEMO_COURSE];
  records.push(
    {
      kind: 'batch',
      org: DEMO.org,
      courseId: DEMO.courseId,
      batchId: DEMO.batches.live,
      name: 'Spring cohort (live)',
      startDate: iso(10),
      creatorId: DEMO.creator,
      mentors: [DEMO.mentor],
    },
    {
      kind: 'batch',
      org: DEMO.org,
      courseId: DEMO.courseId,
      batchId: DEMO.batches.expired,
      name: 'Pilot cohort (expired)',
      startDate: iso(-200),
      endDate: iso(-20),
      creatorId: DEMO.creator,
      mentors: [],
    },
    {
      kind: 'batch',
      org: DEMO.org,
      courseId: DEMO.courseId,
      batchId: DEMO.batches.empty,
      name: 'Winter cohort (no learners yet)',
      startDate: iso(300),
      creatorId: DEMO.creator,
      mentors: [DEMO.mentor],
    },
    {
      kind: 'course',
      org: DEMO.org,
      courseId: DEMO.secondCourse.courseId,
      name: 'Second course',
      creatorId: DEMO.creator,
      children: [{ type: 'content', id: 's_c_1', name: 'Intro' }],
    },
    {
      kind: 'batch',
      org: DEMO.org,
      courseId: DEMO.secondCourse.courseId,
      batchId: DEMO.secondCourse.batchId,
      name: 'Second course batch',
      startDate: iso(1),
      creatorId: DEMO.creator,
      mentors: [],
    },
    {
      kind: 'course',
      org: DEMO.org,
      courseId: DEMO.hindiCourse.courseId,
      name: DEMO.hindiCourse.name,
      creatorId: DEMO.creator,
      children: [{ type: 'content', id: 'h_c_1', name: 'संख्याएँ' }],
    },
    {
      kind: 'batch',
      org: DEMO.org,
      courseId: DEMO.hindiCourse.courseId,
      batchId: DEMO.hindiCourse.batchId,
      name: 'पहला समूह',
      startDate: iso(5),
      creatorId: DEMO.creator,
      mentors: [DEMO.mentor],
    },
    {
      kind: 'course',
      org: DEMO.otherOrg.org,
      courseId: DEMO.otherOrg.courseId,
      name: 'Another org course',
      creatorId: DEMO.otherOrg.creator,
      children: [{ type: 'content', id: 'x_c_1', name: 'Intro' }],
    },
    {
      kind: 'batch',
      org: DEMO.otherOrg.org,
      courseId: DEMO.otherOrg.courseId,
      batchId: DEMO.otherOrg.batchId,
      name: 'Other batch',
      startDate: iso(1),
      creatorId: DEMO.otherOrg.creator,
      mentors: [],
    },
  );

  const learnerRecords: unknown[] = [];
  for (let i = 0; i < learners; i += 1) {
    const userId = `user-${String(i).padStart(4, '0')}`;
    const [state, districts] = pick(STATES);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    records.push({
      kind: 'user',
      org: DEMO.org,
      userId,
      name,
      email: `learner${i}@example.org`,
      phone: `+91 98${String(10000000 + i * 7919).slice(0, 8)}`,
      externalId: `EXT-${10000 + i}`,
      state,
      district: pick(districts),
      orgName: 'Department of School Education',
      schoolId: String(29000000000 + i * 37),
      schoolName: i % 50 === 7 ? '=HYPERLINK("http://evil.example","click")' : `Govt. School No. ${(i % 40) + 1}`,
      block: `Block ${(i % 6) + 1}`,
      cluster: `Cluster ${(i % 12) + 1}`,
      userType: i % 9 === 0 ? 'administrator' : 'teacher',
      userSubType: i % 9 === 0 ? 'hm' : 'primary',
      board: pick(['CBSE', 'State (Karnataka)', 'ICSE']),
    });

    if (i < DEMO.hindiCourse.learners) {
      learnerRecords.push({
        kind: 'enrolment',
        courseId: DEMO.hindiCourse.courseId,
        batchId: DEMO.hindiCourse.batchId,
        userId,
        enrolledAt: iso(6, i),
      });
    }
    const batchId = i % 8 === 0 ? DEMO.batches.expired : DEMO.batches.live;
    const enrolDay = 10 + Math.floor(random() * 20);
    const done = LEAVES.filter(() => random() < 0.6);
    const completed = random() < 0.25;
    // Course reports: most learners started (every one who completed), some in a named workspace,
    // with results for some exercises and a few activity sessions (durations with milliseconds).
    const started = completed || activity() < 0.85;
    const startedAt = at(enrolDay, i + 90);
    const exerciseResults = started
      ? EXERCISES.filter(() => activity() < 0.6).map((exerciseId, n) => ({
          exerciseId,
          result: activity() < 0.7 ? 'success' : 'failure',
          finishedAt: new Date(startedAt + (n + 1) * 86_400_000 + Math.floor(activity() * 1000)).toISOString(),
        }))
      : [];
    learnerRecords.push({
      kind: 'enrolment',
      courseId: DEMO.courseId,
      batchId,
      userId,
      enrolledAt: iso(enrolDay, i),
      ...(started ? { startedAt: new Date(startedAt).toISOString() } : {}),
      ...(completed ? { completedAt: iso(enrolDay + 30, i) } : {}),
      ...(i % 3 === 0 ? { workspaceId: `ws-${i % 7}` } : {}),
      completedContentIds: completed ? LEAVES : done,
      certificates: completed && random() < 0.9 ? [{ id: `cert-${i}`, issuedAt: iso(enrolDay + 31) }] : [],
      ...(exerciseResults.length > 0 ? { exerciseResults } : {}),
    });
    const sessions = started ? Math.floor(activity() * 4) : 0;
    for (let s = 0; s < sessions; s += 1) {
      const start = startedAt + s * 5 * 86_400_000 + Math.floor(activity() * 3_600_000);
      const end = start + 60_000 + Math.floor(activity() * 5_400_000);
      learnerRecords.push({
        kind: 'session',
        courseId: DEMO.courseId,
        batchId,
        userId,
        startedAt: new Date(start).toISOString(),
        endedAt: new Date(end).toISOString(),
      });
    }
    if (i < 3) {
      // The second course has no exercises; one of its learners never started it.
      learnerRecords.push({
        kind: 'enrolment',
        courseId: DEMO.secondCourse.courseId,
        batchId: DEMO.secondCourse.batchId,
        userId,
        enrolledAt: iso(2, i),
        ...(i === 0 ? {} : { startedAt: iso(3, i) }),
        ...(i === 2 ? { completedAt: iso(9, i), completedContentIds: ['s_c_1'] } : {}),
      });
    }

    const consentRoll = random();
    if (consentRoll < 0.6) {
      learnerRecords.push({ kind: 'consent', courseId: DEMO.courseId, batchId, userId, given: true, at: iso(enrolDay, 5) });
    } else if (consentRoll < 0.7) {
      // Withdrawn: the later event wins whatever order they arrive in.
      learnerRecords.push({ kind: 'consent', courseId: DEMO.courseId, batchId, userId, given: false, at: iso(enrolDay + 3) });
      learnerRecords.push({ kind: 'consent', courseId: DEMO.courseId, batchId, userId, given: true, at: iso(enrolDay, 5) });
    } else if (consentRoll < 0.8) {
      learnerRecords.push({ kind: 'consent', courseId: DEMO.courseId, batchId, userId, given: false, at: iso(enrolDay, 6) });
    }

    for (const assessment of ASSESSMENTS) {
      if (random() < 0.3) continue;
      const attempts = 1 + Math.floor(random() * 3);
      for (let a = 0; a < attempts; a += 1) {
        const responses = assessment.questions.map((question) => {
          const right = random() < 0.6;
          return {
            questionId: question.id,
            score: right ? question.max : Math.floor(random() * question.max),
            durationSeconds: 5 + Math.floor(random() * 120),
            response: right ? (question.answers[0] as string[]) : (question.answers[1] as string[]),
          };
        });
        learnerRecords.push({
          kind: 'attempt',
          courseId: DEMO.courseId,
          batchId,
          userId,
          assessmentId: assessment.id,
          attemptId: `att-${i}-${assessment.id}-${a + 1}`,
          attemptedAt: iso(enrolDay + 2 + a * 3, i),
          score: responses.reduce((sum, r) => sum + r.score, 0),
          responses,
        });
      }
    }
  }
  return [...records, ...learnerRecords];
}
