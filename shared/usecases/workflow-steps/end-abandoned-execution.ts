import type { EndDeps } from './end-deps.ts';
import { markExhaustFailed } from './mark-exhaust-failed.ts';
import type { MarkFailedOutput } from './step-contracts.ts';

/** What Step Functions reports for an execution that ended outside our own states. */
export type AbandonedStatus = 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * The safety net behind the workflow's Catch: an execution that timed out, was stopped, or failed
 * where no Catch reached (MarkFailed itself out of retries) still ends its request FAILED and frees
 * the lock. The execution is named after the request. A request that had already ended is left as it is.
 */
export async function endAbandonedExecution(
  { requestId, status }: { requestId: string; status: AbandonedStatus },
  deps: EndDeps,
): Promise<MarkFailedOutput> {
  const error = status === 'TIMED_OUT' ? 'States.Timeout' : status === 'ABORTED' ? 'States.Aborted' : 'States.Runtime';
  return markExhaustFailed({ requestId, error: { Error: error } }, deps);
}
