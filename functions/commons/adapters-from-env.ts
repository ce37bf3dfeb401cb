import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { requireEnv } from '#shared/config';
import { systemClock } from '#shared/domain/ports';

/**
 * Adapters built from the environment variables the house construct's bind methods set. Each
 * handler calls these at module scope, so a missing variable fails its cold start.
 */
export const requestsFromEnv = () => new DynamoRequestsRepository(requireEnv('REQUESTS_TABLE'));
export const recordsFromEnv = () => new DynamoRecordsRepository(requireEnv('RECORDS_TABLE'));
export const reportStoreFromEnv = () => new S3ReportStore(requireEnv('REPORTS_BUCKET'));
export const clock = systemClock;
