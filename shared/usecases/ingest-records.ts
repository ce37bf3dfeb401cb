import { z } from 'zod';
import { courseExercises } from '../course-reports/exercises.ts';
import { outlineCourse } from '../domain/course-structure.ts';
import { type FieldIssue, ValidationError } from '../domain/errors.ts';
import type { LearnerIngestionRepository } from '../domain/export-snapshots.ts';
import { isLearnerRecord, type LearnerRecord, parseIngestibleRecord } from '../domain/learner-records.ts';
import { MAX_RECORD_BYTES, MAX_RECORD_NESTING, nestingDepth, storedSize } from '../domain/limits.ts';
import type { RecordsRepository } from '../domain/ports.ts';
import type { BatchRecord, CourseRecord, LearningRecord } from '../domain/records.ts';
import { storedEnrolment } from '../domain/records.ts';
import { checkLearnerStep } from './ingest-learner-records.ts';

/** The OAuth scope a token needs to write learning records (API Gateway and the handler both check it). */
export const INGEST_SCOPE = 'records/write';

/** At most this many records per call: one API request or one chunk of a bulk import. */
export const MAX_RECORDS_PER_CALL = 1000;

/** POST /v1/records's body; each record is checked on its own, by kind, so every bad one is named. */
export const IngestRecordsBody = z.strictObject({ records: z.array(z.unknown()).min(1) });

export interface IngestResult {
  written: number;
  byKind: Record<string, number>;
}

/** Caches course and batch look-ups across the chunks of one import. */
export class ReferenceCache {
  readonly courses = new Map<string, CourseRecord | undefined>();
  readonly batches = new Map<string, BatchRecord | undefined>();
  private readonly assessments = new WeakMap<CourseRecord, Map<string, { id: string; questionIds: Set<string> }>>();

  /** A course's assessments with their question ids, worked out once per course, not per attempt. */
  assessmentsOf(course: CourseRecord): Map<string, { id: string; questionIds: Set<string> }> {
    let found = this.assessments.get(course);
    if (!found) {
      found = new Map(
        outlineCourse(course).assessments.map((a) => [a.id, { id: a.id, questionIds: new Set(a.questions.map((q) => q.id)) }]),
      );
      this.assessments.set(course, found);
    }
    return found;
  }
}

/**
 * Validates learning records and writes them. A call is all or nothing: if any record is invalid,
 * or refers to a batch, course or assessment that does not exist, nothing is written and every
 * problem is reported with its position (`records[3].email`).
 *
 * `org`, when given, is the caller's organisation: records may only be written inside it.
 */
export async function ingestRecords(
  raw: unknown[],
  deps: { records: RecordsRepository; learners?: LearnerIngestionRepository | undefined },
  options: { org?: string; cache?: ReferenceCache; positionOffset?: number } = {},
): Promise<IngestResult> {
  if (raw.length > MAX_RECORDS_PER_CALL) {
    throw new ValidationError(`At most ${MAX_RECORDS_PER_CALL} records per call`, [
      { path: 'records', message: `has ${raw.length} items` },
    ]);
  }
  const offset = options.positionOffset ?? 0;
  const cache = options.cache ?? new ReferenceCache();
  const issues: FieldIssue[] = [];
  const valid: LearningRecord[] = [];
  const positions: number[] = [];
  const learnerValid: { record: LearnerRecord; at: string }[] = [];

  raw.forEach((item, index) => {
    // Before the schema: its recursion on a record nested thousands deep would overflow the stack.
    if (nestingDepth(item, MAX_RECORD_NESTING) > MAX_RECORD_NESTING) {
      issues.push({ path: `records[${index + offset}]`, message: `nests deeper than ${MAX_RECORD_NESTING} levels` });
      return;
    }
    const parsed = parseIngestibleRecord(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: ['records', index + offset, ...issue.path]
            .map(String)
            .join('.')
            .replace(/\.(\d+)/g, '[$1]'),
          message: issue.message,
        });
      }
      return;
    }
    // DynamoDB refuses items over 400 KB: found here, nothing of the call is written.
    const stored = parsed.data.kind === 'enrolment' ? storedEnrolment(parsed.data) : parsed.data;
    if (storedSize(stored, MAX_RECORD_BYTES) > MAX_RECORD_BYTES) {
      issues.push({ path: `records[${index + offset}]`, message: `is larger than ${MAX_RECORD_BYTES} bytes when stored` });
      return;
    }
    if (isLearnerRecord(parsed.data)) {
      learnerValid.push({ record: parsed.data, at: `records[${index + offset}]` });
      return;
    }
    valid.push(parsed.data);
    positions.push(index + offset);
  });

  // Ids are global: a record may never take over a course, batch or user of another organisation.
  const storedUsers = await deps.records.getUsers([...new Set(valid.flatMap((r) => ('userId' in r ? [r.userId] : [])))]);
  for (const [index, record] of valid.entries()) {
    const at = `records[${positions[index]}]`;
    const existing =
      record.kind === 'course'
        ? await cachedCourse(record.courseId, cache, deps.records)
        : record.kind === 'batch'
          ? await cachedBatch(record.courseId, record.batchId, cache, deps.records)
          : record.kind === 'user'
            ? storedUsers.get(record.userId)
            : undefined;
    if (existing && 'org' in record && existing.org !== record.org) {
      issues.push({
        path: `${at}.${record.kind === 'user' ? 'userId' : `${record.kind}Id`}`,
        message: 'belongs to another organisation',
      });
    }
  }

  // Parents written in this same call count as existing.
  const usersHere = new Map<string, string>();
  for (const record of valid) {
    if (record.kind === 'course') cache.courses.set(record.courseId, record);
    if (record.kind === 'batch') cache.batches.set(`${record.courseId}/${record.batchId}`, record);
    if (record.kind === 'user') usersHere.set(record.userId, record.org);
  }

  for (const [index, record] of valid.entries()) {
    const at = `records[${positions[index]}]`;
    if (options.org && 'org' in record && record.org !== options.org) {
      issues.push({ path: `${at}.org`, message: 'is not your organisation' });
    }
    if (record.kind === 'batch') {
      const course = await cachedCourse(record.courseId, cache, deps.records);
      if (!course) issues.push({ path: `${at}.courseId`, message: `course ${record.courseId} does not exist` });
      else if (course.org !== record.org) issues.push({ path: `${at}.org`, message: 'differs from the course organisation' });
    }
    if (record.kind === 'enrolment' || record.kind === 'consent' || record.kind === 'attempt' || record.kind === 'session') {
      const batch = await cachedBatch(record.courseId, record.batchId, cache, deps.records);
      if (!batch) {
        issues.push({ path: `${at}.batchId`, message: `batch ${record.batchId} of course ${record.courseId} does not exist` });
        continue;
      }
      if (options.org && batch.org !== options.org) {
        issues.push({ path: `${at}.batchId`, message: 'is not in your organisation' });
      }
      const userOrg = usersHere.get(record.userId) ?? storedUsers.get(record.userId)?.org;
      if (userOrg !== undefined && userOrg !== batch.org) {
        issues.push({ path: `${at}.userId`, message: "belongs to another organisation than the batch's" });
      }
      if (record.kind === 'enrolment' && record.exerciseResults) {
        const course = await cachedCourse(record.courseId, cache, deps.records);
        const exerciseIds = new Set(course ? courseExercises(course).map((e) => e.id) : []);
        record.exerciseResults.forEach((result, r) => {
          if (!exerciseIds.has(result.exerciseId)) {
            issues.push({
              path: `${at}.exerciseResults[${r}].exerciseId`,
              message: `is not an exercise of course ${record.courseId}`,
            });
          }
        });
      }
      if (record.kind === 'attempt') {
        const course = await cachedCourse(record.courseId, cache, deps.records);
        const assessment = course && cache.assessmentsOf(course).get(record.assessmentId);
        if (!assessment) {
          issues.push({ path: `${at}.assessmentId`, message: `is not an assessment of course ${record.courseId}` });
        } else {
          record.responses.forEach((response, r) => {
            if (!assessment.questionIds.has(response.questionId)) {
              issues.push({ path: `${at}.responses[${r}].questionId`, message: `is not a question of ${assessment.id}` });
            }
          });
        }
      }
    }
  }

  const learnerStep = await checkLearnerStep(learnerValid, valid, positions, deps.learners, options.org);
  issues.push(...learnerStep.issues);

  if (issues.length > 0) {
    const first = issues[0] as FieldIssue;
    throw new ValidationError(
      `${issues.length} problem(s) in the records; nothing was written (first: ${first.path} ${first.message})`,
      issues.slice(0, 50),
    );
  }
  await deps.records.putRecords(valid);
  await learnerStep.write();
  const byKind: Record<string, number> = {};
  for (const record of [...valid, ...learnerValid.map((l) => l.record)]) byKind[record.kind] = (byKind[record.kind] ?? 0) + 1;
  return { written: valid.length + learnerValid.length, byKind };
}

async function cachedCourse(courseId: string, cache: ReferenceCache, records: RecordsRepository) {
  if (!cache.courses.has(courseId)) cache.courses.set(courseId, await records.getCourse(courseId));
  return cache.courses.get(courseId);
}

async function cachedBatch(courseId: string, batchId: string, cache: ReferenceCache, records: RecordsRepository) {
  const key = `${courseId}/${batchId}`;
  if (!cache.batches.has(key)) cache.batches.set(key, await records.getBatch(courseId, batchId));
  return cache.batches.get(key);
}
