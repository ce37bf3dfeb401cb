import { DynamoLearnerRecordsRepository } from '#shared/adapters/dynamo-learner-records';
import { backfillTable, secondsSince } from './backfill-table.ts';

/**
 * One-off, after deploying the users-list indexes: writes their key attributes on every users-list
 * row stored before (those rows are in no index until then, so the owner's list misses them):
 *   RECORDS_TABLE=... npm run backfill-users-list [-- --table NAME]
 * With the AWS credentials and region of the target account (AWS_ENDPOINT_URL_DYNAMODB for the
 * local stack). It scans the records table once, rewrites each row's keys from its stored cells
 * only if those cells are unchanged meanwhile, and may be run again at any time: it changes no
 * order, only puts missing rows in.
 */
const table = backfillTable('backfill-users-list');
const started = Date.now();
const rewritten = await new DynamoLearnerRecordsRepository(table).backfillUsersList();
console.log(`${rewritten} users-list rows now carry their index keys (${secondsSince(started)}).`);
