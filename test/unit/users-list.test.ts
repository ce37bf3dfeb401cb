import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import { pageOfUsers, USER_COLUMNS, type UserRow, type UsersPageQuery } from '#shared/domain/users-list';

function row(userId: string, extra: Partial<UserRow> = {}): UserRow {
  return {
    userId,
    firstName: null,
    lastName: null,
    email: null,
    timeSpentSeconds: 0,
    lastActivityAt: null,
    directReports: 0,
    deletedAt: null,
    ...extra,
  };
}

/** Many ties and empty cells: the hard case for a stable order. */
const rows: UserRow[] = Array.from({ length: 23 }, (_, i) =>
  row(`u${String(i).padStart(2, '0')}`, {
    firstName: ['Ana', 'bob', 'Émile', null][i % 4] ?? null,
    lastName: ['Zed', 'Young', 'young'][i % 3] ?? null,
    email: i % 5 === 0 ? null : `user${i % 7}@example.com`,
    timeSpentSeconds: (i % 4) * 60,
    lastActivityAt: i % 6 === 0 ? null : `2026-0${1 + (i % 3)}-01T00:00:00.000Z`,
    directReports: i % 2,
    deletedAt: i === 22 ? '2026-01-01T00:00:00.000Z' : null,
  }),
);

function allPages(query: Omit<UsersPageQuery, 'cursor'>, source: () => readonly UserRow[] = () => rows): UserRow[] {
  const seen: UserRow[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const result = pageOfUsers(source(), { ...query, cursor });
    seen.push(...result.users);
    if (!result.nextCursor) return seen;
    cursor = result.nextCursor;
  }
  throw new Error('pagination did not end');
}

describe('users list', () => {
  it.each(USER_COLUMNS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => ({ sort, order }))))(
    'pages through every current user once, in order, sorted by $sort $order',
    ({ sort, order }) => {
      const whole = pageOfUsers(rows, { tab: 'current', sort, order, limit: 1000 }).users;
      expect(whole).toHaveLength(22);
      const paged = allPages({ tab: 'current', sort, order, limit: 4 });
      expect(paged.map((r) => r.userId)).toEqual(whole.map((r) => r.userId));
      // Sorted by the column, empty cells last.
      const values = whole.map((r) => r[sort]);
      const firstNull = values.indexOf(null);
      if (firstNull >= 0) expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
    },
  );

  it('orders text case- and accent-insensitively, ties by user id', () => {
    const page = pageOfUsers(
      [row('b', { lastName: 'young' }), row('a', { lastName: 'Young' }), row('c', { lastName: 'Émile' })],
      {
        tab: 'current',
        sort: 'lastName',
        order: 'asc',
        limit: 10,
      },
    );
    expect(page.users.map((r) => r.userId)).toEqual(['c', 'a', 'b']);
  });

  it('neither repeats nor skips a row when users are added between two pages', () => {
    let source = rows.slice(0, 20);
    const first = pageOfUsers(source, { tab: 'current', sort: 'timeSpentSeconds', order: 'desc', limit: 5 });
    source = [...source, row('new-early', { timeSpentSeconds: 10_000 }), row('new-late', { timeSpentSeconds: -1 })];
    const rest = allPages({ tab: 'current', sort: 'timeSpentSeconds', order: 'desc', limit: 5 }, () => source);
    const restAfter = pageOfUsers(source, {
      tab: 'current',
      sort: 'timeSpentSeconds',
      order: 'desc',
      limit: 100,
      cursor: first.nextCursor ?? undefined,
    }).users;
    const ids = [...first.users, ...restAfter].map((r) => r.userId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('new-late');
    expect(ids).not.toContain('new-early'); // it sorts before the rows already shown
    expect(rest).toHaveLength(source.length);
  });

  it('shows only deleted users on the deleted tab', () => {
    expect(pageOfUsers(rows, { tab: 'deleted', sort: 'email', order: 'asc', limit: 50 }).users.map((r) => r.userId)).toEqual([
      'u22',
    ]);
  });

  it('refuses a cursor made for another sort, and one that is not a cursor', () => {
    const { nextCursor } = pageOfUsers(rows, { tab: 'current', sort: 'email', order: 'asc', limit: 2 });
    expect(nextCursor).toBeTruthy();
    expect(() =>
      pageOfUsers(rows, { tab: 'current', sort: 'email', order: 'desc', limit: 2, cursor: nextCursor ?? undefined }),
    ).toThrow(ValidationError);
    expect(() => pageOfUsers(rows, { tab: 'current', sort: 'email', order: 'asc', limit: 2, cursor: 'not-a-cursor' })).toThrow(
      ValidationError,
    );
  });
});
