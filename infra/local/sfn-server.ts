import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StateMachine } from 'aws-local-stepfunctions';
import type { RunningServer } from './emulators.ts';
import { listenOnLoopback, readBody } from './loopback.ts';

/**
 * A local Step Functions endpoint (StartExecution, DescribeExecution) over the AWS JSON protocol,
 * so the API handler starts workflows with the real SFNClient. Executions run the synthesized
 * definition in aws-local-stepfunctions, each Task state overridden by its handler.
 */
export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  done: Promise<void>;
}

export interface LocalStepFunctions extends RunningServer {
  stateMachineArn: string;
  executions: Map<string, Execution>;
  /** Resolves when every execution started so far has ended. */
  idle(): Promise<void>;
}

class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startLocalStepFunctions(options: {
  definition: Record<string, unknown>;
  handlers: TaskHandlers;
  stateMachineArn: string;
  /** Called once an execution has ended; the execution counts as done once this settles. */
  onExecutionEnd?: (execution: Execution) => Promise<void> | void;
}): Promise<LocalStepFunctions> {
  const machine = new StateMachine(options.definition as unknown as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { checkArn: false },
  });
  // Retry waits of seconds are for AWS; locally a retry happens at once.
  const retryIntervalOverrides = Object.fromEntries(Object.keys(options.handlers).map((name) => [name, 0]));
  const executions = new Map<string, Execution>();

  const start = (body: { stateMachineArn?: string; name?: string; input?: string }) => {
    if (body.stateMachineArn !== options.stateMachineArn) {
      throw new AwsJsonError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${body.stateMachineArn}'`);
    }
    const name = body.name ?? crypto.randomUUID();
    const executionArn = `${options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (executions.has(executionArn))
      throw new AwsJsonError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    const input = body.input ?? '{}';
    const run = machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: options.handlers as never, retryIntervalOverrides },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn: options.stateMachineArn,
      name,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
      input,
      done: run.result
        .then(
          (output) => {
            execution.status = 'SUCCEEDED';
            execution.output = JSON.stringify(output);
          },
          (error: unknown) => {
            execution.status = 'FAILED';
            const failure = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
            execution.error = failure.cause?.name ?? failure.name;
            execution.cause = failure.cause?.message ?? failure.message;
          },
        )
        .then(async () => {
          execution.stopDate = Date.now() / 1000;
          await options.onExecutionEnd?.(execution);
        }),
    };
    executions.set(executionArn, execution);
    return { executionArn, startDate: execution.startDate };
  };

  const describe = (body: { executionArn?: string }) => {
    const execution = executions.get(body.executionArn ?? '');
    if (!execution) throw new AwsJsonError('ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
    const { done: _done, ...visible } = execution;
    return visible;
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(payload));
    };
    try {
      const body = JSON.parse((await readBody(req)) || '{}');
      if (target === 'AWSStepFunctions.StartExecution') return reply(200, start(body));
      if (target === 'AWSStepFunctions.DescribeExecution') return reply(200, describe(body));
      return reply(400, { __type: 'UnknownOperationException', message: `${target} is not emulated locally` });
    } catch (error) {
      if (error instanceof AwsJsonError) return reply(400, { __type: error.type, message: error.message });
      return reply(500, { __type: 'InternalFailure', message: 'Local Step Functions failed' });
    }
  });
  const listening = await listenOnLoopback(server);

  return {
    endpoint: listening.endpoint,
    stateMachineArn: options.stateMachineArn,
    executions,
    idle: async () => {
      await Promise.all([...executions.values()].map((e) => e.done));
    },
    stop: async () => {
      await Promise.all([...executions.values()].map((e) => e.done));
      await listening.stop();
    },
  };
}
