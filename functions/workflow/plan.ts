import { logger } from '#shared/adapters/observability';
import { requireNumberEnv } from '#shared/config';
import { planExhaust } from '#shared/usecases/workflow-steps';
import { learnersFromEnv } from '../api/learner-deps.ts';
import { clock, recordsFromEnv, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';
import { PlanInput } from './step-inputs.ts';

const deps = {
  requests: requestsFromEnv(),
  records: recordsFromEnv(),
  clock,
  learnersPerShard: requireNumberEnv('LEARNERS_PER_SHARD'),
  learners: learnersFromEnv(),
};

/** Workflow step Plan: mark the request PROCESSING and list its batches (and shards) for the Map. */
export const handler = wrapParsedHandler(
  { schema: PlanInput, correlationIdPath: correlationPaths.workflowStep },
  async (input) => {
    const plan = await planExhaust(input, deps);
    logger.info('Planned exhaust', {
      reportRequestId: input.requestId,
      batches: plan.batches.length,
      shards: plan.batches.reduce((sum, b) => sum + Math.max(1, b.shards.length), 0),
    });
    return plan;
  },
);
