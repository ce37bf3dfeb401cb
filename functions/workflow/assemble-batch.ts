import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '#shared/adapters/observability';
import { passwordSealerFromEnv } from '#shared/adapters/password-sealers';
import { assembleBatch } from '#shared/usecases/workflow-steps';
import { learnersFromEnv } from '../api/learner-deps.ts';
import { clock, recordsFromEnv, reportStoreFromEnv, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';
import { AssembleBatchInput } from './step-inputs.ts';

const deps = {
  records: recordsFromEnv(),
  requests: requestsFromEnv(),
  store: reportStoreFromEnv(),
  sealer: passwordSealerFromEnv(),
  clock,
  learners: learnersFromEnv(),
};

/** Workflow step AssembleBatch: stream one batch's exhaust (or its shards' parts) into its ZIP in S3. */
export const handler = wrapParsedHandler(
  { schema: AssembleBatchInput, correlationIdPath: correlationPaths.workflowStep },
  async (input) => {
    const started = Date.now();
    const result = await assembleBatch(input, deps);
    logger.info('Batch assembled', {
      reportRequestId: input.requestId,
      batchId: input.batchId,
      rows: result.rows,
      ms: Date.now() - started,
    });
    metrics.addMetric('RowsWritten', MetricUnit.Count, result.rows);
    metrics.addMetric('BatchAssemblyTime', MetricUnit.Milliseconds, Date.now() - started);
    return result;
  },
);
