import { z } from 'zod';
import type { CourseAccessEntry, CourseDirectory } from '../domain/course-directory.ts';
import { byRankThenName, matchRank } from '../domain/course-search.ts';
import { outlineCourse } from '../domain/course-structure.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { Clock, RecordsRepository } from '../domain/ports.ts';
import type { BatchRecord } from '../domain/records.ts';
import type { Actor, ReportType } from '../domain/report-types.ts';
import { CourseScopedTypes } from '../domain/report-types.ts';
import { reportDefinition } from '../reports/catalogue.ts';
import { isCreator, isMentor } from '../reports/report-definition.ts';

/** At most this many courses per search answer. */
export const SEARCH_LIMIT = 20;
/**
 * Index entries read per search: one Query of the caller's own entries, cut off here so a search
 * costs at most a few pages whatever happens. A user who created or mentors more courses than
 * this finds the ones beyond it by their do id, which always works.
 */
export const INDEX_READ_LIMIT = 500;

export const SearchCoursesQuery = z.strictObject({ query: z.string().max(200).default('') });

export type CourseRole = 'creator' | 'mentor';

export interface CourseHit {
  courseId: string;
  name: string;
  roles: CourseRole[];
}

export interface BatchOverview {
  batchId: string;
  name: string;
  startDate: string;
  endDate?: string | undefined;
  status: 'Live' | 'Expired';
  enrolments: number;
  role: CourseRole;
  reportTypes: ReportType[];
}

export interface CourseOverview {
  courseId: string;
  name: string;
  batches: BatchOverview[];
}

export interface BrowseCoursesDeps {
  directory: CourseDirectory;
  records: RecordsRepository;
  clock: Clock;
}

/** DIKSHA's dashboard shows a batch as Live until its end date has passed, then Expired. */
export function liveOrExpired(batch: Pick<BatchRecord, 'endDate'>, now: Date): 'Live' | 'Expired' {
  return batch.endDate && new Date(batch.endDate) < now ? 'Expired' : 'Live';
}

/**
 * Courses of the caller's organisation that the caller created or mentors a batch of, best matches
 * first. A do id always finds its course (if the caller may see it), even beyond the index cut-off.
 */
export async function searchCourses(
  query: z.infer<typeof SearchCoursesQuery>,
  actor: Actor,
  deps: Pick<BrowseCoursesDeps, 'directory'>,
): Promise<CourseHit[]> {
  const entries = (await deps.directory.accessEntries(actor.userId, INDEX_READ_LIMIT)).filter((e) => e.org === actor.org);
  const courseIds = new Set(entries.map((e) => e.courseId));
  const exactId = query.query.trim();
  if (exactId && !courseIds.has(exactId)) courseIds.add(exactId);
  const summaries = await deps.directory.courseSummaries([...courseIds]);

  const ranked = [...summaries.values()]
    .filter((course) => course.org === actor.org)
    .flatMap((course) => {
      const rank = matchRank(query.query, course);
      return rank === undefined ? [] : [{ ...course, rank }];
    })
    .sort(byRankThenName);

  // The index is a hint; the records decide. Entries are confirmed in rank order until the page is full.
  const hits: CourseHit[] = [];
  const byCourse = new Map<string, CourseAccessEntry[]>();
  for (const entry of entries) byCourse.set(entry.courseId, [...(byCourse.get(entry.courseId) ?? []), entry]);
  for (const course of ranked) {
    if (hits.length === SEARCH_LIMIT) break;
    const roles = new Set<CourseRole>();
    if (course.creatorId === actor.userId) roles.add('creator');
    const batchEntries = (byCourse.get(course.courseId) ?? []).filter((e): e is CourseAccessEntry & { batchId: string } =>
      Boolean(e.batchId),
    );
    if (course.courseId === exactId && batchEntries.length === 0 && roles.size === 0) {
      // Found by its id alone: look at its batches to learn whether the caller mentors one.
      for (const batch of await deps.directory.batchesOf(course.courseId)) addBatchRoles(roles, actor, batch);
    } else if (batchEntries.length > 0) {
      const batches = await deps.directory.getBatches(batchEntries.map((e) => ({ courseId: e.courseId, batchId: e.batchId })));
      for (const batch of batches) if (batch.org === actor.org) addBatchRoles(roles, actor, batch);
    }
    if (roles.size > 0) hits.push({ courseId: course.courseId, name: course.name, roles: [...roles].sort() });
  }
  return hits;
}

function addBatchRoles(roles: Set<CourseRole>, actor: Actor, batch: BatchRecord): void {
  if (batch.creatorId === actor.userId) roles.add('creator');
  if (batch.mentors.includes(actor.userId)) roles.add('mentor');
}

/**
 * A course with the batches the caller may see: all of them for the course's creator, otherwise
 * those the caller created or mentors. Each says which reports the caller may request for it.
 * Enrolment figures are the counts kept at ingestion: reading them costs one Query per course.
 */
export async function courseOverview(courseId: string, actor: Actor, deps: BrowseCoursesDeps): Promise<CourseOverview> {
  const course = await deps.records.getCourse(courseId);
  if (!course || course.org !== actor.org) throw new NotFoundError(`Course ${courseId} not found`);
  const [batches, counts] = await Promise.all([deps.directory.batchesOf(courseId), deps.directory.enrolmentCounts(courseId)]);
  const outline = outlineCourse(course);
  const now = deps.clock.now();
  const visible: BatchOverview[] = [];
  for (const batch of batches) {
    if (batch.org !== actor.org) continue;
    const context = { outline, batch };
    const creator = isCreator(actor, context);
    if (!creator && !isMentor(actor, context)) continue;
    visible.push({
      batchId: batch.batchId,
      name: batch.name,
      startDate: batch.startDate,
      endDate: batch.endDate,
      status: liveOrExpired(batch, now),
      enrolments: counts.get(batch.batchId) ?? 0,
      role: creator ? 'creator' : 'mentor',
      reportTypes: CourseScopedTypes.filter((type) => reportDefinition(type).mayRequest(actor, context)),
    });
  }
  if (visible.length === 0)
    throw new ForbiddenError(`You are neither the creator of course ${courseId} nor a mentor of its batches`);
  visible.sort((a, b) => b.startDate.localeCompare(a.startDate) || a.batchId.localeCompare(b.batchId));
  return { courseId: course.courseId, name: course.name, batches: visible };
}
