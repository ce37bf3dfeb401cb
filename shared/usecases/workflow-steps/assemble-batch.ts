import type { ReportFile } from '../../domain/report-request.ts';
import { shardPartKey } from '../../domain/report-request.ts';
import { streamExhaustZip, zipCsvParts } from '../../report-files/write-exhaust.ts';
import type { ExhaustDeps } from './exhaust-job.ts';
import { openPart } from './part-source.ts';
import type { AssembleBatchInput, AssembleBatchOutput } from './step-contracts.ts';

/**
 * Streams one batch's exhaust into its ZIP in the report store and records the file: straight from
 * the learners, or, for a sharded batch, from its shards' CSV parts in shard order.
 */
export async function assembleBatch(task: AssembleBatchInput, deps: ExhaustDeps): Promise<AssembleBatchOutput> {
  const { requestId, batchId } = task;
  const part = await openPart(requestId, batchId, deps);
  const { request, entryName } = part;
  const password = request.sealedPassword ? await deps.sealer.open(request.sealedPassword, requestId) : undefined;
  const zipSpec = { entryName, password, encryption: request.encryption };

  const parts = [...(task.parts ?? [])].sort((a, b) => a.shard - b.shard);
  const partKeys = parts.map((part) => shardPartKey(request, batchId, part.shard));
  const { zip, stats } =
    parts.length > 0
      ? zipCsvParts({
          ...zipSpec,
          header: part.header,
          rows: parts.reduce((sum, part) => sum + part.rows, 0),
          parts: (async function* () {
            for (const key of partKeys) yield* await deps.store.openRead(key);
          })(),
        })
      : streamExhaustZip({ ...zipSpec, ...part.csv() });

  const key = part.objectKey;
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
