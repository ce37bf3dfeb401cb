import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { pageOfUsers, USER_COLUMNS, type UserColumn, type UserRow, type UsersTab } from '#shared/domain/users-list';
import { ingestRecords } from '#shared/usecases/ingest-records';
import { listUsers } from '#shared/usecases/learner-statistics';
import { untilTableActive } from '../../infra/local/emulators.ts';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { courseAttempt } from '../support/fixtures.ts';

/**
 * The owner's users list read from the users-list indexes on dynalite, against the domain's own
 * in-memory order of the same rows (which is what a coach's list uses): both must agree for every
 * column, order and tab, on values made to be hard (case, accents, ties, empty cells, code points
 * above U+FFFF, control characters, texts past the index key's length).
 */
const ORG = 'org-ul';
const OWNER = 'owner';
let emulators: Emulators;
let learners: SnapshotLearnerRecords;
let queriedItems = 0;
let deps: { records: DynamoRecordsRepository; learners: SnapshotLearnerRecords };
const clock = { now: () => new Date('2026-06-01T00:00:00Z') };

const long = (c: string) => c.repeat(450);
const people: Record<string, unknown>[] = [
  { userId: 'u01', firstName: 'Ana', lastName: 'Young', email: 'ana@example.com' },
  { userId: 'u02', firstName: 'ana', lastName: 'young', email: 'ana2@example.com' },
  { userId: 'u03', firstName: 'Émile', lastName: 'Zola' },
  { userId: 'u04', lastName: 'Young', email: 'z@example.com' },
  { userId: 'u05', firstName: 'Bob', email: 'bob@example.com' },
  { userId: 'u06', firstName: '\uff41lpha', lastName: '\u{1d49c}stral' },
  { userId: 'u07', firstName: '\u{1d49c}', lastName: '\uffe0' },
  { userId: 'u08', firstName: `${long('é')}b`, lastName: 'line\nbreak' },
  { userId: 'u09', firstName: `${long('é')}a`, lastName: 'line break' },
  { userId: 'u10', firstName: '', lastName: 'Ångström' },
  { userId: 'u11', firstName: 'Zed', lastName: 'Gone', deletedAt: '2026-02-01T00:00:00Z' },
  { userId: 'u12', firstName: 'Yann', deletedAt: '2026-03-01T00:00:00Z' },
  { userId: 'A-upper', firstName: 'Ana', lastName: 'Young' },
  { userId: OWNER, firstName: 'Olga', lastName: 'Owner' },
];
const user = (p: Record<string, unknown>) => ({ kind: 'user', org: ORG, name: String(p.userId), ...p });
const course = {
  kind: 'course',
  org: ORG,
  courseId: 'ul-c1',
  name: 'C1',
  creatorId: OWNER,
  children: [{ type: 'content', id: 'x', name: 'x' }],
};
const attempt = (userId: string, timeSpentSeconds: number, lastActivityAt: string) =>
  courseAttempt({
    org: ORG,
    attemptId: `ul-a-${userId}-${lastActivityAt}`,
    userId,
    courseId: 'ul-c1',
    timeSpentSeconds,
    lastActivityAt,
  });

beforeAll(async () => {
  emulators = await startEmulators();
  // Counts the items every Query returns: what a page of the list reads.
  const counting: typeof emulators.db = Object.create(emulators.db);
  counting.send = (async (command: QueryCommand) => {
    const out = await emulators.db.send(command);
    if (command instanceof QueryCommand) queriedItems += out.Items?.length ?? 0;
    return out;
  }) as typeof counting.send;
  learners = new SnapshotLearnerRecords(emulators.tables.records, counting);
  deps = { records: new DynamoRecordsRepository(emulators.tables.records, emulators.db), learners };
  await ingestRecords(
    [
      ...people.map(user),
      course,
      { kind: 'organisation', org: ORG, name: 'UL', ownerId: OWNER, platformAdminIds: [] },
      { kind: 'group', org: ORG, groupId: 'ul-g', name: 'G' },
      { kind: 'membership', org: ORG, groupId: 'ul-g', userId: 'coach', role: 'coach' },
      ...['u01', 'u03', 'u06', 'u08', 'u11'].map((userId) => ({
        kind: 'membership',
        org: ORG,
        groupId: 'ul-g',
        userId,
        role: 'learner',
      })),
      user({ userId: 'coach', firstName: 'Cora' }),
      attempt('u01', 300, '2026-01-05T00:00:00Z'),
      attempt('u02', 300, '2026-01-05T00:00:00Z'),
      attempt('u03', 90, '2026-01-02T00:00:00Z'),
      attempt('u05', 10_000, '2026-01-09T00:00:00Z'),
      attempt('u11', 5, '2026-01-01T00:00:00Z'),
      { kind: 'manager', org: ORG, managerId: 'u01', userId: 'u02' },
      { kind: 'manager', org: ORG, managerId: 'u01', userId: 'u03' },
      { kind: 'manager', org: ORG, managerId: 'u04', userId: 'u05' },
    ],
    deps,
  );
});
afterAll(async () => emulators?.stop());

async function walk(sub: string, query: { tab: UsersTab; sort: UserColumn; order: 'asc' | 'desc' }, limit = 3) {
  const rows: UserRow[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const result = await listUsers({ ...query, limit, cursor }, { userId: sub, org: ORG }, { learners, clock });
    expect(result.users.length).toBeLessThanOrEqual(limit);
    rows.push(...result.users);
    if (!result.nextCursor) return rows;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

const allStored = async () =>
  learners.userRows(ORG, [...people.map((p) => String(p.userId)), 'coach', 'late-1', 'late-2', 'old-row']);
const ids = (rows: UserRow[]) => rows.map((r) => r.userId);

describe('integration: users list read from its indexes', () => {
  it.each(
    USER_COLUMNS.flatMap((sort) =>
      (['asc', 'desc'] as const).flatMap((order) => (['current', 'deleted'] as const).map((tab) => ({ sort, order, tab }))),
    ),
  )('pages by $sort $order ($tab) in exactly the domain order, each user once', async (query) => {
    const expected = pageOfUsers(await allStored(), { ...query, limit: 1000 }).users;
    const paged = await walk(OWNER, query);
    expect(ids(paged)).toEqual(ids(expected));
    expect(paged.length).toBe(query.tab === 'current' ? 13 : 2);
    // The index holds the row's columns: what the page shows is the stored row.
    expect(paged).toEqual(expected);
  });

  it('orders as documented: case and accents ignored, ties by id (reversed when descending), empty cells last', async () => {
    const current = { tab: 'current' as const, sort: 'lastName' as const };
    expect(ids(await walk(OWNER, { ...current, order: 'asc' }))).toEqual([
      'u10', // ångström
      'u08', // "line\nbreak": control characters read as spaces, so a tie with u09, by id
      'u09', // "line break"
      OWNER,
      'A-upper', // young: ties by user id ('A' < 'u')
      'u01',
      'u02',
      'u04',
      'u03', // zola
      'u07', // U+FFE0 sorts below U+1D49C by code point (not by UTF-16 unit)
      'u06',
      'coach', // no last name: last, by id
      'u05',
    ]);
  });

  it('reads about one page of index entries per page, however many users the org has', async () => {
    queriedItems = 0;
    const page = await listUsers(
      { tab: 'current', sort: 'email', order: 'desc', limit: 2 },
      { userId: OWNER, org: ORG },
      { learners, clock },
    );
    expect(page.users).toHaveLength(2);
    expect(queriedItems).toBeLessThanOrEqual(3 + 1); // the page, one look-ahead, the org record's reads aside
  });

  it('neither repeats nor skips a user when users are added between two pages', async () => {
    const query = { tab: 'current' as const, sort: 'timeSpentSeconds' as const, order: 'desc' as const };
    const first = await listUsers({ ...query, limit: 3 }, { userId: OWNER, org: ORG }, { learners, clock });
    expect(ids(first.users)).toEqual(['u05', 'u02', 'u01']);
    await ingestRecords(
      [
        user({ userId: 'late-1', lastName: 'Early' }),
        user({ userId: 'late-2', lastName: 'Late' }),
        attempt('late-1', 50_000, '2026-01-10T00:00:00Z'),
        // The last row shown moves up: the next page still starts where the cursor says.
        attempt('u01', 1, '2026-01-11T00:00:00Z'),
      ],
      deps,
    );
    const rest: UserRow[] = [];
    let cursor = first.nextCursor ?? undefined;
    while (cursor) {
      const page = await listUsers({ ...query, limit: 4, cursor }, { userId: OWNER, org: ORG }, { learners, clock });
      rest.push(...page.users);
      cursor = page.nextCursor ?? undefined;
    }
    const seen = [...ids(first.users), ...ids(rest)];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('late-2'); // 0 s, after the page already shown
    expect(seen).not.toContain('late-1'); // it sorts before the rows already shown
    expect(seen).toHaveLength(14);
  });

  it('moves a user between the tabs in the indexes when deleted and restored', async () => {
    const deletedIds = async () => ids(await walk(OWNER, { tab: 'deleted', sort: 'firstName', order: 'asc' }));
    await ingestRecords([user({ ...people[4], deletedAt: '2026-04-01T00:00:00Z' })], deps);
    expect(await deletedIds()).toEqual(['u05', 'u12', 'u11']); // bob, yann, zed
    await ingestRecords([user(people[4] ?? {})], deps);
    expect(await deletedIds()).toEqual(['u12', 'u11']);
    expect(ids(await walk(OWNER, { tab: 'current', sort: 'timeSpentSeconds', order: 'desc' }))[1]).toBe('u05');
  });

  it('shows a coach the members of their groups, in the same order', async () => {
    const query = { tab: 'current' as const, sort: 'firstName' as const, order: 'asc' as const };
    // Cora coaches the group she is in; Zed (u11) is on the deleted tab.
    expect(ids(await walk('coach', query, 2))).toEqual(['u01', 'coach', 'u08', 'u03', 'u06']);
  });

  it('puts rows stored before the indexes into them with the backfill', async () => {
    await emulators.db.send(
      new PutCommand({
        TableName: emulators.tables.records,
        Item: { pk: `USERROWS#${ORG}`, sk: 'old-row', userId: 'old-row', lastName: 'Aardvark', timeSpentSeconds: 7 },
      }),
    );
    const first = async () => (await walk(OWNER, { tab: 'current', sort: 'lastName', order: 'asc' }, 50))[0]?.userId;
    expect(await first()).not.toBe('old-row');
    expect(await learners.backfillUsersList()).toBeGreaterThanOrEqual(1);
    expect(await first()).toBe('old-row');
    const byTime = ids(await walk(OWNER, { tab: 'current', sort: 'timeSpentSeconds', order: 'asc' }, 50));
    expect(byTime.indexOf('old-row')).toBeGreaterThan(byTime.indexOf('u04')); // 7 s after the zeros
    expect(byTime.indexOf('old-row')).toBeLessThan(byTime.indexOf('u03')); // and before 90 s
    // Every row now has the keys the writes set: the backfill changed no order.
    for (const sort of USER_COLUMNS) {
      const expected = pageOfUsers(await allStored(), { tab: 'current', sort, order: 'desc', limit: 1000 }).users;
      expect(ids(await walk(OWNER, { tab: 'current', sort, order: 'desc' }, 50))).toEqual(ids(expected));
    }
  });

  it('reads the whole org and sorts it while a sort has no index yet (a stack updated one index per deploy)', async () => {
    const table = `records-without-indexes-${Date.now()}`;
    await emulators.db.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      }),
    );
    await untilTableActive(emulators.db, table);
    const bare = new SnapshotLearnerRecords(table, emulators.db);
    await ingestRecords(
      [
        ...[...people.slice(0, 5), { userId: OWNER }].map(user),
        { kind: 'organisation', org: ORG, name: 'UL', ownerId: OWNER, platformAdminIds: [] },
      ],
      { records: new DynamoRecordsRepository(table, emulators.db), learners: bare },
    );
    const page = await listUsers(
      { tab: 'current', sort: 'email', order: 'desc', limit: 3 },
      { userId: OWNER, org: ORG },
      { learners: bare, clock },
    );
    expect(ids(page.users)).toEqual(['u04', 'u05', 'u01']); // z@, bob@, ana@ ('@' sorts after '2')
    const next = await listUsers(
      { tab: 'current', sort: 'email', order: 'desc', limit: 3, cursor: page.nextCursor ?? undefined },
      { userId: OWNER, org: ORG },
      { learners: bare, clock },
    );
    expect(ids(next.users)).toEqual(['u02', OWNER, 'u03']); // ana2@, then no address, by id
    expect(next.nextCursor).toBeNull();
  });
});
