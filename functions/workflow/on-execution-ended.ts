import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { z } from 'zod';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { endAbandonedExecution } from '#shared/usecases/workflow-steps';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';

const requests = requestsFromEnv();
/** Tells requesters who asked that their report ended (undefined when e-mail is off). */
const mail = requesterMailFromEnv();
/** The detail of EventBridge's "Step Functions Execution Status Change" event; the execution name is the request id. */
const ExecutionStatusChange = z.object({
  name: z.string().min(1),
  status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
});

/** EventBridge target: an execution that ended badly leaves no request behind in PROCESSING. */
export const handler = wrapParsedHandler(
  { schema: ExecutionStatusChange, envelope: EventBridgeEnvelope, correlationIdPath: correlationPaths.executionEvent },
  async (detail) => {
    const outcome = await endAbandonedExecution({ requestId: detail.name, status: detail.status }, { requests, clock, mail });
    if (outcome.changed) {
      logger.warn('Request ended by the execution safety net', { reportRequestId: detail.name, executionStatus: detail.status });
      metrics.addMetric('ReportFailed', MetricUnit.Count, 1);
    }
    return outcome;
  },
);
