import { DuplicateRequestError } from '../domain/errors.ts';
import type { Clock, RequestsRepository, WorkflowStarter } from '../domain/ports.ts';
import { heldLockDecision, NEVER_STARTED_ERROR, type ReportRequest } from '../domain/report-request.ts';

/**
 * What every kind of report request goes through once it has been checked: its dedupe lock, then
 * its item, then its workflow, ordered so that a crash between two writes leaves nothing stuck.
 * Shared by course reports (submit-report.ts) and org exports (submit-export.ts).
 */

/** Longest a request may hold its dedupe lock: the workflow's own timeout. */
export const LOCK_TTL_MS = 2 * 60 * 60 * 1000;

export interface LifecycleDeps {
  requests: RequestsRepository;
  workflow: WorkflowStarter;
  clock: Clock;
}

/** Writes the request, checks it still holds its lock, and starts its workflow; on failure it ends FAILED and frees the lock. */
export async function recordAndStart(request: ReportRequest, deps: LifecycleDeps): Promise<ReportRequest> {
  const { id, dedupeKey: key } = request;
  try {
    await deps.requests.create(request);
    // Belt and braces: if this call stalled so long that its lock was taken over, the newer
    // request runs and this one stops here.
    const lock = await deps.requests.getLock(key);
    if (lock?.requestId !== id) {
      await deps.requests.finish(id, 'FAILED', 'Superseded by an identical request', deps.clock.now());
      throw new DuplicateRequestError(lock?.requestId ?? id);
    }
    const executionArn = await deps.workflow.start(id);
    await deps.requests.setExecution(id, executionArn, deps.clock.now());
    return { ...request, executionArn };
  } catch (error) {
    if (error instanceof DuplicateRequestError) throw error;
    // Nothing may stay stuck: a request that could not start ends FAILED and frees its lock.
    await deps.requests.finish(id, 'FAILED', 'The report workflow could not be started', deps.clock.now()).catch(() => false);
    await deps.requests.releaseLock(key, id).catch(() => undefined);
    throw error;
  }
}

export async function takeLock(key: string, requestId: string, now: Date, deps: LifecycleDeps): Promise<void> {
  const lock = {
    dedupeKey: key,
    requestId,
    takenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + LOCK_TTL_MS).toISOString(),
  };
  const first = await deps.requests.acquireLock(lock, now);
  if (first.acquired) return;

  const decision = heldLockDecision(first.holder, await deps.requests.get(first.holder.requestId), now);
  if (decision.action === 'refuse') throw new DuplicateRequestError(decision.existingRequestId);
  if (decision.action === 'fail-holder-and-take-over') {
    await deps.requests.finish(decision.holderId, 'FAILED', NEVER_STARTED_ERROR, now);
  }
  if (!(await deps.requests.replaceLock(lock, first.holder.requestId))) {
    const winner = await deps.requests.acquireLock(lock, now);
    if (!winner.acquired) throw new DuplicateRequestError(winner.holder.requestId);
  }
}
