import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { finalizeExhaust } from '#shared/usecases/workflow-steps';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapParsedHandler } from '../commons/wrap.ts';
import { FinalizeInput } from './step-inputs.ts';

const requests = requestsFromEnv();
/** Tells requesters who asked that their report ended (undefined when e-mail is off). */
const mail = requesterMailFromEnv();

/** Workflow step Finalize: record each batch's outcome, end the request, free its lock. */
export const handler = wrapParsedHandler(
  { schema: FinalizeInput, correlationIdPath: correlationPaths.workflowStep },
  async (input) => {
    const outcome = await finalizeExhaust(input, { requests, clock, mail });
    logger.info('Report finished', { reportRequestId: input.requestId, status: outcome.status });
    metrics.addMetric(outcome.status === 'SUCCESS' ? 'ReportSucceeded' : 'ReportFailed', MetricUnit.Count, 1);
    return outcome;
  },
);
