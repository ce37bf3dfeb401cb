import { clients } from '#shared/adapters/aws-clients';
import { LearnerNameCopies } from '#shared/adapters/dynamo-learner-names';
import { backfillTable, secondsSince } from './backfill-table.ts';

/**
 * One-off, after deploying learner name copies: gives every enrolment stored before them the copy
 * of its learner's name and email that the course reports read (until then those learners'
 * profiles are fetched one BatchGet per hundred, as before; docs/records.md):
 *   RECORDS_TABLE=... npm run backfill-learner-names [-- --table NAME]
 * With the AWS credentials and region of the target account (AWS_ENDPOINT_URL_DYNAMODB for the
 * local stack). It scans the records table once; it may be run again at any time.
 */
const table = backfillTable('backfill-learner-names');
const started = Date.now();
const enrolments = await new LearnerNameCopies(table, clients.dynamo).backfill();
console.log(`${enrolments} enrolments now have their learner's name copy (${secondsSince(started)}).`);
