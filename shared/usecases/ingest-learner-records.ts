import type { FieldIssue } from '../domain/errors.ts';
import type { LearnerIngestionRepository } from '../domain/export-snapshots.ts';
import {
  type EntityRef,
  type EntityType,
  entityKey,
  type LearnerRecordsRepository,
  type StoredEntity,
} from '../domain/learner-ports.ts';
import type { LearnerCourseRecord, LearnerRecord, LearnerUserRecord, PostPlace } from '../domain/learner-records.ts';
import type { LearningRecord } from '../domain/records.ts';

/**
 * The org rules of the learner statistics records, checked before anything is written: a record
 * may not take over an entity (group, program, session, path, post) of another organisation, and
 * every id it names must exist, in the store or earlier in the same call, in its own organisation.
 */

interface Positioned<T> {
  record: T;
  at: string;
}

interface Reference extends EntityRef {
  field: string;
}

/** The entity a record defines (its own id), if it is one. */
function ownEntity(record: LearnerRecord): StoredEntity | undefined {
  switch (record.kind) {
    case 'group':
      return { type: 'group', id: record.groupId, org: record.org, name: record.name };
    case 'program':
      return { type: 'program', id: record.programId, org: record.org, name: record.name };
    case 'program-session':
      return { type: 'program-session', id: record.sessionId, org: record.org, name: record.name };
    case 'path':
      return { type: 'path', id: record.pathId, org: record.org, name: record.name };
    case 'path-session':
      return { type: 'path-session', id: record.sessionId, org: record.org, name: record.name, pathId: record.pathId };
    case 'post':
      return {
        type: 'post',
        id: record.postId,
        org: record.org,
        authorId: record.authorId,
        postType: record.type,
        place: record.place,
        placeId: record.placeId,
      };
    default:
      return undefined;
  }
}

const PLACE_TARGET: Record<PostPlace, EntityType | undefined> = {
  'group-newsfeed': 'group',
  'session-newsfeed': 'program-session',
  profile: 'user',
  'course-forum': 'course',
  'path-forum': 'path',
  // Learning needs and projects are not records here: their ids are taken as given.
  'learning-need-forum': undefined,
  'project-forum': undefined,
};

function referencesOf(record: LearnerRecord): Reference[] {
  const user = (field: string, id: string): Reference => ({ type: 'user', id, field });
  switch (record.kind) {
    case 'organisation':
      return [user('ownerId', record.ownerId), ...record.platformAdminIds.map((id, i) => user(`platformAdminIds[${i}]`, id))];
    case 'membership':
      return [{ type: 'group', id: record.groupId, field: 'groupId' }, user('userId', record.userId)];
    case 'manager':
      return [user('userId', record.userId), user('managerId', record.managerId)];
    case 'program-session':
      return [
        { type: 'program', id: record.programId, field: 'programId' },
        ...record.blocks.flatMap((block, b) =>
          block.courseIds.map((id, c): Reference => ({ type: 'course', id, field: `blocks[${b}].courseIds[${c}]` })),
        ),
        ...record.assignedUserIds.map((id, i) => user(`assignedUserIds[${i}]`, id)),
        ...record.assignedGroupIds.map((id, i): Reference => ({ type: 'group', id, field: `assignedGroupIds[${i}]` })),
      ];
    case 'path-session':
      return [
        { type: 'path', id: record.pathId, field: 'pathId' },
        ...record.assignedUserIds.map((id, i) => user(`assignedUserIds[${i}]`, id)),
        ...record.assignedGroupIds.map((id, i): Reference => ({ type: 'group', id, field: `assignedGroupIds[${i}]` })),
      ];
    case 'course-attempt':
      return [
        user('userId', record.userId),
        { type: 'course', id: record.courseId, field: 'courseId' },
        ...(record.programSessionId
          ? [{ type: 'program-session' as const, id: record.programSessionId, field: 'programSessionId' }]
          : []),
      ];
    case 'answer':
      return [user('userId', record.userId), { type: 'course', id: record.courseId, field: 'courseId' }];
    case 'assessment-result':
      return [
        user('userId', record.userId),
        ...(record.courseId ? [{ type: 'course' as const, id: record.courseId, field: 'courseId' }] : []),
      ];
    case 'attendance':
      return [
        user('userId', record.userId),
        ...(record.programSessionId
          ? [{ type: 'program-session' as const, id: record.programSessionId, field: 'programSessionId' }]
          : []),
      ];
    case 'certificate':
      return [
        user('userId', record.userId),
        ...(record.pathId ? [{ type: 'path' as const, id: record.pathId, field: 'pathId' }] : []),
        ...(record.pathSessionId ? [{ type: 'path-session' as const, id: record.pathSessionId, field: 'pathSessionId' }] : []),
        ...(record.programId ? [{ type: 'program' as const, id: record.programId, field: 'programId' }] : []),
      ];
    case 'post': {
      const target = PLACE_TARGET[record.place];
      return [
        user('authorId', record.authorId),
        ...(target ? [{ type: target, id: record.placeId, field: 'placeId' }] : []),
        ...(record.replyToPostId ? [{ type: 'post' as const, id: record.replyToPostId, field: 'replyToPostId' }] : []),
      ];
    }
    case 'reaction':
      return [user('userId', record.userId), { type: 'course', id: record.courseId, field: 'courseId' }];
    case 'like':
      return [user('userId', record.userId), { type: 'post', id: record.postId, field: 'postId' }];
    default:
      return [];
  }
}

/** A course's main author as stored: its own, else its creator. */
export const mainAuthorOf = (course: Pick<LearnerCourseRecord, 'mainAuthorId' | 'creatorId'>) =>
  course.mainAuthorId ?? course.creatorId;

/**
 * Checks learner records against each other, the users and courses of the same call, and the
 * store. Returns the problems (empty when all is well) and every entity the records name, which
 * the writer needs (a reply is also filed with its parent post's author).
 *
 * A duplicate course keeps its original's main author: `courses` get `mainAuthorId` filled in.
 */
export async function checkLearnerRecords(
  records: Positioned<LearnerRecord>[],
  alongside: { users: Positioned<LearnerUserRecord>[]; courses: Positioned<LearnerCourseRecord>[] },
  deps: { learners: LearnerRecordsRepository },
  options: { org?: string | undefined },
): Promise<{ issues: FieldIssue[]; entities: Map<string, StoredEntity> }> {
  const issues: FieldIssue[] = [];
  const sent = new Map<string, StoredEntity>();
  for (const { record } of alongside.users)
    sent.set(entityKey('user', record.userId), { type: 'user', id: record.userId, org: record.org });
  for (const { record } of alongside.courses) {
    sent.set(entityKey('course', record.courseId), {
      type: 'course',
      id: record.courseId,
      org: record.org,
      name: record.name,
      mainAuthorId: mainAuthorOf(record),
    });
  }
  const own = records.map(({ record }) => ownEntity(record));
  for (const entity of own) if (entity) sent.set(entityKey(entity.type, entity.id), entity);

  const references = records.map(({ record }) => referencesOf(record));
  const duplicateOriginals = alongside.courses.flatMap(({ record }) =>
    record.duplicateOf ? [{ type: 'course' as const, id: record.duplicateOf }] : [],
  );
  const wanted = new Map<string, EntityRef>();
  for (const ref of [...references.flat(), ...own.flatMap((e) => (e ? [e] : [])), ...duplicateOriginals]) {
    wanted.set(entityKey(ref.type, ref.id), { type: ref.type, id: ref.id });
  }
  const stored = await deps.learners.getEntities([...wanted.values()]);

  for (const [index, { record, at }] of records.entries()) {
    if (options.org && record.org !== options.org) issues.push({ path: `${at}.org`, message: 'is not your organisation' });
    const entity = own[index];
    const existing = entity && stored.get(entityKey(entity.type, entity.id));
    if (entity && existing && existing.org !== record.org) {
      issues.push({ path: `${at}.${idField(entity.type)}`, message: 'belongs to another organisation' });
    }
    for (const ref of references[index] ?? []) {
      const key = entityKey(ref.type, ref.id);
      const found = sent.get(key) ?? stored.get(key);
      if (!found) issues.push({ path: `${at}.${ref.field}`, message: `${ref.type} ${ref.id} does not exist` });
      else if (found.org !== record.org) issues.push({ path: `${at}.${ref.field}`, message: 'belongs to another organisation' });
    }
    if (record.kind === 'certificate' && record.pathSessionId && record.pathId) {
      const session =
        sent.get(entityKey('path-session', record.pathSessionId)) ?? stored.get(entityKey('path-session', record.pathSessionId));
      if (session?.pathId && session.pathId !== record.pathId) {
        issues.push({ path: `${at}.pathSessionId`, message: `is a session of path ${session.pathId}` });
      }
    }
  }

  // A duplicate keeps the main author of its original.
  for (const { record, at } of alongside.courses) {
    if (!record.duplicateOf) continue;
    const key = entityKey('course', record.duplicateOf);
    const original = sent.get(key) ?? stored.get(key);
    if (!original) {
      issues.push({ path: `${at}.duplicateOf`, message: `course ${record.duplicateOf} does not exist` });
      continue;
    }
    if (original.org !== record.org) {
      issues.push({ path: `${at}.duplicateOf`, message: 'belongs to another organisation' });
      continue;
    }
    const author = original.mainAuthorId;
    if (author && record.mainAuthorId && record.mainAuthorId !== author) {
      issues.push({ path: `${at}.mainAuthorId`, message: `a duplicate keeps the main author of its original (${author})` });
    } else if (author) {
      record.mainAuthorId = author;
      sent.set(entityKey('course', record.courseId), {
        ...(sent.get(entityKey('course', record.courseId)) as StoredEntity),
        mainAuthorId: author,
      });
    }
  }

  return { issues, entities: new Map([...stored, ...sent]) };
}

function idField(type: EntityType): string {
  return type === 'program-session' || type === 'path-session' ? 'sessionId' : `${type}Id`;
}

/**
 * The ingestion use case's learner step: checks the learner records of a call (with the users and
 * courses beside them) and hands back the write to run once every check of the call has passed.
 * The write stores the records, then refreshes the export snapshot of every user whose records it
 * changed (after: the refresh reads what was written).
 */
export async function checkLearnerStep(
  learnerRecords: Positioned<LearnerRecord>[],
  others: readonly LearningRecord[],
  positions: readonly number[],
  learners: LearnerIngestionRepository | undefined,
  org: string | undefined,
): Promise<{ issues: FieldIssue[]; write: () => Promise<void> }> {
  const users: Positioned<LearnerUserRecord>[] = [];
  const courses: Positioned<LearnerCourseRecord>[] = [];
  others.forEach((record, index) => {
    const at = `records[${positions[index]}]`;
    if (record.kind === 'user') users.push({ record, at });
    if (record.kind === 'course') courses.push({ record, at });
  });
  if (!learners) {
    // Callers that only write exhaust records (tests of that path) pass no learner repository.
    const issues = learnerRecords.map(({ at }) => ({ path: `${at}.kind`, message: 'is not accepted by this ingestion' }));
    return { issues, write: async () => undefined };
  }
  const { issues, entities } = await checkLearnerRecords(learnerRecords, { users, courses }, { learners }, { org });
  return {
    issues,
    write: async () => {
      const write = {
        records: learnerRecords.map((l) => l.record),
        users: users.map((u) => u.record),
        courses: courses.map((c) => c.record),
        entities,
      };
      await learners.putLearnerRecords(write);
      await learners.refreshExportSnapshots(write);
    },
  };
}
