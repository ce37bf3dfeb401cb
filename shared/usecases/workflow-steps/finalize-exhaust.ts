import { ExhaustFailedError } from '../../domain/errors.ts';
import { requesterMessage } from '../../domain/failure-message.ts';
import { outcomeOf } from '../../domain/report-request.ts';
import type { EndDeps } from './end-deps.ts';
import type { FinalizeInput, FinalizeOutput } from './step-contracts.ts';
import { tellRequester } from './tell-requester.ts';

/** Records each batch's outcome, ends the request, frees its dedupe lock, and tells the requester if asked. */
export async function finalizeExhaust({ requestId, results }: FinalizeInput, deps: EndDeps): Promise<FinalizeOutput> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  const batches = { ...request.batches };
  for (const result of results) {
    if (!result.failure) continue;
    const progress = {
      status: 'FAILED' as const,
      error: requesterMessage(result.failure),
      updatedAt: deps.clock.now().toISOString(),
    };
    batches[result.batchId] = progress;
    await deps.requests.recordBatch(requestId, result.batchId, progress);
  }
  const outcome = outcomeOf(batches);
  const ended = await deps.requests.finish(requestId, outcome.status, outcome.error, deps.clock.now());
  // Told before anything else can throw: a retry of this step finds the request ended and tells no one.
  await tellRequester(ended, outcome, deps.mail);
  await deps.requests.releaseLock(request.dedupeKey, requestId);
  return { requestId, status: outcome.status };
}
