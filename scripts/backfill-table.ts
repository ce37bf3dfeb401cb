import { parseArgs } from 'node:util';

/**
 * The LearningRecords table a backfill script works on, from `--table NAME` or RECORDS_TABLE;
 * without either, prints the script's usage and exits with 2.
 */
export function backfillTable(script: string): string {
  const { values } = parseArgs({ options: { table: { type: 'string' } } });
  const table = values.table ?? process.env.RECORDS_TABLE;
  if (!table) {
    console.error(`usage: RECORDS_TABLE=<LearningRecords table> npm run ${script}  (or -- --table NAME)`);
    process.exit(2);
  }
  return table;
}

/** Seconds since `started`, for the line a backfill ends with. */
export const secondsSince = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;
