import { ConditionalCheckFailedException, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import {
  type EntityRef,
  type EntityType,
  entityKey,
  type LearnerRecordsRepository,
  type LearnerWrite,
  type OrgExportReader,
  type StoredEntity,
} from '../domain/learner-ports.ts';
import type { LearnerRecord, LearnerUserRecord } from '../domain/learner-records.ts';
import {
  type CourseEvent,
  directReports,
  type Membership,
  type ProgramSessionView,
  type ReceivedInteraction,
  type UserActivity,
} from '../domain/learner-stats.ts';
import { type ExportActivity, emptyActivity } from '../domain/org-exports.ts';
import {
  type OrderedUsersQuery,
  rowsInOrder,
  SORT_SEPARATOR,
  sortValue,
  USER_COLUMNS,
  type UserColumn,
  type UserRow,
  type UsersListPosition,
  type UsersListReader,
  type UsersTab,
} from '../domain/users-list.ts';
import { clients } from './aws-clients.ts';
import {
  batchGetAll,
  batchPutAll,
  type Item,
  inParallel,
  type Key,
  queryAll,
  recordOf,
  UNPROCESSED_RETRY,
  type UnprocessedRetry,
} from './dynamo-batches.ts';

/**
 * The learner statistics records in LearningRecords, keyed by the reads (see docs/records.md):
 *
 * | pk                 | sk                               | holds                                        |
 * | USER#{user}        | #PROFILE                         | the profile (written by the records repository) |
 * | USER#{user}        | MEMBER#{group} · MANAGER#{m} · REPORT#{u} | memberships, managers, managed users |
 * | USER#{user}        | CATTEMPT# · ANSWER# · ASSESS# · ATTEND# · CERT# · POST# {id} | what they did   |
 * | USER#{user}        | PSESSION#{session}               | program sessions assigned to them directly   |
 * | USER#{user}        | PATHSESSION#{session}            | path sessions assigned to them directly (GROUP#{g} likewise) |
 * | USER#{user}        | RECEIVED#{at}#{id}               | replies and likes others left on their posts |
 * | USER#{user}        | REACTED#{id} · LIKED#{id}        | reactions and likes they gave (exports)      |
 * | GROUP#{group}      | #GROUP · MEMBER#{user} · PSESSION#{session} | the group, its members, its sessions |
 * | ORG#{org}          | #ORG                             | owner and platform admins                    |
 * | USERROWS#{org}     | {user}                           | the users-list row (names, time, last activity, direct reports), in the users-list indexes (below) |
 * | AUTHOR#{user}      | COURSE#{course}                  | courses by main author                       |
 * | COURSEACT#{course} | {at}#ATTEMPT|COMMENT|REACTION#{id} | a course's timeline (public statistics)    |
 * | ORGINDEX#{org}     | GROUP#{group} · CFIELD#{name}    | the org's groups and custom field names (exports' columns) |
 * | PROGRAM#{p} #PROGRAM · PSESSION#{s} #SESSION · PATH#{p} #PATH · PATHSESSION#{s} #SESSION · POST#{p} #POST | entities |
 *
 * A user's statistics page is one paginated Query of USER#{user}, plus BatchGets for names.
 */
export const LEARNER_KEYS = {
  user: (userId: string) => `USER#${userId}`,
  group: (groupId: string) => `GROUP#${groupId}`,
  org: (org: string): Key => ({ pk: `ORG#${org}`, sk: '#ORG' }),
  userRows: (org: string) => `USERROWS#${org}`,
  author: (userId: string) => `AUTHOR#${userId}`,
  courseActivity: (courseId: string) => `COURSEACT#${courseId}`,
  /** An org's groups (`GROUP#{group}`, with its name) and custom field names (`CFIELD#{name}`). */
  orgIndex: (org: string) => `ORGINDEX#${org}`,
};

/**
 * The users list of an org, read a page at a time: one sparse index per sortable column. Only
 * users-list rows carry the key attributes: the partition `usersList` = `USERS#{org}#{tab}` and,
 * per column, a sort key in the domain's order (shared/domain/users-list.ts):
 * `1{sort value}\u0001{user}` for a cell with a value, `2{user}` for an empty one. Ascending reads
 * the `1` keys forward, descending backward, then both read the `2` keys forward (empty cells
 * last). Each write of a row sets the keys of the columns it writes (DynamoDB keeps the indexes).
 */
export const USERS_LIST = {
  partition: 'usersList',
  /** Index name and sort key attribute of each column, the default sort's first (stacks add them in this order). */
  indexes: {
    lastName: 'usersByLastName',
    firstName: 'usersByFirstName',
    email: 'usersByEmail',
    timeSpentSeconds: 'usersByTimeSpent',
    lastActivityAt: 'usersByLastActivity',
    directReports: 'usersByDirectReports',
  } satisfies Record<UserColumn, string>,
  /** What the indexes hold besides their keys: a row's columns, so a page is one Query. */
  projected: ['firstName', 'lastName', 'email', 'timeSpentSeconds', 'lastActivityAt', 'directReports', 'deletedAt'],
} as const;
const VALUED = '1';
const EMPTY = '2';

const usersListPartition = (org: string, tab: UsersTab) => `USERS#${org}#${tab}`;
const usersListSortKey = (position: UsersListPosition) =>
  position.value === null ? `${EMPTY}${position.userId}` : `${VALUED}${position.value}${SORT_SEPARATOR}${position.userId}`;
const usersListKey = (row: UserRow, column: UserColumn) =>
  usersListSortKey({ value: sortValue(row, column), userId: row.userId });

/** A users-list row as stored (in the table or an index). */
function userRowOf(item: Item): UserRow {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    userId: String(item.sk),
    firstName: text(item.firstName),
    lastName: text(item.lastName),
    email: text(item.email),
    timeSpentSeconds: Number(item.timeSpentSeconds ?? 0),
    lastActivityAt: text(item.lastActivityAt),
    directReports: Number(item.directReports ?? 0),
    deletedAt: text(item.deletedAt),
  };
}

/** A row as far as it is known, for the key of one column: the other cells do not matter to it. */
const rowWith = (userId: string, cells: Partial<UserRow>): UserRow => ({
  ...userRowOf({ sk: userId }),
  ...cells,
});

/** DynamoDB's answer to a Query of an index the table does not have yet, or is still filling. */
const isMissingIndex = (error: unknown) =>
  error instanceof DynamoDBServiceException &&
  error.name === 'ValidationException' &&
  /specified index|backfilling/i.test(error.message);

const ENTITY_KEYS: Record<EntityType, (id: string) => Key> = {
  user: (id) => ({ pk: `USER#${id}`, sk: '#PROFILE' }),
  group: (id) => ({ pk: `GROUP#${id}`, sk: '#GROUP' }),
  course: (id) => ({ pk: `COURSE#${id}`, sk: '#COURSE' }),
  program: (id) => ({ pk: `PROGRAM#${id}`, sk: '#PROGRAM' }),
  'program-session': (id) => ({ pk: `PSESSION#${id}`, sk: '#SESSION' }),
  path: (id) => ({ pk: `PATH#${id}`, sk: '#PATH' }),
  'path-session': (id) => ({ pk: `PATHSESSION#${id}`, sk: '#SESSION' }),
  post: (id) => ({ pk: `POST#${id}`, sk: '#POST' }),
};
const ENTITY_BY_PREFIX = new Map(
  (Object.entries(ENTITY_KEYS) as [EntityType, (id: string) => Key][]).map(([type, key]) => [key('x').pk.slice(0, -1), type]),
);

/** The attributes reference checks need, not whole course trees. */
const ENTITY_PROJECTION = {
  expression: 'pk, org, #name, creatorId, mainAuthorId, authorId, #type, place, placeId, pathId, publishedAt',
  names: { '#name': 'name', '#type': 'type' },
};

/** The ExportActivity of a user minus the profile, which comes from `#PROFILE` when read. */
export type ExportSnapshot = Omit<ExportActivity, 'profile'>;

/**
 * The export's view of a user's partition items (the profile aside), as both the partition read
 * (`exportActivities`) and the export snapshots (dynamo-export-snapshots.ts) fold them.
 */
export function snapshotOf(items: readonly Item[]): ExportSnapshot {
  const { profile: _profile, ...snapshot } = emptyActivity({} as LearnerUserRecord);
  for (const item of items) {
    const sk = String(item.sk);
    const kind = sk.slice(0, sk.indexOf('#') + 1);
    const rest = sk.slice(kind.length);
    if (kind === 'MEMBER#') snapshot.memberships.push(recordOf(item));
    else if (kind === 'MANAGER#') snapshot.managerIds.push(rest);
    else if (kind === 'REPORT#') snapshot.reportIds.push(rest);
    else if (kind === 'CATTEMPT#') snapshot.attempts.push(recordOf(item));
    else if (kind === 'ASSESS#') snapshot.assessments.push(recordOf(item));
    else if (kind === 'POST#') snapshot.posts.push(recordOf(item));
    else if (kind === 'REACTED#') snapshot.reactions.push(recordOf(item));
    else if (kind === 'LIKED#') snapshot.likes.push(recordOf(item));
    else if (kind === 'PSESSION#') snapshot.assignedSessionIds.push(rest);
    else if (kind === 'ATTEND#') snapshot.attendances.push(recordOf(item));
    else if (kind === 'CERT#') snapshot.certificates.push(recordOf(item));
    else if (kind === 'PATHSESSION#') snapshot.assignedPathSessionIds.push(rest);
  }
  return snapshot;
}

const OWNED_WRITES_AT_ONCE = 16;
const QUERIES_AT_ONCE = 8;
/** An export reads one partition per user: more at once keep a page's reads short. */
const EXPORT_QUERIES_AT_ONCE = 24;

function entityOf(item: Item): StoredEntity | undefined {
  const pk = String(item.pk);
  const hash = pk.indexOf('#');
  const type = ENTITY_BY_PREFIX.get(pk.slice(0, hash + 1));
  if (!type) return undefined;
  const str = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  return {
    type,
    id: pk.slice(hash + 1),
    org: String(item.org),
    name: str('name'),
    mainAuthorId: type === 'course' ? (str('mainAuthorId') ?? str('creatorId')) : undefined,
    authorId: str('authorId'),
    postType: type === 'post' ? (str('type') as StoredEntity['postType']) : undefined,
    place: str('place'),
    placeId: str('placeId'),
    pathId: str('pathId'),
  };
}

/** The items one learner record becomes; owned entities come back apart (they need a condition). */
export function itemsOf(record: LearnerRecord, entities: LearnerWrite['entities']): { owned?: Item; plain: Item[] } {
  const user = LEARNER_KEYS.user;
  switch (record.kind) {
    case 'organisation':
      return { plain: [{ ...LEARNER_KEYS.org(record.org), ...record }] };
    case 'group':
      return { owned: { ...ENTITY_KEYS.group(record.groupId), ...record }, plain: [] };
    case 'membership':
      return {
        plain: [
          { pk: LEARNER_KEYS.group(record.groupId), sk: `MEMBER#${record.userId}`, ...record },
          { pk: user(record.userId), sk: `MEMBER#${record.groupId}`, ...record },
        ],
      };
    case 'manager':
      return {
        plain: [
          { pk: user(record.userId), sk: `MANAGER#${record.managerId}`, ...record },
          { pk: user(record.managerId), sk: `REPORT#${record.userId}`, ...record },
        ],
      };
    case 'program':
      return { owned: { ...ENTITY_KEYS.program(record.programId), ...record }, plain: [] };
    case 'program-session':
      return {
        owned: { ...ENTITY_KEYS['program-session'](record.sessionId), ...record },
        plain: [
          ...record.assignedUserIds.map((u) => ({ pk: user(u), sk: `PSESSION#${record.sessionId}`, org: record.org })),
          ...record.assignedGroupIds.map((g) => ({
            pk: LEARNER_KEYS.group(g),
            sk: `PSESSION#${record.sessionId}`,
            org: record.org,
          })),
        ],
      };
    case 'path':
      return { owned: { ...ENTITY_KEYS.path(record.pathId), ...record }, plain: [] };
    case 'path-session':
      return {
        owned: { ...ENTITY_KEYS['path-session'](record.sessionId), ...record },
        plain: [
          ...record.assignedUserIds.map((u) => ({ pk: user(u), sk: `PATHSESSION#${record.sessionId}`, org: record.org })),
          ...record.assignedGroupIds.map((g) => ({
            pk: LEARNER_KEYS.group(g),
            sk: `PATHSESSION#${record.sessionId}`,
            org: record.org,
          })),
        ],
      };
    case 'course-attempt':
      return {
        plain: [
          { pk: user(record.userId), sk: `CATTEMPT#${record.attemptId}`, ...record },
          {
            pk: LEARNER_KEYS.courseActivity(record.courseId),
            sk: `${record.startedAt}#ATTEMPT#${record.attemptId}`,
            type: 'attempt',
            courseId: record.courseId,
            at: record.startedAt,
            userId: record.userId,
          },
        ],
      };
    case 'answer':
      return { plain: [{ pk: user(record.userId), sk: `ANSWER#${record.answerId}`, ...record }] };
    case 'assessment-result':
      return { plain: [{ pk: user(record.userId), sk: `ASSESS#${record.resultId}`, ...record }] };
    case 'attendance':
      return { plain: [{ pk: user(record.userId), sk: `ATTEND#${record.attendanceId}`, ...record }] };
    case 'certificate':
      return { plain: [{ pk: user(record.userId), sk: `CERT#${record.certificateId}`, ...record }] };
    case 'post': {
      const plain: Item[] = [{ pk: user(record.authorId), sk: `POST#${record.postId}`, ...record }];
      const parent = record.replyToPostId ? entities.get(entityKey('post', record.replyToPostId)) : undefined;
      if (record.type === 'reply' && parent?.authorId) {
        const received: ReceivedInteraction = {
          type: 'comment',
          id: record.postId,
          at: record.postedAt,
          fromUserId: record.authorId,
          place: record.place,
          receivingPostType: parent.postType ?? 'publication',
        };
        plain.push({ pk: user(parent.authorId), sk: `RECEIVED#${record.postedAt}#${record.postId}`, ...received });
      }
      if (record.place === 'course-forum') {
        plain.push({
          pk: LEARNER_KEYS.courseActivity(record.placeId),
          sk: `${record.postedAt}#COMMENT#${record.postId}`,
          type: 'comment',
          courseId: record.placeId,
          at: record.postedAt,
          userId: record.authorId,
        });
      }
      return { owned: { ...ENTITY_KEYS.post(record.postId), ...record }, plain };
    }
    case 'reaction':
      return {
        plain: [
          // On the reacting user's side too: the collaborative activity export counts their reactions.
          { pk: user(record.userId), sk: `REACTED#${record.reactionId}`, ...record },
          {
            pk: LEARNER_KEYS.courseActivity(record.courseId),
            sk: `${record.reactedAt}#REACTION#${record.reactionId}`,
            type: 'reaction',
            courseId: record.courseId,
            at: record.reactedAt,
            userId: record.userId,
            score: record.score,
          },
        ],
      };
    case 'like': {
      const post = entities.get(entityKey('post', record.postId));
      // On the liking user's side: the collaborative activity export counts the likes they gave.
      const given: Item = { pk: user(record.userId), sk: `LIKED#${record.likeId}`, ...record };
      if (!post?.authorId) return { plain: [given] };
      const received: ReceivedInteraction = {
        type: 'like',
        id: record.likeId,
        at: record.likedAt,
        fromUserId: record.userId,
        place: (post.place ?? 'profile') as ReceivedInteraction['place'],
        receivingPostType: post.postType ?? 'publication',
      };
      return {
        plain: [given, { pk: user(post.authorId), sk: `RECEIVED#${record.likedAt}#LIKE#${record.likeId}`, ...received }],
      };
    }
  }
}

/** The org index items a write adds: its groups and the custom field names its users carry, each once. */
function orgIndexItems(write: LearnerWrite): Item[] {
  const items = new Map<string, Item>();
  for (const record of write.records) {
    if (record.kind !== 'group') continue;
    const sk = `GROUP#${record.groupId}`;
    items.set(`${record.org}|${sk}`, { pk: LEARNER_KEYS.orgIndex(record.org), sk, org: record.org, name: record.name });
  }
  for (const user of write.users) {
    for (const name of Object.keys(user.customFields ?? {})) {
      const sk = `CFIELD#${name}`;
      items.set(`${user.org}|${sk}`, { pk: LEARNER_KEYS.orgIndex(user.org), sk, org: user.org, name });
    }
  }
  return [...items.values()];
}

export class DynamoLearnerRecordsRepository implements LearnerRecordsRepository, OrgExportReader, UsersListReader {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
    private readonly retry: UnprocessedRetry = UNPROCESSED_RETRY,
  ) {}

  async getEntities(refs: EntityRef[]): Promise<Map<string, StoredEntity>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      refs.map((ref) => ENTITY_KEYS[ref.type](ref.id)),
      { projection: ENTITY_PROJECTION, retry: this.retry },
    );
    const found = new Map<string, StoredEntity>();
    for (const item of items) {
      const entity = entityOf(item);
      if (entity) found.set(entityKey(entity.type, entity.id), entity);
    }
    return found;
  }

  async putLearnerRecords(write: LearnerWrite): Promise<void> {
    const owned: Item[] = [];
    const plain: Item[] = [];
    for (const record of write.records) {
      const items = itemsOf(record, write.entities);
      if (items.owned) owned.push(items.owned);
      plain.push(...items.plain);
    }
    for (const course of write.courses) {
      const author = course.mainAuthorId ?? course.creatorId;
      plain.push({
        pk: LEARNER_KEYS.author(author),
        sk: `COURSE#${course.courseId}`,
        org: course.org,
        courseId: course.courseId,
      });
    }
    // Entities belong to an organisation: written only if new or already the same org's,
    // whatever raced the use case's own check.
    await inParallel(owned, OWNED_WRITES_AT_ONCE, (item) => this.putOwned(item));
    await batchPutAll(this.db, this.tableName, plain, this.retry);
    await batchPutAll(this.db, this.tableName, orgIndexItems(write), this.retry);

    await inParallel(write.users, OWNED_WRITES_AT_ONCE, (u) => this.updateRowProfile(u));
    const attemptUsers = new Map<string, string>();
    const managers = new Map<string, string>();
    for (const record of write.records) {
      if (record.kind === 'course-attempt') attemptUsers.set(record.userId, record.org);
      if (record.kind === 'manager') managers.set(record.managerId, record.org);
    }
    await inParallel([...attemptUsers], OWNED_WRITES_AT_ONCE, ([userId, org]) => this.updateRowActivity(userId, org));
    // A new report changes the count of its manager and of that manager's own managers.
    const affected = new Map(managers);
    await inParallel([...managers], QUERIES_AT_ONCE, async ([managerId, org]) => {
      for (const above of await this.sortKeysAfter(LEARNER_KEYS.user(managerId), 'MANAGER#')) affected.set(above, org);
    });
    await inParallel([...affected], OWNED_WRITES_AT_ONCE, ([managerId, org]) => this.updateRowReports(managerId, org));
  }

  private async putOwned(item: Item): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR org = :org',
          ExpressionAttributeValues: { ':org': item.org },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ValidationError('A record belongs to another organisation; nothing more was written', [
          { path: `${String(item.kind)}`, message: 'belongs to another organisation' },
        ]);
      }
      throw error;
    }
  }

  private rowKey(org: string, userId: string): Key {
    return { pk: LEARNER_KEYS.userRows(org), sk: userId };
  }

  private async updateRow(
    org: string,
    userId: string,
    set: Record<string, unknown>,
    remove: string[] = [],
    setIfAbsent: Record<string, unknown> = {},
  ): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(set).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    for (const [i, [name, value]] of Object.entries(setIfAbsent).entries()) {
      names[`#d${i}`] = name;
      values[`:d${i}`] = value;
      sets.push(`#d${i} = if_not_exists(#d${i}, :d${i})`);
    }
    const removes = remove.map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.rowKey(org, userId),
        UpdateExpression: [
          sets.length > 0 ? `SET ${sets.join(', ')}` : '',
          removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
        ].join(' '),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }

  private updateRowProfile(user: LearnerUserRecord): Promise<void> {
    const set: Record<string, unknown> = { userId: user.userId };
    const remove: string[] = [];
    for (const name of ['firstName', 'lastName', 'email', 'deletedAt'] as const) {
      if (user[name] === undefined) remove.push(name);
      else set[name] = user[name];
    }
    // The tab is the partition of every users-list index; the names are this write's columns.
    const row = rowWith(user.userId, {
      firstName: user.firstName ?? null,
      lastName: user.lastName ?? null,
      email: user.email ?? null,
    });
    set[USERS_LIST.partition] = usersListPartition(user.org, user.deletedAt === undefined ? 'current' : 'deleted');
    for (const column of ['firstName', 'lastName', 'email'] as const) set[USERS_LIST.indexes[column]] = usersListKey(row, column);
    // A new user is in the other indexes too, with no activity and no reports until those writes come.
    const setIfAbsent = Object.fromEntries(
      (['timeSpentSeconds', 'lastActivityAt', 'directReports'] as const).map((column) => [
        USERS_LIST.indexes[column],
        usersListKey(row, column),
      ]),
    );
    return this.updateRow(user.org, user.userId, set, remove, setIfAbsent);
  }

  /** Time spent and last activity, recomputed from all the user's attempts (a resent attempt counts once). */
  private async updateRowActivity(userId: string, org: string): Promise<void> {
    const attempts = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': LEARNER_KEYS.user(userId), ':prefix': 'CATTEMPT#' },
      ProjectionExpression: 'timeSpentSeconds, lastActivityAt',
    });
    let time = 0;
    let last = '';
    for (const a of attempts) {
      time += Number(a.timeSpentSeconds ?? 0);
      if (typeof a.lastActivityAt === 'string' && a.lastActivityAt > last) last = a.lastActivityAt;
    }
    const row = rowWith(userId, { timeSpentSeconds: time, lastActivityAt: last || null });
    await this.updateRow(
      org,
      userId,
      {
        userId,
        timeSpentSeconds: time,
        ...(last ? { lastActivityAt: last } : {}),
        [USERS_LIST.indexes.timeSpentSeconds]: usersListKey(row, 'timeSpentSeconds'),
        [USERS_LIST.indexes.lastActivityAt]: usersListKey(row, 'lastActivityAt'),
      },
      last ? [] : ['lastActivityAt'],
    );
  }

  private async updateRowReports(managerId: string, org: string): Promise<void> {
    const reports = new Map<string, string[]>();
    reports.set(managerId, await this.sortKeysAfter(LEARNER_KEYS.user(managerId), 'REPORT#'));
    await inParallel(reports.get(managerId) ?? [], QUERIES_AT_ONCE, async (u) => {
      reports.set(u, await this.sortKeysAfter(LEARNER_KEYS.user(u), 'REPORT#'));
    });
    const count = directReports(managerId, (m) => reports.get(m) ?? []).length;
    await this.updateRow(org, managerId, {
      userId: managerId,
      directReports: count,
      [USERS_LIST.indexes.directReports]: usersListKey(rowWith(managerId, { directReports: count }), 'directReports'),
    });
  }

  /** The part after `prefix` of each sort key in a partition that starts with it. */
  private async sortKeysAfter(pk: string, prefix: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => String(item.sk).slice(prefix.length));
  }

  async getOrganisation(org: string) {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: LEARNER_KEYS.org(org) }));
    if (!out.Item) return undefined;
    const item = out.Item;
    return {
      org,
      name: String(item.name),
      ownerId: String(item.ownerId),
      platformAdminIds: Array.isArray(item.platformAdminIds) ? item.platformAdminIds.map(String) : [],
    };
  }

  async getUserActivity(userId: string) {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LEARNER_KEYS.user(userId) },
    });
    const profileItem = items.find((item) => item.sk === '#PROFILE');
    if (!profileItem) return undefined;
    const activity: UserActivity & { assignedSessionIds: string[] } = {
      profile: recordOf(profileItem),
      memberships: [],
      attempts: [],
      answers: [],
      assessments: [],
      certificates: [],
      posts: [],
      received: [],
      assignedSessionIds: [],
    };
    for (const item of items) {
      const sk = String(item.sk);
      const kind = sk.slice(0, sk.indexOf('#') + 1);
      if (kind === 'MEMBER#') activity.memberships.push(recordOf(item));
      else if (kind === 'CATTEMPT#') activity.attempts.push(recordOf(item));
      else if (kind === 'ANSWER#') activity.answers.push(recordOf(item));
      else if (kind === 'ASSESS#') activity.assessments.push(recordOf(item));
      else if (kind === 'CERT#') activity.certificates.push(recordOf(item));
      else if (kind === 'POST#') activity.posts.push(recordOf(item));
      else if (kind === 'RECEIVED#') activity.received.push(recordOf(item));
      else if (kind === 'PSESSION#') activity.assignedSessionIds.push(sk.slice(kind.length));
    }
    return activity;
  }

  async getMemberships(userId: string): Promise<Membership[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': LEARNER_KEYS.user(userId), ':prefix': 'MEMBER#' },
    });
    return items.map((item) => recordOf<Membership>(item));
  }

  async groupMembers(groupIds: readonly string[]): Promise<string[]> {
    const members = new Set<string>();
    await inParallel(groupIds, QUERIES_AT_ONCE, async (groupId) => {
      for (const userId of await this.sortKeysAfter(LEARNER_KEYS.group(groupId), 'MEMBER#')) members.add(userId);
    });
    return [...members];
  }

  async groupSessionIds(groupIds: readonly string[]): Promise<string[]> {
    const sessions = new Set<string>();
    await inParallel(groupIds, QUERIES_AT_ONCE, async (groupId) => {
      for (const id of await this.sortKeysAfter(LEARNER_KEYS.group(groupId), 'PSESSION#')) sessions.add(id);
    });
    return [...sessions];
  }

  async getProgramSessions(sessionIds: readonly string[]): Promise<ProgramSessionView[]> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      sessionIds.map((id) => ENTITY_KEYS['program-session'](id)),
      { retry: this.retry },
    );
    return items.map((item) => {
      const session = recordOf<LearnerRecord & { kind: 'program-session' }>(item);
      return {
        sessionId: session.sessionId,
        programId: session.programId,
        name: session.name,
        createdAt: session.createdAt,
        endsAt: session.endsAt,
        courseIds: [...new Set(session.blocks.flatMap((b) => b.courseIds))],
      };
    });
  }

  async userRows(org: string, userIds?: readonly string[]): Promise<UserRow[]> {
    const items = userIds
      ? await batchGetAll(
          this.db,
          this.tableName,
          userIds.map((id) => this.rowKey(org, id)),
          { retry: this.retry },
        )
      : await queryAll(this.db, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': LEARNER_KEYS.userRows(org) },
        });
    return items.map(userRowOf);
  }

  /**
   * A page's worth of the org's list from the column's index: the cells with a value (forward or
   * backward), then the empty cells (forward), starting after `after`. Reads `limit` index
   * entries, not the org.
   */
  async orderedUserRows(org: string, query: OrderedUsersQuery): Promise<UserRow[]> {
    try {
      return await this.orderedUserRowsFromIndex(org, query);
    } catch (error) {
      // While a stack is updated one index per deploy (CloudFormation creates one at a time), a
      // sort whose index is not there or still filling reads the whole org and sorts it, as before.
      if (!isMissingIndex(error)) throw error;
      return rowsInOrder(await this.userRows(org), query);
    }
  }

  private async orderedUserRowsFromIndex(org: string, query: OrderedUsersQuery): Promise<UserRow[]> {
    const rows: UserRow[] = [];
    const after = query.after;
    const phases = [
      { prefix: VALUED, forward: query.order === 'asc' },
      { prefix: EMPTY, forward: true },
    ].filter((phase) => !(after?.value === null && phase.prefix === VALUED));
    const indexName = USERS_LIST.indexes[query.sort];
    const partition = usersListPartition(org, query.tab);
    for (const phase of phases) {
      let start: Record<string, unknown> | undefined =
        after && (after.value === null) === (phase.prefix === EMPTY)
          ? {
              ...this.rowKey(org, after.userId),
              [USERS_LIST.partition]: partition,
              [indexName]: usersListSortKey(after),
            }
          : undefined;
      while (rows.length < query.limit) {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': USERS_LIST.partition, '#sk': indexName },
            ExpressionAttributeValues: { ':pk': partition, ':prefix': phase.prefix },
            ScanIndexForward: phase.forward,
            Limit: query.limit - rows.length,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        rows.push(...(out.Items ?? []).map(userRowOf));
        start = out.LastEvaluatedKey;
        if (!start) break;
      }
      if (rows.length >= query.limit) break;
    }
    return rows;
  }

  /**
   * Writes the users-list index keys of every row from its stored cells: for rows stored before
   * the indexes existed (`npm run backfill-users-list`). A row changed meanwhile is left to the
   * write that changed it (each write sets the keys of what it writes) and read again. Returns
   * how many rows it rewrote.
   */
  async backfillUsersList(): Promise<number> {
    let rewritten = 0;
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :rows)',
        ExpressionAttributeValues: { ':rows': LEARNER_KEYS.userRows('') },
      },
    );
    for await (const page of pages) {
      await inParallel(page.Items ?? [], OWNED_WRITES_AT_ONCE, async (item) => {
        if (await this.rewriteUsersListKeys(item)) rewritten += 1;
      });
    }
    return rewritten;
  }

  private async rewriteUsersListKeys(item: Item, tries = 3): Promise<boolean> {
    const org = String(item.pk).slice(LEARNER_KEYS.userRows('').length);
    const row = userRowOf(item);
    const names: Record<string, string> = { '#pk': 'pk', [`#${USERS_LIST.partition}`]: USERS_LIST.partition };
    const values: Record<string, unknown> = {
      [`:${USERS_LIST.partition}`]: usersListPartition(org, row.deletedAt === null ? 'current' : 'deleted'),
    };
    const sets = [`#${USERS_LIST.partition} = :${USERS_LIST.partition}`];
    for (const column of USER_COLUMNS) {
      const attribute = USERS_LIST.indexes[column];
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = usersListKey(row, column);
      sets.push(`#${attribute} = :${attribute}`);
    }
    // Only if the cells the keys come from are still the ones read.
    const unchanged = ['deletedAt', ...USER_COLUMNS].map((name) => {
      names[`#c_${name}`] = name;
      if (item[name] === undefined) return `attribute_not_exists(#c_${name})`;
      values[`:c_${name}`] = item[name];
      return `#c_${name} = :c_${name}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.rowKey(org, row.userId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: ['attribute_exists(#pk)', ...unchanged].join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || tries <= 1) throw error;
      const again = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.rowKey(org, row.userId) }));
      return again.Item ? this.rewriteUsersListKeys(again.Item, tries - 1) : false;
    }
  }

  async authoredCourses(userId: string) {
    const courseIds = await this.sortKeysAfter(LEARNER_KEYS.author(userId), 'COURSE#');
    const items = await batchGetAll(
      this.db,
      this.tableName,
      courseIds.map((id) => ENTITY_KEYS.course(id)),
      { projection: ENTITY_PROJECTION, retry: this.retry },
    );
    // The index may lag a course whose author changed: the course item has the last word.
    return items.flatMap((item) => {
      const course = entityOf(item);
      if (!course || course.mainAuthorId !== userId) return [];
      return [{ courseId: course.id, publishedAt: typeof item.publishedAt === 'string' ? item.publishedAt : undefined }];
    });
  }

  async courseEvents(courseIds: readonly string[], window: { from: string; to: string }): Promise<CourseEvent[]> {
    const events: CourseEvent[] = [];
    await inParallel(courseIds, QUERIES_AT_ONCE, async (courseId) => {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': LEARNER_KEYS.courseActivity(courseId),
          ':from': window.from,
          // '~' sorts after every kind name, so events at exactly `to` are in.
          ':to': `${window.to}#~`,
        },
      });
      for (const item of items) events.push(recordOf<CourseEvent>(item));
    });
    return events;
  }

  async orgGroups(org: string): Promise<{ groupId: string; name: string }[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': LEARNER_KEYS.orgIndex(org), ':prefix': 'GROUP#' },
    });
    return items.map((item) => ({ groupId: String(item.sk).slice('GROUP#'.length), name: String(item.name) }));
  }

  async customFieldNames(org: string): Promise<string[]> {
    return this.sortKeysAfter(LEARNER_KEYS.orgIndex(org), 'CFIELD#');
  }

  async exportActivities(userIds: readonly string[]): Promise<Map<string, ExportActivity>> {
    const found = new Map<string, ExportActivity>();
    await inParallel(userIds, EXPORT_QUERIES_AT_ONCE, async (userId) => {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': LEARNER_KEYS.user(userId) },
      });
      const profileItem = items.find((item) => item.sk === '#PROFILE');
      if (!profileItem) return;
      const activity: ExportActivity = { ...emptyActivity(recordOf(profileItem)), ...snapshotOf(items) };
      found.set(userId, activity);
    });
    return found;
  }

  async reportsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const reports = new Map<string, string[]>();
    await inParallel(userIds, QUERIES_AT_ONCE, async (userId) => {
      reports.set(userId, await this.sortKeysAfter(LEARNER_KEYS.user(userId), 'REPORT#'));
    });
    return reports;
  }

  async groupPathSessionIds(groupIds: readonly string[]): Promise<string[]> {
    const sessions = new Set<string>();
    await inParallel(groupIds, QUERIES_AT_ONCE, async (groupId) => {
      for (const id of await this.sortKeysAfter(LEARNER_KEYS.group(groupId), 'PATHSESSION#')) sessions.add(id);
    });
    return [...sessions];
  }
}
