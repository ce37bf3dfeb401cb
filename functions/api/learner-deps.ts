import { DynamoLearnerRecordsRepository } from '#shared/adapters/dynamo-learner-records';
import { requireEnv } from '#shared/config';
import type { LearnerStatisticsDeps } from '#shared/usecases/learner-statistics';
import { clock } from '../commons/adapters-from-env.ts';

/** The learner statistics reads need the records table and a clock, nothing else. */
export const learnersFromEnv = () => new DynamoLearnerRecordsRepository(requireEnv('RECORDS_TABLE'));

export function learnerStatisticsDepsFromEnv(): LearnerStatisticsDeps {
  return { learners: learnersFromEnv(), clock };
}
