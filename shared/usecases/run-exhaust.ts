import { outlineCourse } from '../domain/course-structure.ts';
import { ExhaustFailedError, InvalidTransitionError } from '../domain/errors.ts';
import { requesterMessage, type StepFailure } from '../domain/failure-message.ts';
import { zipEntryName } from '../domain/file-names.ts';
import type { Clock, PasswordSealer, RecordsRepository, ReportStore, RequestsRepository } from '../domain/ports.ts';
import type { LearnerBundle } from '../domain/records.ts';
import {
  isActive,
  outcomeOf,
  type ReportFile,
  type ReportRequest,
  reportObjectKey,
  shardPartKey,
} from '../domain/report-request.ts';
import { LEARNER_BUCKETS, planShards } from '../domain/shards.ts';
import { readAhead } from '../exhaust/read-ahead.ts';
import { streamCsvPart, streamExhaustZip, zipCsvParts } from '../exhaust/write-exhaust.ts';
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

export interface ShardTask extends BatchTask {
  shard: number;
  buckets: number[];
}

export interface ShardResult {
  shard: number;
  rows: number;
}

/** One Map item per batch: unsharded, or with the shards the workflow writes before assembly. */
export interface PlannedBatch extends BatchTask {
  sharded: boolean;
  shards: ShardTask[];
  /** Set by the workflow once the shards are written. */
  parts?: ShardResult[];
}

export interface PlanOutput {
  requestId: string;
  batches: PlannedBatch[];
}

export interface BatchResult {
  batchId: string;
  rows?: number;
  /** Set by the workflow's Catch when the batch's step failed for good. */
  failure?: StepFailure;
}

export interface PlanDeps {
  requests: RequestsRepository;
  records: RecordsRepository;
  clock: Clock;
  /** Most learners one shard handles; set from measured speed to stay well inside the Lambda limit. */
  learnersPerShard: number;
}

export async function planExhaust({ requestId }: { requestId: string }, deps: PlanDeps): Promise<PlanOutput> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  const processing = await deps.requests.markProcessing(requestId, deps.clock.now());
  const batches = await Promise.all(
    processing.batchIds.map(async (batchId): Promise<PlannedBatch> => {
      // One bucket of sixteen, counted server-side, is a good enough estimate to size the shards.
      const estimate = (await deps.records.countEnrolments(processing.courseId, batchId, [0])) * LEARNER_BUCKETS;
      const plan = planShards(estimate, deps.learnersPerShard);
      return {
        requestId,
        batchId,
        sharded: plan.length > 1,
        shards: plan.length > 1 ? plan.map((buckets, shard) => ({ requestId, batchId, shard, buckets })) : [],
      };
    }),
  );
  return { requestId, batches };
}

export interface AssembleDeps {
  records: RecordsRepository;
  requests: RequestsRepository;
  store: ReportStore;
  sealer: PasswordSealer;
  clock: Clock;
}

interface ExhaustJob {
  request: ReportRequest;
  definition: ReportDefinition;
  context: BatchContext;
}

async function loadJob(
  requestId: string,
  batchId: string,
  deps: Pick<AssembleDeps, 'records' | 'requests'>,
): Promise<ExhaustJob> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  const course = await deps.records.getCourse(request.courseId);
  if (!course) throw new ExhaustFailedError(`Course ${request.courseId} no longer exists`);
  const batch = await deps.records.getBatch(request.courseId, batchId);
  if (!batch) throw new ExhaustFailedError(`Batch ${batchId} no longer exists`);
  return { request, definition: reportDefinition(request.type), context: { outline: outlineCourse(course), batch } };
}

/** Writes one shard of a huge batch: its rows as a CSV part, in the report store's tmp/ area. */
export async function writeShard(task: ShardTask, deps: Omit<AssembleDeps, 'sealer'>): Promise<ShardResult> {
  const { request, definition, context } = await loadJob(task.requestId, task.batchId, deps);
  const learners = readAhead(
    deps.records.learnerPages(request.courseId, task.batchId, { withProfiles: definition.needsProfiles, buckets: task.buckets }),
  );
  const { csv, stats } = streamCsvPart({
    header: definition.columns(context.outline),
    idColumns: definition.idColumns,
    rowBatches: exhaustRows(definition, context, learners),
  });
  await Promise.all([deps.store.upload(shardPartKey(request, task.batchId, task.shard), csv, 'text/csv'), stats]);
  return { shard: task.shard, rows: (await stats).rows };
}

/**
 * Streams one batch's exhaust into its ZIP in the report store and records the file: straight from
 * the learners, or, for a sharded batch, from its shards' CSV parts in shard order.
 */
export async function assembleBatch(task: BatchTask & { parts?: ShardResult[] }, deps: AssembleDeps): Promise<BatchResult> {
  const { requestId, batchId } = task;
  const { request, definition, context } = await loadJob(requestId, batchId, deps);
  const password = request.sealedPassword ? await deps.sealer.open(request.sealedPassword, requestId) : undefined;
  const entryName = zipEntryName(batchId, request.type, request.courseId);
  const header = definition.columns(context.outline);

  const parts = [...(task.parts ?? [])].sort((a, b) => a.shard - b.shard);
  const partKeys = parts.map((part) => shardPartKey(request, batchId, part.shard));
  const { zip, stats } =
    parts.length > 0
      ? zipCsvParts({
          entryName,
          header,
          password,
          rows: parts.reduce((sum, part) => sum + part.rows, 0),
          parts: (async function* () {
            for (const key of partKeys) yield* await deps.store.openRead(key);
          })(),
        })
      : streamExhaustZip({
          entryName,
          header,
          idColumns: definition.idColumns,
          rowBatches: exhaustRows(
            definition,
            context,
            readAhead(deps.records.learnerPages(request.courseId, batchId, { withProfiles: definition.needsProfiles })),
          ),
          password,
        });

  const key = reportObjectKey(request, batchId);
  await Promise.all([deps.store.upload(key, zip, 'application/zip'), stats]);
  const measured = await stats;
  const file: ReportFile = {
    key,
    fileName: key.slice(key.lastIndexOf('/') + 1),
    rows: measured.rows,
    bytes: measured.bytes,
    sha256: measured.sha256,
  };
  await deps.requests.recordBatch(requestId, batchId, { status: 'SUCCESS', file, updatedAt: deps.clock.now().toISOString() });
  // Best effort: the file is stored and recorded; a tmp/ lifecycle rule removes any part left here.
  if (partKeys.length > 0) await deps.store.remove(partKeys).catch(() => undefined);
  return { batchId, rows: measured.rows };
}

/** A report's rows for pages of learners: one batch of rows per page. */
export async function* exhaustRows(
  definition: ReportDefinition,
  context: BatchContext,
  pages: AsyncIterable<LearnerBundle[]> | Iterable<LearnerBundle[]>,
): AsyncIterable<Cell[][]> {
  const org = context.batch.org;
  const rowsOf = definition.rowBuilder(context);
  for await (const page of pages) {
    const rows: Cell[][] = [];
    for (const learner of page) {
      // A profile of another organisation never reaches a file, whatever the records say.
      const own = learner.profile === undefined || learner.profile.org === org ? learner : { ...learner, profile: undefined };
      const learnerRows = rowsOf(own);
      for (let r = 0; r < learnerRows.length; r += 1) rows.push(learnerRows[r] as Cell[]);
    }
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
): Promise<{ requestId: string; status: 'FAILED'; changed: boolean }> {
  const request = await deps.requests.get(requestId);
  let changed = false;
  if (request) {
    changed = await deps.requests.finish(requestId, 'FAILED', requesterMessage(error), deps.clock.now());
    await deps.requests.releaseLock(request.dedupeKey, requestId);
  }
  return { requestId, status: 'FAILED', changed };
}

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
): Promise<{ requestId: string; status: 'FAILED'; changed: boolean }> {
  const error = status === 'TIMED_OUT' ? 'States.Timeout' : status === 'ABORTED' ? 'States.Aborted' : 'States.Runtime';
  return markExhaustFailed({ requestId, error: { Error: error } }, deps);
}
