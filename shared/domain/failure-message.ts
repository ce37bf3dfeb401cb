import { shortError } from './report-request.ts';

/** Names of our own errors, whose messages are written to be shown to the requester. */
const SHOWABLE = new Set([
  'ValidationError',
  'NotFoundError',
  'ForbiddenError',
  'DuplicateRequestError',
  'InvalidTransitionError',
  'ExhaustFailedError',
]);

export interface StepFailure {
  Error?: string;
  Cause?: string;
}

/**
 * Turns a Step Functions failure (a Lambda's {errorType, errorMessage, trace} in Cause) into the
 * short message a requester sees. Only our domain errors keep their words: any other error could
 * echo data or internals, so it reads as a generic failure naming just its type.
 */
export function requesterMessage(failure: StepFailure | undefined): string {
  let type = failure?.Error ?? 'Error';
  let message = '';
  if (failure?.Cause) {
    try {
      const cause = JSON.parse(failure.Cause) as { errorType?: unknown; errorMessage?: unknown };
      if (typeof cause.errorType === 'string') type = cause.errorType;
      if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
    } catch {
      message = failure.Cause;
    }
  }
  if (SHOWABLE.has(type) && message) return shortError(message);
  if (type === 'States.Timeout') return 'Report generation timed out';
  if (type === 'States.Aborted') return 'Report generation was stopped';
  return shortError(`Report generation failed (${type})`);
}
