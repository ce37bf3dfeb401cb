import { ValidationError } from './errors.ts';

/**
 * The users list: one row per user with the columns the dashboard sorts by, and keyset
 * pagination. A cursor names the last row shown (its sort value and user id) and the sort it was
 * made for, so the next page starts strictly after that row in the same total order (ties broken
 * by user id): no row is shown twice or skipped, even if rows are added between two pages.
 */
export interface UserRow {
  userId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  timeSpentSeconds: number;
  lastActivityAt: string | null;
  directReports: number;
  deletedAt: string | null;
}

export const USER_COLUMNS = ['firstName', 'lastName', 'email', 'timeSpentSeconds', 'lastActivityAt', 'directReports'] as const;
export type UserColumn = (typeof USER_COLUMNS)[number];
export type SortOrder = 'asc' | 'desc';
export type UsersTab = 'current' | 'deleted';

export interface UsersPageQuery {
  tab: UsersTab;
  sort: UserColumn;
  order: SortOrder;
  limit: number;
  cursor?: string | undefined;
}

interface Cursor {
  tab: UsersTab;
  sort: UserColumn;
  order: SortOrder;
  value: string | number | null;
  userId: string;
}

/**
 * Text sorts case- and accent-insensitively: each cell is folded once per request (decomposed,
 * marks dropped, lower case) and compared by code unit, ~10× faster over 10,000 rows than a
 * collator compare per comparison.
 */
export const foldText = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The total order of a sort: by the column (empty cells last in both directions), then by user id
 * ascending, so equal values still have one fixed order.
 */
export function compareRows(order: SortOrder) {
  return (a: Pick<UserRow, 'userId'> & { value: string | number | null }, b: typeof a): number => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else {
      const byValue = compareValues(a.value, b.value);
      if (byValue !== 0) return order === 'asc' ? byValue : -byValue;
    }
    return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
  };
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.tab, cursor.sort, cursor.order, cursor.value, cursor.userId])).toString('base64url');
}

export function decodeCursor(text: string, query: Omit<UsersPageQuery, 'cursor' | 'limit'>): Cursor {
  const refuse = () => new ValidationError('The cursor is not one this list gave', [{ path: 'cursor', message: 'is invalid' }]);
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parts) || parts.length !== 5) throw refuse();
  const [tab, sort, order, value, userId] = parts as unknown[];
  if (typeof userId !== 'string' || !(value === null || typeof value === 'string' || typeof value === 'number')) throw refuse();
  if (tab !== query.tab || sort !== query.sort || order !== query.order) {
    throw new ValidationError('The cursor belongs to another tab or sort; start again without it', [
      { path: 'cursor', message: 'does not match tab, sort and order' },
    ]);
  }
  return { tab: query.tab, sort: query.sort, order: query.order, value, userId };
}

/** One page of the rows in the query's tab and order, and the cursor of the next page if any. */
export function pageOfUsers(rows: readonly UserRow[], query: UsersPageQuery): { users: UserRow[]; nextCursor: string | null } {
  const compare = compareRows(query.order);
  const inTab = rows
    .filter((row) => (query.tab === 'deleted') === (row.deletedAt !== null))
    .map((row) => {
      const value = row[query.sort];
      return { row, userId: row.userId, value: typeof value === 'string' ? foldText(value) : value };
    });
  const after = query.cursor ? decodeCursor(query.cursor, query) : undefined;
  const candidates = after ? inTab.filter((entry) => compare(entry, after) > 0) : inTab;
  candidates.sort(compare);
  const page = candidates.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    last && candidates.length > query.limit
      ? encodeCursor({ tab: query.tab, sort: query.sort, order: query.order, value: last.value, userId: last.userId })
      : null;
  return { users: page.map((entry) => entry.row), nextCursor };
}
