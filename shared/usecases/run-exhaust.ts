/**
 * The workflow's steps, one module each under ./exhaust/; their inputs and outputs are the zod
 * contracts in ./exhaust/step-contracts.ts.
 */
export { assembleBatch } from './exhaust/assemble-batch.ts';
export { endAbandonedExecution } from './exhaust/end-abandoned-execution.ts';
export type { EndDeps } from './exhaust/end-deps.ts';
export { type ExhaustDeps, exhaustRows } from './exhaust/exhaust-job.ts';
export { finalizeExhaust } from './exhaust/finalize-exhaust.ts';
export { markExhaustFailed } from './exhaust/mark-exhaust-failed.ts';
export { type PlanDeps, planExhaust } from './exhaust/plan-exhaust.ts';
export { type RequesterMail, tellRequester } from './exhaust/tell-requester.ts';
export { writeShard } from './exhaust/write-shard.ts';
