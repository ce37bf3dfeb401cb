import { shardPartKey } from '../../domain/report-request.ts';
import { readAhead } from '../../exhaust/read-ahead.ts';
import { streamCsvPart } from '../../exhaust/write-exhaust.ts';
import { type ExhaustDeps, exhaustRows, learnerReads, loadJob } from './exhaust-job.ts';
import type { WriteShardInput, WriteShardOutput } from './step-contracts.ts';

/** Workflow step WriteShard: one shard of a huge batch, its rows as a CSV part in the store's tmp/ area. */
export async function writeShard(task: WriteShardInput, deps: Omit<ExhaustDeps, 'sealer'>): Promise<WriteShardOutput> {
  const job = await loadJob(task.requestId, task.batchId, deps);
  const { request, definition, context } = job;
  const learners = readAhead(
    deps.records.learnerPages(request.courseId, task.batchId, { ...learnerReads(job), buckets: task.buckets }),
  );
  const layout = definition.layout(context);
  const { csv, stats } = streamCsvPart({
    header: layout.header,
    idColumns: layout.idColumns,
    rowBatches: exhaustRows(layout, context.batch.org, learners),
  });
  await Promise.all([deps.store.upload(shardPartKey(request, task.batchId, task.shard), csv, 'text/csv'), stats]);
  return { shard: task.shard, rows: (await stats).rows };
}
