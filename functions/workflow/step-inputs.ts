/**
 * The workflow steps' contracts (one zod schema per step input and output), defined once beside the
 * use cases that take their types; handlers parse with them and test/infra checks the state
 * machine against them.
 */
export * from '#shared/usecases/workflow-steps/step-contracts';
