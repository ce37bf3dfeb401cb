import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { endAbandonedExecution } from '#shared/usecases/run-exhaust';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';

const requests = requestsFromEnv();
/** Tells requesters who asked that their report ended (undefined when e-mail is off). */
const mail = requesterMailFromEnv();
/** EventBridge's "Step Functions Execution Status Change" event; the execution name is the request id. */
const Event = z.object({
  detail: z.object({
    name: z.string().min(1),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
  }),
});

/** EventBridge target: an execution that ended badly leaves no request behind in PROCESSING. */
export const handler = async (event: unknown) => {
  const { detail } = Event.parse(event);
  const outcome = await endAbandonedExecution({ requestId: detail.name, status: detail.status }, { requests, clock, mail });
  if (outcome.changed) {
    logger.warn('Request ended by the execution safety net', { reportRequestId: detail.name, executionStatus: detail.status });
    metrics.addMetric('ReportFailed', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
  return outcome;
};
