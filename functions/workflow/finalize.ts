import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { logger, metrics } from '#shared/adapters/observability';
import { finalizeExhaust } from '#shared/usecases/run-exhaust';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { StepFailureInput } from './step-inputs.ts';

const requests = requestsFromEnv();
const Input = z.object({
  requestId: z.string().min(1),
  results: z.array(
    z.object({
      batchId: z.string(),
      rows: z.number().optional(),
      failure: StepFailureInput.optional(),
    }),
  ),
});

/** Workflow step Finalize: record each batch's outcome, end the request, free its lock. */
export const handler = async (event: unknown) => {
  const input = Input.parse(event);
  const outcome = await finalizeExhaust(input, { requests, clock });
  logger.info('Report finished', { reportRequestId: input.requestId, status: outcome.status });
  metrics.addMetric(outcome.status === 'SUCCESS' ? 'ReportSucceeded' : 'ReportFailed', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return outcome;
};
