import { z } from 'zod';
import { ValidationError } from '../domain/errors.ts';
import type { ActivityWindow } from './ports.ts';

/** The user activity report's body: both bounds optional, ISO-8601 with a zone. */
export const ActivityWindowBody = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ActivityWindowBody = z.infer<typeof ActivityWindowBody>;

/**
 * Resolves the window: `to` defaults to now, `from` to one calendar month before `to`. A window
 * whose `from` is after its `to`, or that spans more than a year, is refused.
 */
export function activityWindow(body: ActivityWindowBody, now: Date): ActivityWindow {
  const to = body.to ? new Date(body.to) : now;
  const from = body.from ? new Date(body.from) : monthsBefore(to, 1);
  if (from > to) throw new ValidationError('from is after to', [{ path: 'from', message: 'is after to' }]);
  const yearBefore = new Date(to);
  yearBefore.setUTCFullYear(yearBefore.getUTCFullYear() - 1);
  if (from < yearBefore) {
    throw new ValidationError('The window spans more than a year', [{ path: 'from', message: 'is more than a year before to' }]);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The same day and time `months` earlier, clamped to the month's last day (31 March → 28 February). */
function monthsBefore(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return result;
}

/** A session belongs to the window when any part of it does: it starts by `to` and ends at or after `from`. */
export function overlapsWindow(session: { startedAt: string; endedAt: string }, window: ActivityWindow): boolean {
  return session.startedAt <= window.to && session.endedAt >= window.from;
}
