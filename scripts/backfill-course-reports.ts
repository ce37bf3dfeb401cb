import { clients } from '#shared/adapters/aws-clients';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { backfillTable, secondsSince } from './backfill-table.ts';

/**
 * One-off, after deploying the course reports' read model (docs/records.md): gives every enrolment
 * stored before it the two things the course reports now read instead of more: the ids of its
 * finished exercises, and the copy of its learner's name and email. Until then those enrolments'
 * results and profiles are fetched separately, as before, so reports stay right, only slower:
 *   RECORDS_TABLE=... npm run backfill-course-reports [-- --table NAME]
 * With the AWS credentials and region of the target account (AWS_ENDPOINT_URL_DYNAMODB for the
 * local stack). It scans the records table once; it may be run again at any time.
 */
const table = backfillTable('backfill-course-reports');
const started = Date.now();
const { withIds, enrolments } = await new DynamoRecordsRepository(table, clients.dynamo).backfillCourseReports();
console.log(
  `${enrolments} enrolments now have their learner's name copy, ${withIds} of them newly their finished exercise ids (${secondsSince(started)}).`,
);
