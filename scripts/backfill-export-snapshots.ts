import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { backfillTable, secondsSince } from './backfill-table.ts';

/**
 * One-off, after deploying export snapshots: gives every user stored before them a snapshot, so
 * their org exports stop reading each partition with a Query of its own (docs/records.md):
 *   RECORDS_TABLE=... npm run backfill-export-snapshots [-- --table NAME]
 * With the AWS credentials and region of the target account (AWS_ENDPOINT_URL_DYNAMODB for the
 * local stack). It scans the records table once; it may be run again at any time.
 */
const table = backfillTable('backfill-export-snapshots');
const started = Date.now();
const refreshed = await new SnapshotLearnerRecords(table).backfillExportSnapshots();
console.log(`${refreshed} users' export snapshots refreshed (${secondsSince(started)}).`);
