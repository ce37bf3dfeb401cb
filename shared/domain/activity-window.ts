/**
 * An inclusive time window, ISO-8601 UTC bounds: the user activity report's sessions are those with
 * any part inside it (docs/records.md). The sync API and the async exhaust share it.
 */
export interface ActivityWindow {
  from: string;
  to: string;
}
