import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { requireEnv } from '#shared/config';
import { systemClock } from '#shared/domain/ports';

export const requestsFromEnv = () => new DynamoRequestsRepository(requireEnv('REQUESTS_TABLE'));
export const recordsFromEnv = () => new DynamoRecordsRepository(requireEnv('RECORDS_TABLE'));
export const clock = systemClock;
