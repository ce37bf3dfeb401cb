import { z } from 'zod';

/**
 * The workflow's step contracts, written once: each step's input and output is one schema here.
 * Handlers parse with them, use cases take their inferred types, and test/infra checks the state
 * machine's paths, payloads and Map items against them. They carry ids and counts only: execution
 * input and history must never hold a password or personal data.
 */
const RequestId = z.string().min(1);
const BatchId = z.string().min(1);
const Count = z.number().int().nonnegative();

/** A Catch's `Error` and `Cause`, as Step Functions hands them to the steps after it. */
export const StepFailure = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
export type StepFailure = z.infer<typeof StepFailure>;

export const PlanInput = z.object({ requestId: RequestId });
export type PlanInput = z.infer<typeof PlanInput>;

/** One shard of a huge batch: a contiguous run of its learner buckets. */
export const ShardTask = z.object({
  requestId: RequestId,
  batchId: BatchId,
  shard: Count,
  buckets: z.array(Count).min(1),
});
export type ShardTask = z.infer<typeof ShardTask>;

/** One Map item per batch: unsharded, or with the shards the workflow writes before assembly. */
export const PlannedBatch = z.object({
  requestId: RequestId,
  batchId: BatchId,
  sharded: z.boolean(),
  shards: z.array(ShardTask),
});
export type PlannedBatch = z.infer<typeof PlannedBatch>;

export const PlanOutput = z.object({ requestId: RequestId, batches: z.array(PlannedBatch) });
export type PlanOutput = z.infer<typeof PlanOutput>;

export const WriteShardInput = ShardTask;
export type WriteShardInput = ShardTask;
export const WriteShardOutput = z.object({ shard: Count, rows: Count });
export type WriteShardOutput = z.infer<typeof WriteShardOutput>;

export const AssembleBatchInput = z.object({
  requestId: RequestId,
  batchId: BatchId,
  /** Present when the batch was sharded: the parts WriteShard wrote. */
  parts: z.array(WriteShardOutput).optional(),
});
export type AssembleBatchInput = z.infer<typeof AssembleBatchInput>;
export const AssembleBatchOutput = z.object({ batchId: BatchId, rows: Count });
export type AssembleBatchOutput = z.infer<typeof AssembleBatchOutput>;

/** What the per-batch Map gives Finalize for each batch: its assembly, or the Catch's failure. */
export const BatchResult = z.object({
  batchId: BatchId,
  rows: Count.optional(),
  failure: StepFailure.optional(),
});
export type BatchResult = z.infer<typeof BatchResult>;

export const FinalizeInput = z.object({ requestId: RequestId, results: z.array(BatchResult) });
export type FinalizeInput = z.infer<typeof FinalizeInput>;
export const FinalizeOutput = z.object({ requestId: RequestId, status: z.enum(['SUCCESS', 'FAILED']) });
export type FinalizeOutput = z.infer<typeof FinalizeOutput>;

export const MarkFailedInput = z.object({ requestId: RequestId, error: StepFailure.optional() });
export type MarkFailedInput = z.infer<typeof MarkFailedInput>;
export const MarkFailedOutput = z.object({ requestId: RequestId, status: z.literal('FAILED'), changed: z.boolean() });
export type MarkFailedOutput = z.infer<typeof MarkFailedOutput>;
