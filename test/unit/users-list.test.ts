import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/domain/errors';
import {
  compareCodePoints,
  MAX_SORT_VALUE_BYTES,
  pageOfUsers,
  sortText,
  USER_COLUMNS,
  type UserRow,
  type UsersPageQuery,
} from '#shared/domain/users-list';

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

  it('reverses the whole order when descending, ties included, and keeps empty cells last by user id', () => {
    const source = [row('b', { lastName: 'x' }), row('a', { lastName: 'X' }), row('d'), row('c'), row('e', { lastName: 'y' })];
    const order = (o: 'asc' | 'desc') =>
      pageOfUsers(source, { tab: 'current', sort: 'lastName', order: o, limit: 10 }).users.map((r) => r.userId);
    expect(order('asc')).toEqual(['a', 'b', 'e', 'c', 'd']);
    expect(order('desc')).toEqual(['e', 'b', 'a', 'c', 'd']);
  });

  it('compares text by code point, as DynamoDB compares its UTF-8 bytes', () => {
    // U+FFE0 is one UTF-16 unit above the surrogates that encode U+1D49C, but below it as a code point.
    expect('\uffe0' > '\u{1d49c}').toBe(true);
    expect(compareCodePoints('\uffe0', '\u{1d49c}')).toBeLessThan(0);
    const sorted = ['\u{1d49c}', '\uffe0', 'z', '\u0101'].sort(compareCodePoints);
    expect(sorted).toEqual(['z', '\u0101', '\uffe0', '\u{1d49c}']);
    expect(sorted.map((s) => Buffer.from(s))).toEqual(sorted.map((s) => Buffer.from(s)).sort((x, y) => Buffer.compare(x, y)));
  });

  it('reads control characters as spaces and cuts long text to what an index key holds', () => {
    expect(sortText('Line\nBreak\u0000')).toBe('line break ');
    const long = sortText('É'.repeat(500));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_SORT_VALUE_BYTES);
    expect(long).toBe('e'.repeat(500)); // folded first: 500 bytes fit
    const wide = sortText('語'.repeat(500));
    expect(Buffer.byteLength(wide)).toBe(798); // whole characters only (3 bytes each)
    expect(sortText(`${'\u{1d49c}'.repeat(300)}`).length % 2).toBe(0); // never half a surrogate pair
  });

  it('neither repeats nor skips a row when users are added between two pages', () => {
    let source = rows.slice(0, 20);
    const first = pageOfUsers(source, { tab: 'current', sort: 'timeSpentSeconds', order: 'desc', limit: 5 });
    source = [...source, row('new-early', { timeSpentSeconds: 10_000 }), row('new-late', { timeSpentSeconds: 0 })];
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

  it('refuses a cursor whose position could not be an index key', () => {
    const cursor = (value: unknown, userId: unknown = 'u01') =>
      Buffer.from(JSON.stringify(['current', 'email', 'asc', value, userId])).toString('base64url');
    const page = (text: string) => () =>
      pageOfUsers(rows, { tab: 'current', sort: 'email', order: 'asc', limit: 2, cursor: text });
    expect(page(cursor('a\u0001b'))).toThrow(ValidationError);
    expect(page(cursor('x'.repeat(MAX_SORT_VALUE_BYTES + 1)))).toThrow(ValidationError);
    expect(page(cursor('user1@example.com', 'bad#id'))).toThrow(ValidationError);
    // A valid one starts after (value, id): u08 has the same address (u15 has none), then user2@…
    expect(page(cursor('user1@example.com'))().users.map((r) => r.userId)).toEqual(['u08', 'u02']);
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
