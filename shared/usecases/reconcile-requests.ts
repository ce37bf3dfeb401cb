import type { Clock, ExecutionStatusReader, RequestsRepository } from '../domain/ports.ts';
import { isActive, NEVER_STARTED_ERROR, neverStarted, type ReportRequest } from '../domain/report-request.ts';
import { type RequesterMail, tellRequester } from './workflow-steps/tell-requester.ts';

/** What a requester reads when the local stack restarted under their request. */
export const SERVICE_RESTARTED_ERROR = 'The service restarted while this report was being made; please request it again';
/** What a requester reads when the scheduled reconcile found the request's workflow gone. */
export const EXECUTION_LOST_ERROR = 'The report workflow stopped without finishing this report; please request it again';

/** Still running, or waiting to be redriven: the workflow will end the request itself. */
const LIVE_STATES = new Set(['RUNNING', 'PENDING_REDRIVE']);

export interface ReconcileDeps {
  requests: RequestsRepository;
  executions: ExecutionStatusReader;
  clock: Clock;
  /** Tells requesters who asked for it that their report ended; absent when e-mail is off. */
  mail?: RequesterMail | undefined;
}

export interface ReconcileOptions {
  /**
   * The service has just started and runs no workflow yet (the local stack after a restart):
   * every request in flight is settled now, even one whose API call might otherwise still be
   * writing it, since that call died with the process.
   */
  restarted: boolean;
}

/**
 * Settles every request still SUBMITTED or PROCESSING whose workflow is no longer running, so no
 * request stays in flight for good when an execution-ended event was lost (on AWS, on a schedule)
 * or the process running the workflows went away (local mode, at start). A settled request ends
 * FAILED with a message saying why, its lock is released and its sealed password removed, so the
 * same request is accepted again; a requester who asked to be told is.
 */
export async function reconcileRequests(
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<{ checked: number; ended: string[] }> {
  const ids = await deps.requests.listActiveIds();
  const ended: string[] = [];
  for (const id of ids) {
    const request = await deps.requests.get(id);
    if (!request || !isActive(request.status)) continue;
    const error = await reasonToEnd(request, deps, options);
    if (error === undefined) continue;
    const endedNow = await deps.requests.finish(id, 'FAILED', error, deps.clock.now());
    if (endedNow) ended.push(id);
    await tellRequester(endedNow, { status: 'FAILED', error }, deps.mail);
    await deps.requests.releaseLock(request.dedupeKey, id);
  }
  return { checked: ids.length, ended };
}

async function reasonToEnd(request: ReportRequest, deps: ReconcileDeps, options: ReconcileOptions): Promise<string | undefined> {
  if (options.restarted) return SERVICE_RESTARTED_ERROR;
  if (request.executionArn === undefined) {
    // Its API call may still be starting the workflow: only an overdue one is dead.
    return neverStarted(request, deps.clock.now()) ? NEVER_STARTED_ERROR : undefined;
  }
  const state = await deps.executions.stateOf(request.executionArn);
  return LIVE_STATES.has(state) ? undefined : EXECUTION_LOST_ERROR;
}
