import { parseArgs } from 'node:util';
import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';

/**
 * One-off, after deploying export snapshots: gives every user stored before them a snapshot, so
 * their org exports stop reading each partition with a Query of its own (docs/records.md):
 *   RECORDS_TABLE=... npm run backfill-export-snapshots [-- --table NAME]
 * With the AWS credentials and region of the target account (AWS_ENDPOINT_URL_DYNAMODB for the
 * local stack). It scans the records table once; it may be run again at any time.
 */
const { values } = parseArgs({ options: { table: { type: 'string' } } });
const table = values.table ?? process.env.RECORDS_TABLE;
if (!table) {
  console.error('usage: RECORDS_TABLE=<LearningRecords table> npm run backfill-export-snapshots  (or -- --table NAME)');
  process.exit(2);
}
const started = Date.now();
const refreshed = await new SnapshotLearnerRecords(table).backfillExportSnapshots();
console.log(`${refreshed} users' export snapshots refreshed (${((Date.now() - started) / 1000).toFixed(1)} s).`);
