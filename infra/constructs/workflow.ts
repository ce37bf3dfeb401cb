import { type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  Chain,
  Choice,
  Condition,
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
import { WRITER_MEMORY_MB, WRITER_NODE_OPTIONS } from '../writer-sizing.ts';
import { type MailSettings, ServiceFunction } from './service-function.ts';
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

/** How often the reconcile looks for requests whose execution is gone. */
export const RECONCILE_PERIOD = Duration.minutes(15);

export const STATE_NAMES = {
  plan: 'Plan',
  perBatch: 'PerBatch',
  isSharded: 'IsSharded',
  writeShards: 'WriteShards',
  writeShard: 'WriteShard',
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
  /** Learners one shard handles; bigger batches are split (see docs/performance.md, "Huge batches"). */
  learnersPerShard: number;
  /** When set, the steps that end a request tell requesters who asked (by SES); otherwise e-mail is off. */
  mail?: MailSettings | undefined;
}

/**
 * Plan → Map per batch (MaxConcurrency) → [huge batch: Map of WriteShard] → AssembleBatch →
 * Finalize; any failure outside a batch goes to MarkFailed. A batch that fails is caught inside
 * the Map, so its siblings still produce files. The execution input and every step's output carry
 * ids and counts only.
 *
 * Both Maps are inline: the worst request (20 batches of 16 shards, every retry taken) stays at
 * half an execution's history limit and within inline concurrency, which test/infra
 * recomputes from this definition. The local interpreter runs them as they are (it would run a
 * Distributed Map inline too, so that mode would go untested here).
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly functions: ServiceFunction[];
  /** Dead letters of the safety net: executions whose request could not be ended. */
  readonly unendedExecutions: Queue;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { storage } = props;

    const planFn = new ServiceFunction(this, 'PlanFn', {
      entry: 'functions/workflow/plan.ts',
      description: 'Marks a report request PROCESSING and lists its batches',
      // Counting a bucket of each of up to 20 huge batches reads a few hundred MB server-side.
      timeout: Duration.minutes(2),
    })
      .bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite')
      .bindTable(storage.records, 'RECORDS_TABLE', 'read');
    planFn.addEnvironment('LEARNERS_PER_SHARD', String(props.learnersPerShard));

    // The two functions that write exhausts are sized alike, as the benchmark runs its writer.
    const writerSizing = { memorySize: WRITER_MEMORY_MB, nodeOptions: WRITER_NODE_OPTIONS, timeout: Duration.minutes(15) };
    const writeShardFn = new ServiceFunction(this, 'WriteShardFn', {
      entry: 'functions/workflow/write-shard.ts',
      description: 'Writes one shard of a huge batch as a CSV part under tmp/',
      ...writerSizing,
    })
      .bindTable(storage.requests, 'REQUESTS_TABLE', 'read')
      .bindTable(storage.records, 'RECORDS_TABLE', 'read')
      .bindBucket(storage.reports, 'REPORTS_BUCKET', 'write', 'tmp/');

    const assembleFn = new ServiceFunction(this, 'AssembleBatchFn', {
      entry: 'functions/workflow/assemble-batch.ts',
      description: 'Streams one batch exhaust as CSV into an encrypted ZIP in S3',
      ...writerSizing,
    })
      .bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite')
      .bindTable(storage.records, 'RECORDS_TABLE', 'read')
      .bindBucket(storage.reports, 'REPORTS_BUCKET', 'write', 'reports/');
    // Assembly reads the shards' parts back and deletes them once the ZIP is stored.
    storage.reports.grantRead(assembleFn, 'tmp/*');
    storage.reports.grantDelete(assembleFn, 'tmp/*');
    assembleFn.acknowledgeBucketGrant(storage.reports, 'tmp/', [
      's3:GetObject*',
      's3:GetBucket*',
      's3:List*',
      's3:DeleteObject*',
    ]);
    assembleFn.addEnvironment('PASSWORD_KEY_ID', storage.passwordKey.keyArn);
    storage.passwordKey.grantDecrypt(assembleFn);

    const finalizeFn = new ServiceFunction(this, 'FinalizeFn', {
      entry: 'functions/workflow/finalize.ts',
      description: 'Records batch outcomes, ends the request and frees its dedupe lock',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');

    const markFailedFn = new ServiceFunction(this, 'MarkFailedFn', {
      entry: 'functions/workflow/mark-failed.ts',
      description: 'Ends a report request FAILED with a readable message',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');

    this.functions = [planFn, writeShardFn, assembleFn, finalizeFn, markFailedFn];
    // Every step that can end a request may be the one that tells its requester.
    const mayEnd = (fn: ServiceFunction) => (props.mail ? fn.bindMail(props.mail) : fn);
    mayEnd(finalizeFn);
    mayEnd(markFailedFn);

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

    const batchFailed = new Pass(this, STATE_NAMES.batchFailed, {
      parameters: { 'batchId.$': '$.batchId', 'failure.$': '$.failure' },
    });
    // One assembly step per path: from the shards' parts, or straight from the learners.
    const assembleStep = (id: string, withParts: boolean) =>
      withRetry(
        new LambdaInvoke(this, id, {
          lambdaFunction: assembleFn,
          payloadResponseOnly: true,
          taskTimeout: Timeout.duration(Duration.minutes(15)),
          payload: TaskInput.fromObject({
            requestId: JsonPath.stringAt('$.requestId'),
            batchId: JsonPath.stringAt('$.batchId'),
            ...(withParts ? { parts: JsonPath.listAt('$.parts') } : {}),
          }),
        }),
      ).addCatch(batchFailed, { resultPath: '$.failure' });
    const assemble = assembleStep(STATE_NAMES.assemble, true);
    const assembleUnsharded = assembleStep(`${STATE_NAMES.assemble}Whole`, false);

    const writeShards = new MapState(this, STATE_NAMES.writeShards, {
      itemsPath: '$.shards',
      maxConcurrency: 16,
      resultPath: '$.parts',
    })
      .itemProcessor(
        withRetry(
          new LambdaInvoke(this, STATE_NAMES.writeShard, {
            lambdaFunction: writeShardFn,
            payloadResponseOnly: true,
            taskTimeout: Timeout.duration(Duration.minutes(15)),
          }),
        ),
      )
      .addCatch(batchFailed, { resultPath: '$.failure' });

    const perBatchSteps = new Choice(this, STATE_NAMES.isSharded)
      .when(Condition.booleanEquals('$.sharded', true), writeShards.next(assemble))
      .otherwise(assembleUnsharded);

    const perBatch = new MapState(this, STATE_NAMES.perBatch, {
      itemsPath: '$.batches',
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.results',
    })
      .itemProcessor(perBatchSteps)
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

    const acknowledgeMachine = (id: string, reason: string) => Validations.of(this.stateMachine).acknowledge({ id, reason });
    acknowledgeMachine(
      'AwsSolutions-SF1',
      'Logs ERROR only, without execution data: step inputs must never reach a log (DESIGN §2)',
    );
    acknowledgeMachine('AwsSolutions-IAM5[Resource::*]', 'X-Ray and CloudWatch Logs delivery actions accept no resource');
    for (const fn of [planFn, writeShardFn, assembleFn, finalizeFn, markFailedFn]) {
      acknowledgeMachine(
        `AwsSolutions-IAM5[Resource::${ServiceFunction.nagArn(fn)}:*]`,
        "CDK's LambdaInvoke grant covers the function's versions and aliases: still only our own function",
      );
    }

    // The safety net: executions that time out, are stopped, or fail past every Catch still end
    // their request FAILED (the handler leaves requests that already ended alone).
    // Events the safety net could not handle wait here (and raise an alarm) instead of vanishing.
    this.unendedExecutions = new Queue(this, 'UnendedExecutions', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.unendedExecutions).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the safety net; its messages wait for ops, alarmed',
    });
    const onEndedFn = new ServiceFunction(this, 'OnExecutionEndedFn', {
      entry: 'functions/workflow/on-execution-ended.ts',
      description: 'Ends the request of an execution that failed, timed out or was aborted',
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');
    mayEnd(onEndedFn);
    this.functions.push(onEndedFn);
    new Rule(this, 'ExecutionEnded', {
      description: 'Report workflow executions that ended FAILED, TIMED_OUT or ABORTED',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [this.stateMachine.stateMachineArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      targets: [
        new LambdaFunction(onEndedFn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: this.unendedExecutions,
        }),
      ],
    });

    // Behind the safety net: should an execution-ended event be lost, a request whose execution
    // is no longer running is still ended within one period.
    const reconcileFn = new ServiceFunction(this, 'ReconcileFn', {
      entry: 'functions/workflow/reconcile.ts',
      description: 'Ends report requests whose workflow execution is no longer running',
      timeout: Duration.minutes(2),
    }).bindTable(storage.requests, 'REQUESTS_TABLE', 'readWrite');
    mayEnd(reconcileFn);
    this.stateMachine.grantRead(reconcileFn);
    const machineId = Stack.of(this).resolve((this.stateMachine.node.defaultChild as CfnResource).logicalId);
    reconcileFn.acknowledge(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
      "Describes this state machine's executions, one per request: IAM names them only by a wildcard",
    );
    this.functions.push(reconcileFn);
    new Rule(this, 'ReconcileSchedule', {
      description: 'Ends report requests whose execution is no longer running',
      schedule: Schedule.rate(RECONCILE_PERIOD),
      targets: [new LambdaFunction(reconcileFn, { retryAttempts: 2 })],
    });
  }
}
