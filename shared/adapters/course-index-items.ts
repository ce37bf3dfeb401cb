import type { CourseAccessEntry } from '../domain/course-directory.ts';
import type { BatchRecord, CourseRecord } from '../domain/records.ts';

/**
 * Items the course dashboard reads, kept in LearningRecords beside the records they describe:
 *
 * | item            | pk                 | sk                                     |
 * | access entry    | ACCESS#{user}      | COURSE#{course}#CREATOR                |
 * |                 | ACCESS#{user}      | COURSE#{course}#BATCH#{batch}          |
 * | enrolment count | COURSE#{course}    | ENROLMENTS#{batch}   (attribute enrolments) |
 *
 * Access entries are written with every course and batch record (plain puts, so sending a record
 * again changes nothing). They are never deleted: an entry whose course or batch no longer names
 * the user is a stale hint that search confirms against the records and drops.
 */
export const COURSE_INDEX_KEYS = {
  accessOf: (userId: string) => `ACCESS#${userId}`,
  courseAccess: (userId: string, courseId: string) => ({ pk: `ACCESS#${userId}`, sk: `COURSE#${courseId}#CREATOR` }),
  batchAccess: (userId: string, courseId: string, batchId: string) => ({
    pk: `ACCESS#${userId}`,
    sk: `COURSE#${courseId}#BATCH#${batchId}`,
  }),
  enrolments: (courseId: string, batchId: string) => ({ pk: `COURSE#${courseId}`, sk: `ENROLMENTS#${batchId}` }),
  enrolmentsPrefix: 'ENROLMENTS#',
};

type Item = Record<string, unknown>;

/** The access entries a course or batch record gives its creator and mentors. */
export function accessItemsFor(record: CourseRecord | BatchRecord): Item[] {
  if (record.kind === 'course') {
    const entry: CourseAccessEntry = { courseId: record.courseId, org: record.org, role: 'creator' };
    return [{ ...COURSE_INDEX_KEYS.courseAccess(record.creatorId, record.courseId), ...entry }];
  }
  const entries: [string, CourseAccessEntry][] = [
    [record.creatorId, { courseId: record.courseId, org: record.org, role: 'creator', batchId: record.batchId }],
    ...record.mentors.map((mentor): [string, CourseAccessEntry] => [
      mentor,
      { courseId: record.courseId, org: record.org, role: 'mentor', batchId: record.batchId },
    ]),
  ];
  return entries.map(([userId, entry]) => ({
    ...COURSE_INDEX_KEYS.batchAccess(userId, record.courseId, record.batchId),
    ...entry,
  }));
}
