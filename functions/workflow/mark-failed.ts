import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { markExhaustFailed } from '#shared/usecases/workflow-steps';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';
import { MarkFailedInput } from './step-inputs.ts';

const requests = requestsFromEnv();
/** Tells requesters who asked that their report ended (undefined when e-mail is off). */
const mail = requesterMailFromEnv();

/** Workflow step MarkFailed (the Catch): the request ends FAILED with a readable message. */
export const handler = wrapParsedHandler(
  { schema: MarkFailedInput, correlationIdPath: correlationPaths.workflowStep },
  async (input) => {
    // The Cause may hold a raw error message: log only its type.
    logger.warn('Report failed', { reportRequestId: input.requestId, errorType: input.error?.Error });
    const outcome = await markExhaustFailed(input, { requests, clock, mail });
    if (outcome.changed) metrics.addMetric('ReportFailed', MetricUnit.Count, 1);
    return outcome;
  },
);
