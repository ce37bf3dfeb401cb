import { requireNumberEnv } from '#shared/config';
import type { ReadReportsDeps } from '#shared/usecases/read-reports';
import { clock, recordsFromEnv, reportStoreFromEnv, requestsFromEnv } from '../commons/adapters-from-env.ts';

/** What the two read handlers share: the tables that say who may see what, and the bucket that signs links. */
export function readDepsFromEnv(): ReadReportsDeps {
  return {
    requests: requestsFromEnv(),
    records: recordsFromEnv(),
    store: reportStoreFromEnv(),
    clock,
    retentionDays: requireNumberEnv('REPORT_RETENTION_DAYS'),
  };
}
