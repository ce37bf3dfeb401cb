import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { S3ReportStore } from '#shared/adapters/s3-report-store';
import { requireEnv, requireNumberEnv } from '#shared/config';
import { systemClock } from '#shared/domain/ports';
import type { ReadReportsDeps } from '#shared/usecases/read-reports';

/** What the two read handlers share: the requests table and the bucket that signs links. */
export function readDepsFromEnv(): ReadReportsDeps {
  return {
    requests: new DynamoRequestsRepository(requireEnv('REQUESTS_TABLE')),
    records: new DynamoRecordsRepository(requireEnv('RECORDS_TABLE')),
    store: new S3ReportStore(requireEnv('REPORTS_BUCKET')),
    clock: systemClock,
    retentionDays: requireNumberEnv('REPORT_RETENTION_DAYS'),
  };
}
