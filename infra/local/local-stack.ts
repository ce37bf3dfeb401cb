import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { requesterMailFromEnv } from '#shared/adapters/notifiers';
import { SfnExecutionStatus } from '#shared/adapters/sfn-execution-status';
import { systemClock } from '#shared/domain/ports';
import { reconcileRequests } from '#shared/usecases/reconcile-requests';
import { PROJECT_ROOT } from '../paths.ts';
import { localDashboard } from './dashboard.ts';
import { createTables, type RunningServer, startDynalite, startS3rver } from './emulators.ts';
import { serveLocalHttpApi } from './http-api.ts';
import { invokeLikeLambda, type LocalHandler } from './lambda-context.ts';
import { holdLoopbackPort, runningServer } from './loopback.ts';
import { type LocalStepFunctions, startLocalStepFunctions, type TaskHandlers } from './sfn-server.ts';
import {
  type CfnTemplate,
  executionEndedRules,
  functionEntries,
  httpRoutes,
  localFunctionArn,
  stateMachineDefinition,
  synthesizeTemplate,
  tableSchemas,
} from './template.ts';

// aws-local-stepfunctions needs Promise.withResolvers (Node 22); the machine may run Node 20.
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolvePromise!: (value: T) => void;
      let rejectPromise!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolvePromise = res;
        rejectPromise = rej;
      });
      return { promise, resolve: resolvePromise, reject: rejectPromise };
    },
  });
}

export const LOCAL_BUCKET = 'course-exhaust-reports';
/** Where local mode's messages land, inside the data folder. */
export const LOCAL_OUTBOX_FOLDER = 'outbox';
export const LOCAL_STATE_MACHINE_ARN = 'arn:aws:states:local:000000000000:stateMachine:CourseExhaust';

export interface LocalStackOptions {
  /** Folder that keeps tables and files between runs; a temporary one (deleted on stop) if absent. */
  dataDir?: string | undefined;
  apiPort?: number | undefined;
  /** Environment values that win over the stack's, e.g. a small LEARNERS_PER_SHARD in tests. */
  envOverrides?: Record<string, string> | undefined;
  /** Awaited before each Task state runs: lets a test hold a workflow at a chosen step. */
  beforeTask?: ((stateName: string) => Promise<void>) | undefined;
}

export interface LocalStack {
  apiUrl: string;
  env: Record<string, string>;
  template: CfnTemplate;
  stepFunctions: LocalStepFunctions;
  /** How often each Task state ran, by state name: what path executions took. */
  taskInvocations: Map<string, number>;
  /** Requests a previous run left in flight, ended FAILED at start (their executions died with it). */
  settledAtStart: string[];
  stop(): Promise<void>;
}

type CfnValue = string | { Ref?: string; 'Fn::GetAtt'?: [string, string] };

/**
 * Brings the whole service up in this process: emulators, the stack's tables, the same handlers
 * behind a local HTTP API, and the same state machine behind a local Step Functions endpoint.
 * Handlers read the same environment variable names as on AWS, pointed at the local resources.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const template = synthesizeTemplate();
  const temporary = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), 'course-exhaust-')));
  mkdirSync(dataDir, { recursive: true });

  const started: RunningServer[] = [];
  const stopAll = async () => {
    for (const server of [...started].reverse()) await server.stop().catch(() => undefined);
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const dynamo = await startDynalite({ path: temporary ? undefined : join(dataDir, 'dynamodb') });
    started.push(dynamo);
    const s3 = await startS3rver({ directory: join(dataDir, 's3'), bucket: LOCAL_BUCKET });
    started.push(s3);

    // The API's address is known before handlers load: the messages they send link to its dashboard.
    const apiServer = await holdLoopbackPort(options.apiPort || 0);
    const api = runningServer(apiServer);
    started.push(api);
    const env = localEnvironment(template, dataDir, {
      dynamo: dynamo.endpoint,
      s3: s3.endpoint,
      dashboard: `${api.endpoint}/`,
    });
    await createTables(
      dynamo.endpoint,
      tableSchemas(template).map((schema) => ({ name: schema.logicalId, schema })),
    );

    // The local SFN endpoint must be known before handlers load: they read their config at import.
    const handlerOf = new Map<string, LocalHandler>();
    const taskInvocations = new Map<string, number>();
    const counted = (name: string) => taskInvocations.set(name, (taskInvocations.get(name) ?? 0) + 1);
    const taskHandlers: TaskHandlers = {};
    const definition = stateMachineDefinition(template);
    const taskStates = collectTaskStates(definition);
    for (const [stateName, resource] of taskStates) {
      const logicalId = resource.slice(resource.lastIndexOf(':') + 1);
      taskHandlers[stateName] = async (input) => {
        await options.beforeTask?.(stateName);
        counted(stateName);
        const handler = handlerOf.get(logicalId);
        if (!handler) throw new Error(`No local handler for ${logicalId}`);
        return invokeLikeLambda(handler, logicalId, input);
      };
    }
    // EventBridge's part: executions that end badly reach the stack's rule target, as on AWS.
    const rules = executionEndedRules(template);
    const stepFunctions = await startLocalStepFunctions({
      definition,
      handlers: taskHandlers,
      stateMachineArn: LOCAL_STATE_MACHINE_ARN,
      onExecutionEnd: async (execution) => {
        for (const rule of rules.filter((r) => r.statuses.includes(execution.status))) {
          const handler = handlerOf.get(rule.functionLogicalId);
          if (!handler) continue;
          counted(rule.logicalId);
          // The whole EventBridge envelope, as on AWS: the handler's parser checks it.
          const event = {
            version: '0',
            id: randomUUID(),
            source: 'aws.states',
            account: '000000000000',
            region: 'local',
            resources: [execution.executionArn],
            'detail-type': 'Step Functions Execution Status Change',
            time: new Date().toISOString(),
            detail: {
              executionArn: execution.executionArn,
              stateMachineArn: execution.stateMachineArn,
              name: execution.name,
              status: execution.status,
            },
          };
          await invokeLikeLambda(handler, rule.functionLogicalId, event).catch(() => undefined);
        }
      },
    });
    started.push(stepFunctions);
    env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
    Object.assign(env, options.envOverrides);
    Object.assign(process.env, env);

    for (const [logicalId, entry] of functionEntries(template)) {
      const module = (await import(pathToFileURL(resolve(PROJECT_ROOT, entry)).href)) as { handler: LocalHandler };
      handlerOf.set(logicalId, module.handler);
    }

    const routes = httpRoutes(template).map((route) => {
      const handler = handlerOf.get(route.functionLogicalId);
      if (!handler) throw new Error(`No handler for route ${route.method} ${route.path}`);
      const authorizerHandler = route.lambdaAuthorizer && handlerOf.get(route.lambdaAuthorizer.functionLogicalId);
      if (route.lambdaAuthorizer && !authorizerHandler) throw new Error(`No authorizer for route ${route.method} ${route.path}`);
      return { ...route, handler, authorizerHandler };
    });
    // The local counterpart of the reconcile schedule: executions live in this process, so every
    // request still in flight from an earlier run has lost its execution and is settled before
    // the API takes requests (ended FAILED, lock released, sealed password removed).
    const requestsTable = env.REQUESTS_TABLE;
    if (!requestsTable) throw new Error('REQUESTS_TABLE was not resolved from the stack');
    const { ended: settledAtStart } = await reconcileRequests(
      {
        requests: new DynamoRequestsRepository(requestsTable),
        executions: new SfnExecutionStatus(),
        clock: systemClock,
        mail: requesterMailFromEnv(),
      },
      { restarted: true },
    );

    serveLocalHttpApi(apiServer, routes, localDashboard());

    return { apiUrl: api.endpoint, env, template, stepFunctions, taskInvocations, settledAtStart, stop: stopAll };
  } catch (error) {
    // Whatever started before the failure stops again: no emulator or folder is left behind.
    await stopAll();
    throw error;
  }
}

function collectTaskStates(definition: Record<string, unknown>, found = new Map<string, string>()): Map<string, string> {
  const states = (definition.States ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && typeof state.Resource === 'string') found.set(name, state.Resource);
    for (const nested of [state.ItemProcessor, state.Iterator, ...((state.Branches as unknown[]) ?? [])]) {
      if (nested) collectTaskStates(nested as Record<string, unknown>, found);
    }
  }
  return found;
}

/** Every variable the stack's functions read, with references resolved to local resources. */
function localEnvironment(
  template: CfnTemplate,
  dataDir: string,
  endpoints: { dynamo: string; s3: string; dashboard: string },
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    // s3rver accepts only these; dynalite accepts any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamo,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    LOCAL_PASSWORD_KEY: localPasswordKey(dataDir),
    // Local mode's stand-in for SES: each message is a .eml file here (`.local/outbox/` for npm start).
    LOCAL_OUTBOX_DIR: join(dataDir, LOCAL_OUTBOX_FOLDER),
    DASHBOARD_URL: endpoints.dashboard,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
  const resolveValue = (value: CfnValue): string | undefined => {
    if (typeof value === 'string') return value;
    const id = value.Ref ?? value['Fn::GetAtt']?.[0];
    const type = id ? template.Resources[id]?.Type : undefined;
    if (type === 'AWS::DynamoDB::GlobalTable' && id) return id;
    if (type === 'AWS::S3::Bucket') return LOCAL_BUCKET;
    if (type === 'AWS::StepFunctions::StateMachine') return LOCAL_STATE_MACHINE_ARN;
    if (type === 'AWS::Lambda::Function' && id) return localFunctionArn(id);
    return undefined; // e.g. the KMS key: local mode seals with LOCAL_PASSWORD_KEY instead.
  };
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: Record<string, CfnValue> })?.Variables ?? {};
    for (const [name, value] of Object.entries(variables)) {
      if (name === 'NODE_OPTIONS') continue;
      const resolved = resolveValue(value);
      if (resolved !== undefined) env[name] = resolved;
    }
  }
  return env;
}

/** The local stand-in for the KMS key, kept with the data so sealed passwords survive restarts. */
function localPasswordKey(dataDir: string): string {
  const file = join(dataDir, 'password-key.hex');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
