import { SnapshotLearnerRecords } from '#shared/adapters/dynamo-export-snapshots';
import { requireEnv } from '#shared/config';
import type { LearnerStatisticsDeps } from '#shared/usecases/learner-statistics';
import { clock } from '../commons/adapters-from-env.ts';

/**
 * The learner records of the records table, with the export snapshots that ingestion refreshes and
 * the org exports read. The learner statistics reads need it and a clock, nothing else.
 */
export const learnersFromEnv = () => new SnapshotLearnerRecords(requireEnv('RECORDS_TABLE'));

export function learnerStatisticsDepsFromEnv(): LearnerStatisticsDeps {
  return { learners: learnersFromEnv(), clock };
}
