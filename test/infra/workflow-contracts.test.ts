import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AssembleBatchInput,
  AssembleBatchOutput,
  BatchResult,
  FinalizeInput,
  MarkFailedInput,
  PlanInput,
  PlannedBatch,
  PlanOutput,
  StepFailure,
  WriteShardInput,
  WriteShardOutput,
} from '../../functions/workflow/step-inputs.ts';
import { buildApp } from '../../infra/build-app.ts';
import { stateMachineDefinition } from '../../infra/local/template.ts';

// biome-ignore lint/suspicious/noExplicitAny: the definition is read as the JSON it is.
type States = Record<string, any>;
let states: States;
let inner: States;

beforeAll(() => {
  const app = new App({
    context: {
      'courseExhaust:jwtIssuer': 'https://issuer.example.com/',
      'courseExhaust:jwtAudience': 'dashboard',
      'aws:cdk:bundling-stacks': [],
    },
  });
  const definition = stateMachineDefinition(Template.fromStack(buildApp(app)).toJSON() as never) as { States: States };
  states = definition.States;
  inner = states.PerBatch.ItemProcessor.States;
});

/** Strips optional/nullable wrappers. */
function bare(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current;
}

/** The schema a JSONPath like `$.a.b` points at inside `schema`; throws when it points nowhere. */
function at(schema: z.ZodType, path: string): z.ZodType {
  expect(path.startsWith('$')).toBe(true);
  let current = schema;
  for (const key of path.split('.').slice(1)) {
    const object = bare(current);
    if (!(object instanceof z.ZodObject) || !(key in object.shape)) throw new Error(`${path}: no "${key}" in the state's input`);
    current = object.shape[key] as z.ZodType;
  }
  return current;
}

/** Whether every value `source` accepts is a value `target` accepts, as far as these contracts go. */
function fits(source: z.ZodType, target: z.ZodType, where: string): void {
  const targetOptional = target instanceof z.ZodOptional;
  const s = bare(source);
  const t = bare(target);
  if (!targetOptional) expect(source instanceof z.ZodOptional, `${where} may be missing`).toBe(false);
  if (t instanceof z.ZodObject) {
    expect(s, `${where} is an object`).toBeInstanceOf(z.ZodObject);
    const sourceShape = (s as z.ZodObject).shape;
    for (const [key, field] of Object.entries(t.shape)) {
      if (!(key in sourceShape)) {
        expect(field instanceof z.ZodOptional, `${where}.${key} is required but never set`).toBe(true);
        continue;
      }
      fits(sourceShape[key] as z.ZodType, field as z.ZodType, `${where}.${key}`);
    }
    return;
  }
  if (t instanceof z.ZodArray) {
    expect(s, `${where} is an array`).toBeInstanceOf(z.ZodArray);
    fits((s as z.ZodArray<z.ZodType>).element, t.element as z.ZodType, `${where}[]`);
    return;
  }
  // Leaves: enums and literals are strings; otherwise the same kind.
  const kind = (schema: z.ZodType) =>
    schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral ? 'string' : (schema as { def: { type: string } }).def.type;
  expect(kind(s), where).toBe(kind(t));
}

/** A Task's `Parameters` (payload) evaluated against the state's input, as the step's input schema sees it. */
function payloadSchema(parameters: Record<string, string> | undefined, input: z.ZodType): z.ZodType {
  if (parameters === undefined) return input;
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(parameters)) {
    expect(key.endsWith('.$'), `${key} is a path`).toBe(true);
    shape[key.slice(0, -2)] = at(input, value);
  }
  return z.object(shape);
}

const ExecutionInput = z.object({ requestId: z.string() });

describe('infra: the state machine against the step contracts', () => {
  it('hands Plan its input and the per-batch Map the batches Plan returns', () => {
    fits(payloadSchema(states.Plan.Parameters, ExecutionInput), PlanInput, 'Plan input');
    const items = bare(at(PlanOutput, states.PerBatch.ItemsPath));
    expect(items).toBeInstanceOf(z.ZodArray);
    expect(states.PerBatch.ItemSelector).toBeUndefined();
    fits((items as z.ZodArray<z.ZodType>).element, PlannedBatch, 'PerBatch item');
  });

  it('branches on a boolean of the planned batch and gives WriteShard the shard items as they are', () => {
    const [choice] = inner.IsSharded.Choices;
    expect(bare(at(PlannedBatch, choice.Variable))).toBeInstanceOf(z.ZodBoolean);
    const { WriteShards } = inner;
    expect(WriteShards.ItemSelector).toBeUndefined();
    const shards = bare(at(PlannedBatch, WriteShards.ItemsPath)) as z.ZodArray<z.ZodType>;
    const writeShard = WriteShards.ItemProcessor.States.WriteShard;
    fits(payloadSchema(writeShard.Parameters, shards.element), WriteShardInput, 'WriteShard input');
  });

  it('gives AssembleBatch the shard results where it reads its parts, and the whole batch its ids', () => {
    const { WriteShards, AssembleBatch, AssembleBatchWhole } = inner;
    expect(WriteShards.ResultPath).toBe('$.parts');
    const afterShards = PlannedBatch.extend({ parts: z.array(WriteShardOutput) });
    fits(payloadSchema(AssembleBatch.Parameters, afterShards), AssembleBatchInput, 'AssembleBatch input');
    fits(payloadSchema(AssembleBatchWhole.Parameters, PlannedBatch), AssembleBatchInput, 'AssembleBatchWhole input');
  });

  it('gives Finalize one result per batch, whether the batch was assembled or caught failing', () => {
    const { BatchFailed, AssembleBatch, WriteShards } = inner;
    for (const state of [AssembleBatch, WriteShards]) expect(state.Catch[0].ResultPath).toBe('$.failure');
    const failedInput = PlannedBatch.extend({ failure: StepFailure });
    fits(payloadSchema(BatchFailed.Parameters, failedInput), BatchResult, 'BatchFailed output');
    fits(AssembleBatchOutput, BatchResult, 'AssembleBatch output');
    expect(states.PerBatch.ResultPath).toBe('$.results');
    const beforeFinalize = PlanOutput.extend({ results: z.array(BatchResult) });
    fits(payloadSchema(states.Finalize.Parameters, beforeFinalize), FinalizeInput, 'Finalize input');
  });

  it('gives MarkFailed the request id and the caught error from every Catch that leads to it', () => {
    for (const state of [states.Plan, states.PerBatch, states.Finalize]) expect(state.Catch[0].ResultPath).toBe('$.error');
    const caught = ExecutionInput.extend({ error: StepFailure });
    fits(payloadSchema(states.MarkFailed.Parameters, caught), MarkFailedInput, 'MarkFailed input');
  });

  it('would notice a path that points nowhere or a field the step needs but never gets', () => {
    expect(() => at(PlannedBatch, '$.shard')).toThrow('no "shard"');
    expect(() => fits(z.object({ requestId: z.string() }), AssembleBatchInput, 'input')).toThrow('batchId is required');
  });
});
