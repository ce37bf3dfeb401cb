import { outlineCourse } from '../domain/course-structure.ts';
import { ExhaustFailedError, InvalidTransitionError } from '../domain/errors.ts';
import { requesterMessage, type StepFailure } from '../domain/failure-message.ts';
import type { Clock, PasswordSealer, RecordsRepository, ReportStore, RequestsRepository } from '../domain/ports.ts';
import type { LearnerBundle } from '../domain/records.ts';
import { isActive, outcomeOf, type ReportFile, reportObjectKey } from '../domain/report-request.ts';
import { streamExhaustZip } from '../exhaust/write-exhaust.ts';
import { reportDefinition } from '../reports/catalogue.ts';
import type { BatchContext, Cell, ReportDefinition } from '../reports/report-definition.ts';

/**
 * The workflow's steps. Each takes and returns small JSON (ids and counts only: execution input and
 * history must never carry a password or personal data) and reads everything else from the tables.
 */

export interface BatchTask {
  requestId: string;
  batchId: string;
}

export interface PlanOutput {
  requestId: string;
  batches: BatchTask[];
}

export interface BatchResult {
  batchId: string;
  rows?: number;
  /** Set by the workflow's Catch when the batch's step failed for good. */
  failure?: StepFailure;
}

export async function planExhaust(
  { requestId }: { requestId: string },
  deps: { requests: RequestsRepository; clock: Clock },
): Promise<PlanOutput> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  const processing = await deps.requests.markProcessing(requestId, deps.clock.now());
  return { requestId, batches: processing.batchIds.map((batchId) => ({ requestId, batchId })) };
}

export interface AssembleDeps {
  records: RecordsRepository;
  requests: RequestsRepository;
  store: ReportStore;
  sealer: PasswordSealer;
  clock: Clock;
}

/** Streams one batch's exhaust into its ZIP in the report store and records the file. */
export async function assembleBatch({ requestId, batchId }: BatchTask, deps: AssembleDeps): Promise<BatchResult> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  const course = await deps.records.getCourse(request.courseId);
  if (!course) throw new ExhaustFailedError(`Course ${request.courseId} no longer exists`);
  const batch = await deps.records.getBatch(request.courseId, batchId);
  if (!batch) throw new ExhaustFailedError(`Batch ${batchId} no longer exists`);

  const definition = reportDefinition(request.type);
  const context: BatchContext = { outline: outlineCourse(course), batch };
  const password = request.sealedPassword ? await deps.sealer.open(request.sealedPassword, requestId) : undefined;
  const learners = deps.records.learnerPages(course.courseId, batchId, { withProfiles: definition.needsProfiles });

  const key = reportObjectKey(request, batchId);
  const { zip, stats } = streamExhaustZip({
    entryName: `${batchId}_${request.type}_${course.courseId}.csv`,
    header: definition.columns(context.outline),
    idColumns: definition.idColumns,
    rowBatches: exhaustRows(definition, context, learners),
    password,
  });
  await Promise.all([deps.store.upload(key, zip, 'application/zip'), stats]);
  const measured = await stats;

  const file: ReportFile = {
    key,
    fileName: key.slice(key.lastIndexOf('/') + 1),
    rows: measured.rows,
    bytes: measured.bytes,
    sha256: measured.sha256,
  };
  await deps.requests.recordBatch(requestId, batchId, {
    status: 'SUCCESS',
    file,
    updatedAt: deps.clock.now().toISOString(),
  });
  return { batchId, rows: measured.rows };
}

/** A report's rows for pages of learners: one batch of rows per page. */
export async function* exhaustRows(
  definition: ReportDefinition,
  context: BatchContext,
  pages: AsyncIterable<LearnerBundle[]> | Iterable<LearnerBundle[]>,
): AsyncIterable<Cell[][]> {
  for await (const page of pages) {
    const rows: Cell[][] = [];
    for (const learner of page) for (const row of definition.rows(context, learner)) rows.push(row);
    yield rows;
  }
}

export interface EndDeps {
  requests: RequestsRepository;
  clock: Clock;
}

/** Records each batch's outcome, ends the request, and frees its dedupe lock. */
export async function finalizeExhaust(
  { requestId, results }: { requestId: string; results: BatchResult[] },
  deps: EndDeps,
): Promise<{ requestId: string; status: 'SUCCESS' | 'FAILED' }> {
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
  await deps.requests.finish(requestId, outcome.status, outcome.error, deps.clock.now());
  await deps.requests.releaseLock(request.dedupeKey, requestId);
  return { requestId, status: outcome.status };
}

/** The workflow's Catch: whatever broke, the request ends FAILED with a readable message. */
export async function markExhaustFailed(
  { requestId, error }: { requestId: string; error?: StepFailure },
  deps: EndDeps,
): Promise<{ requestId: string; status: 'FAILED' }> {
  const request = await deps.requests.get(requestId);
  if (request) {
    await deps.requests.finish(requestId, 'FAILED', requesterMessage(error), deps.clock.now());
    await deps.requests.releaseLock(request.dedupeKey, requestId);
  }
  return { requestId, status: 'FAILED' };
}
