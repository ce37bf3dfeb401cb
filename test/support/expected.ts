import { learnerBucket } from '#shared/domain/shards';

/**
 * Expected report rows computed straight from the raw demo records, written apart from the
 * report code (no imports from shared/reports) so the e2e tests check it against a second opinion.
 */
// biome-ignore lint/suspicious/noExplicitAny: raw demo records are read field by field, as the untyped JSON they are.
type Raw = Record<string, any>;

const excelId = (value: string) => (/^[0-9]{12,}$/.test(value) ? `="${value}"` : value);
const safe = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
};

function walk(
  nodes: Raw[],
  optional: boolean,
  out: { modules: { id: string; name: string; leaves: string[] }[]; assessments: Raw[] },
): string[] {
  const leaves: string[] = [];
  for (const node of nodes) {
    const isOptional = optional || node.optional === true;
    if (node.type === 'module') {
      const entry = { id: node.id, name: node.name, leaves: [] as string[] };
      out.modules.push(entry);
      entry.leaves = walk(node.children, isOptional, out);
      leaves.push(...entry.leaves);
    } else {
      if (node.type === 'assessment') out.assessments.push(node);
      if (!isOptional) leaves.push(node.id);
    }
  }
  return leaves;
}

function byKind(records: unknown[]) {
  const raw = records as Raw[];
  return {
    course: (courseId: string) => raw.find((r) => r.kind === 'course' && r.courseId === courseId) as Raw,
    batch: (batchId: string) => raw.find((r) => r.kind === 'batch' && r.batchId === batchId) as Raw,
    user: (userId: string) => raw.find((r) => r.kind === 'user' && r.userId === userId),
    // Files list learners bucket by bucket (see shared/domain/shards), by user id within a bucket.
    enrolments: (batchId: string) =>
      raw
        .filter((r) => r.kind === 'enrolment' && r.batchId === batchId)
        .sort((a, b) => learnerBucket(a.userId) - learnerBucket(b.userId) || (a.userId < b.userId ? -1 : 1)),
    attempts: (batchId: string, userId: string) =>
      raw.filter((r) => r.kind === 'attempt' && r.batchId === batchId && r.userId === userId),
    consents: (batchId: string, userId: string) =>
      raw.filter((r) => r.kind === 'consent' && r.batchId === batchId && r.userId === userId),
  };
}

const iso = (value: string | undefined) => (value ? new Date(value).toISOString() : '');
const pct = (score: number, max: number) => `${Math.ceil((score * 100) / max)}%`;
const progress = (leaves: string[], done: Set<string>) =>
  leaves.length === 0 ? 0 : Math.min(100, Math.round((leaves.filter((l) => done.has(l)).length * 100) / leaves.length));

export function expectedCourseProgress(records: unknown[], courseId: string, batchId: string): string[][] {
  const data = byKind(records);
  const course = data.course(courseId);
  const batch = data.batch(batchId);
  const outline = { modules: [] as { id: string; name: string; leaves: string[] }[], assessments: [] as Raw[] };
  const leaves = walk(course.children, false, outline);
  return data.enrolments(batchId).map((e) => {
    const user = data.user(e.userId) ?? {};
    const done = new Set<string>(e.completedContentIds ?? []);
    const best = new Map<string, number>();
    for (const a of data.attempts(batchId, e.userId)) best.set(a.assessmentId, Math.max(best.get(a.assessmentId) ?? -1, a.score));
    let scored = 0;
    let max = 0;
    for (const a of outline.assessments) {
      if (!best.has(a.id)) continue;
      scored += Math.min(best.get(a.id) as number, a.maxScore);
      max += a.maxScore;
    }
    return [
      course.courseId,
      course.name,
      excelId(batch.batchId),
      batch.name,
      e.userId,
      ...[user.state, user.district, user.orgName].map(safe),
      excelId(safe(user.schoolId)),
      ...[user.schoolName, user.block, user.cluster, user.userType, user.userSubType, user.board].map(safe),
      iso(e.enrolledAt),
      iso(e.completedAt),
      (e.certificates ?? []).length > 0 ? 'Issued' : '',
      String(e.completedAt ? 100 : progress(leaves, done)),
      max > 0 ? pct(scored, max) : '',
      ...outline.modules.map((m) => String(progress(m.leaves, done))),
      ...outline.assessments.map((a) => (best.has(a.id) ? pct(Math.min(best.get(a.id) as number, a.maxScore), a.maxScore) : '')),
    ];
  });
}

/** The latest consent event by its own time decides. */
function consentOf(consents: Raw[]): Raw | undefined {
  return [...consents].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
}

export function expectedUserProfile(records: unknown[], courseId: string, batchId: string): string[][] {
  const data = byKind(records);
  const course = data.course(courseId);
  const batch = data.batch(batchId);
  return data.enrolments(batchId).map((e) => {
    const user = data.user(e.userId) ?? {};
    const consent = consentOf(data.consents(batchId, e.userId));
    const yes = consent?.given === true;
    return [
      course.courseId,
      course.name,
      excelId(batch.batchId),
      batch.name,
      e.userId,
      yes ? safe(user.name) : '',
      safe(user.state),
      safe(user.district),
      safe(user.orgName),
      yes ? safe(user.externalId) : '',
      yes ? safe(user.phone) : '',
      yes ? safe(user.email) : '',
      yes ? 'Yes' : 'No',
      yes ? iso(consent?.at) : '',
    ];
  });
}

const TYPE_LABEL: Record<string, string> = { mcq: 'Multiple Choice', mtf: 'Match The Following', ftb: 'Fill In The Blanks' };

export function expectedQuestionSet(records: unknown[], courseId: string, batchId: string): string[][] {
  const data = byKind(records);
  const course = data.course(courseId);
  const batch = data.batch(batchId);
  const outline = { modules: [] as { id: string; name: string; leaves: string[] }[], assessments: [] as Raw[] };
  walk(course.children, false, outline);
  const rows: string[][] = [];
  for (const e of data.enrolments(batchId)) {
    const attempts = data
      .attempts(batchId, e.userId)
      .sort((a, b) => iso(a.attemptedAt).localeCompare(iso(b.attemptedAt)) || a.attemptId.localeCompare(b.attemptId));
    for (const attempt of attempts) {
      const qs = outline.assessments.find((a) => a.id === attempt.assessmentId) as Raw;
      for (const response of attempt.responses) {
        const q = qs.questions.find((x: Raw) => x.id === response.questionId);
        rows.push([
          course.courseId,
          course.name,
          excelId(batch.batchId),
          batch.name,
          e.userId,
          qs.id,
          qs.name,
          attempt.attemptId,
          iso(attempt.attemptedAt),
          response.questionId,
          TYPE_LABEL[q.type] as string,
          safe(q.title),
          safe(q.description),
          String(response.durationSeconds ?? ''),
          String(response.score),
          String(q.maxScore),
          JSON.stringify(q.options ?? []),
          JSON.stringify(response.response ?? []),
        ]);
      }
    }
  }
  return rows;
}
