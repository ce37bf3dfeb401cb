import type { LearnerCourseRecord, LearnerRecord, LearnerUserRecord } from './learner-records.ts';
import type { CourseEvent, Membership, OrganisationView, ProgramSessionView, UserActivity } from './learner-stats.ts';
import type { ExportActivity } from './org-exports.ts';
import type { UserRow } from './users-list.ts';

/** The entities records may name by id; each belongs to one organisation. */
export type EntityType = 'user' | 'group' | 'course' | 'program' | 'program-session' | 'path' | 'path-session' | 'post';

export interface EntityRef {
  type: EntityType;
  id: string;
}

/** What reference checks and writes need to know about a stored (or just sent) entity. */
export interface StoredEntity extends EntityRef {
  org: string;
  name?: string | undefined;
  /** course: its effective main author. */
  mainAuthorId?: string | undefined;
  /** post: its author, type and place. */
  authorId?: string | undefined;
  postType?: 'publication' | 'reply' | 'correction' | undefined;
  place?: string | undefined;
  placeId?: string | undefined;
  /** path session: its path. */
  pathId?: string | undefined;
}

export const entityKey = (type: EntityType, id: string) => `${type}#${id}`;

export interface LearnerWrite {
  records: LearnerRecord[];
  /** Users and courses of the same call (already stored by the records repository). */
  users: LearnerUserRecord[];
  courses: LearnerCourseRecord[];
  /** Every entity the records name, resolved during validation (a reply's parent post, …). */
  entities: ReadonlyMap<string, StoredEntity>;
}

export interface LearnerRecordsRepository {
  getEntities(refs: EntityRef[]): Promise<Map<string, StoredEntity>>;
  putLearnerRecords(write: LearnerWrite): Promise<void>;

  getOrganisation(org: string): Promise<(OrganisationView & { org: string; name: string }) | undefined>;
  /** Everything stored about one user, or undefined when there is no such user. */
  getUserActivity(userId: string): Promise<(UserActivity & { assignedSessionIds: string[] }) | undefined>;
  getMemberships(userId: string): Promise<Membership[]>;
  /** The user ids of the members of these groups, each once. */
  groupMembers(groupIds: readonly string[]): Promise<string[]>;
  /** Program sessions assigned to these groups. */
  groupSessionIds(groupIds: readonly string[]): Promise<string[]>;
  getProgramSessions(sessionIds: readonly string[]): Promise<ProgramSessionView[]>;
  /** Users-list rows of an org: all of them, or those of `userIds`. */
  userRows(org: string, userIds?: readonly string[]): Promise<UserRow[]>;
  /** Courses whose effective main author is this user (duplicates included). */
  authoredCourses(userId: string): Promise<{ courseId: string; publishedAt?: string | undefined }[]>;
  /** Attempts, comments and reactions on these courses between two instants (included). */
  courseEvents(courseIds: readonly string[], window: { from: string; to: string }): Promise<CourseEvent[]>;
}

/** What the org exports read beyond the statistics pages (see shared/domain/org-exports.ts). */
export interface OrgExportReader {
  /** Every group of an org, with its name. */
  orgGroups(org: string): Promise<{ groupId: string; name: string }[]>;
  /** Every custom field name the org's users carry. */
  customFieldNames(org: string): Promise<string[]>;
  /** What each user's partition holds for the exports, for the users found (no entry for a user without a profile). */
  exportActivities(userIds: readonly string[]): Promise<Map<string, ExportActivity>>;
  /** Path sessions assigned to these groups. */
  groupPathSessionIds(groupIds: readonly string[]): Promise<string[]>;
  /** The users each of these users manages, as stored. */
  reportsOf(userIds: readonly string[]): Promise<Map<string, string[]>>;
}

export type ExportRecordsRepository = LearnerRecordsRepository & OrgExportReader;
