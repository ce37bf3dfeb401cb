/**
 * The workflow's steps, one module each under ./workflow-steps/; their inputs and outputs are the zod
 * contracts in ./workflow-steps/step-contracts.ts.
 */
export { assembleBatch } from './workflow-steps/assemble-batch.ts';
export { endAbandonedExecution } from './workflow-steps/end-abandoned-execution.ts';
export type { EndDeps } from './workflow-steps/end-deps.ts';
export { type ExhaustDeps, exhaustRows } from './workflow-steps/exhaust-job.ts';
export { finalizeExhaust } from './workflow-steps/finalize-exhaust.ts';
export { markExhaustFailed } from './workflow-steps/mark-exhaust-failed.ts';
export { type PlanDeps, planExhaust } from './workflow-steps/plan-exhaust.ts';
export { type RequesterMail, tellRequester } from './workflow-steps/tell-requester.ts';
export { writeShard } from './workflow-steps/write-shard.ts';
