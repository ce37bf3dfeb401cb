import { requesterMessage } from '../../domain/failure-message.ts';
import type { EndDeps } from './end-deps.ts';
import type { MarkFailedInput, MarkFailedOutput } from './step-contracts.ts';
import { tellRequester } from './tell-requester.ts';

/** The workflow's Catch: whatever broke, the request ends FAILED with a readable message. */
export async function markExhaustFailed({ requestId, error }: MarkFailedInput, deps: EndDeps): Promise<MarkFailedOutput> {
  const request = await deps.requests.get(requestId);
  let changed = false;
  if (request) {
    const message = requesterMessage(error);
    const ended = await deps.requests.finish(requestId, 'FAILED', message, deps.clock.now());
    changed = ended !== undefined;
    await tellRequester(ended, { status: 'FAILED', error: message }, deps.mail);
    await deps.requests.releaseLock(request.dedupeKey, requestId);
  }
  return { requestId, status: 'FAILED', changed };
}
