import { shardPartKey } from '../../domain/report-request.ts';
import { streamCsvPart } from '../../report-files/write-exhaust.ts';
import type { ExhaustDeps } from './exhaust-job.ts';
import { openPart } from './part-source.ts';
import type { WriteShardInput, WriteShardOutput } from './step-contracts.ts';

/**
 * Workflow step WriteShard: one shard of a huge batch (or of an org export's users), its rows as a
 * CSV part in the store's tmp/ area.
 */
export async function writeShard(task: WriteShardInput, deps: Omit<ExhaustDeps, 'sealer'>): Promise<WriteShardOutput> {
  const part = await openPart(task.requestId, task.batchId, deps);
  const { csv, stats } = streamCsvPart(part.csv(task.buckets));
  await Promise.all([deps.store.upload(shardPartKey(part.request, task.batchId, task.shard), csv, 'text/csv'), stats]);
  return { shard: task.shard, rows: (await stats).rows };
}
