import { logger } from '#shared/adapters/observability';
import { writeShard } from '#shared/usecases/workflow-steps';
import { learnersFromEnv } from '../api/learner-deps.ts';
import { clock, recordsFromEnv, reportStoreFromEnv, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';
import { WriteShardInput } from './step-inputs.ts';

const deps = {
  records: recordsFromEnv(),
  requests: requestsFromEnv(),
  store: reportStoreFromEnv(),
  clock,
  learners: learnersFromEnv(),
};

/** Workflow step WriteShard: one shard of a huge batch, as a CSV part for AssembleBatch. */
export const handler = wrapParsedHandler(
  { schema: WriteShardInput, correlationIdPath: correlationPaths.workflowStep },
  async (input) => {
    const started = Date.now();
    const result = await writeShard(input, deps);
    logger.info('Shard written', {
      reportRequestId: input.requestId,
      batchId: input.batchId,
      shard: input.shard,
      rows: result.rows,
      ms: Date.now() - started,
    });
    return result;
  },
);
