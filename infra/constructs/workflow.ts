import { Duration } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Chain,
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ExhaustFunction } from './exhaust-function.ts';
import type { Storage } from './storage.ts';

/** Errors worth another try: throttling and transient service faults, never our domain errors. */
export const TRANSIENT_ERRORS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'SlowDown',
  'TimeoutError',
  'Lambda.TooManyRequestsException',
];

export const STATE_NAMES = {
  plan: 'Plan',
  perBatch: 'PerBatch',
  assemble: 'AssembleBatch',
  batchFailed: 'BatchFailed',
  finalize: 'Finalize',
  markFailed: 'MarkFailed',
  failed: 'ReportFailed',
} as const;

export interface WorkflowProps {
  storage: Storage;
  maxConcurrency: number;
  timeout: Duration;
}

/**
 * Plan → Map per batch (MaxConcurrency) → Assemble → Finalize; any failure outside a batch goes to
 * MarkFailed. A batch that fails is caught inside the Map, so its siblings still produce files.
 * The execution input and every step's output carry ids and counts only.
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: ExhaustFunction[];

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { storage } = props;

    const planFn = new ExhaustFunction(this, 'PlanFn', {
      entry: 'functions/workflow/plan.ts',
      description: 'Marks a report request PROCESSING and lists its batches',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');

    const assembleFn = new ExhaustFunction(this, 'AssembleBatchFn', {
      entry: 'functions/workflow/assemble-batch.ts',
      description: 'Streams one batch exhaust as CSV into an encrypted ZIP in S3',
      memorySize: 1024,
      timeout: Duration.minutes(15),
    })
      .bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite')
      .bindTable(storage.records, 'RECORDS_TABLE', 'read')
      .bindBucket(storage.reports, 'REPORTS_BUCKET', 'write', 'reports/');
    assembleFn.addEnvironment('PASSWORD_KEY_ID', storage.passwordKey.keyArn);
    storage.passwordKey.grantDecrypt(assembleFn);

    const finalizeFn = new ExhaustFunction(this, 'FinalizeFn', {
      entry: 'functions/workflow/finalize.ts',
      description: 'Records batch outcomes, ends the request and frees its dedupe lock',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');

    const markFailedFn = new ExhaustFunction(this, 'MarkFailedFn', {
      entry: 'functions/workflow/mark-failed.ts',
      description: 'Ends a report request FAILED with a readable message',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');

    this.functions = [planFn, assembleFn, finalizeFn, markFailedFn];

    const withRetry = (task: LambdaInvoke) =>
      task.addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });

    const markFailed = new LambdaInvoke(this, STATE_NAMES.markFailed, {
      lambdaFunction: markFailedFn,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ requestId: JsonPath.stringAt('$.requestId'), error: JsonPath.objectAt('$.error') }),
    });
    withRetry(markFailed);
    const failChain = Chain.start(markFailed).next(new Fail(this, STATE_NAMES.failed, { error: 'ReportFailed' }));

    const plan = withRetry(
      new LambdaInvoke(this, STATE_NAMES.plan, {
        lambdaFunction: planFn,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ requestId: JsonPath.stringAt('$.requestId') }),
      }),
    ).addCatch(failChain, { resultPath: '$.error' });

    const assemble = withRetry(
      new LambdaInvoke(this, STATE_NAMES.assemble, {
        lambdaFunction: assembleFn,
        payloadResponseOnly: true,
        taskTimeout: Timeout.duration(Duration.minutes(15)),
      }),
    ).addCatch(
      new Pass(this, STATE_NAMES.batchFailed, {
        parameters: { 'batchId.$': '$.batchId', 'failure.$': '$.failure' },
      }),
      { resultPath: '$.failure' },
    );

    const perBatch = new MapState(this, STATE_NAMES.perBatch, {
      itemsPath: '$.batches',
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.results',
    })
      .itemProcessor(assemble)
      .addCatch(failChain, { resultPath: '$.error' });

    const finalize = withRetry(
      new LambdaInvoke(this, STATE_NAMES.finalize, {
        lambdaFunction: finalizeFn,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({
          requestId: JsonPath.stringAt('$.requestId'),
          results: JsonPath.listAt('$.results'),
        }),
      }),
    ).addCatch(failChain, { resultPath: '$.error' });

    this.stateMachine = new StateMachine(this, 'ExhaustWorkflow', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(Chain.start(plan).next(perBatch).next(finalize)),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'WorkflowLogs', { retention: RetentionDays.ONE_MONTH }),
        // ERROR without execution data: step inputs and outputs stay out of the logs.
        level: LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
  }
}
