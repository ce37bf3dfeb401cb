import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { SfnExecutionStatus } from '#shared/adapters/sfn-execution-status';
import { reconcileRequests } from '#shared/usecases/reconcile-requests';
import { clock, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { wrapHandler } from '../commons/wrap.ts';

const deps = { requests: requestsFromEnv(), executions: new SfnExecutionStatus(), clock, mail: requesterMailFromEnv() };

/**
 * Scheduled (EventBridge): ends every request whose execution is no longer running, in case an
 * execution-ended event never reached the safety net.
 */
export const handler = wrapHandler(async () => {
  const outcome = await reconcileRequests(deps, { restarted: false });
  if (outcome.ended.length > 0) {
    logger.warn('Requests ended by the reconcile', { reportRequestIds: outcome.ended });
    metrics.addMetric('ReportFailed', MetricUnit.Count, outcome.ended.length);
  }
  return { checked: outcome.checked, ended: outcome.ended.length };
});
