import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda context for handlers invoked in-process; enough for Powertools and our handlers. */
export function localLambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type LocalHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Invokes a handler the way the Lambda service does for Step Functions: the result crosses as JSON,
 * and a thrown error becomes `{errorType, errorMessage}` in the failure's Cause.
 */
export async function invokeLikeLambda(handler: LocalHandler, functionName: string, event: unknown): Promise<unknown> {
  try {
    const result = await handler(JSON.parse(JSON.stringify(event ?? null)), localLambdaContext(functionName));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    const failure = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
    failure.name = name;
    throw failure;
  }
}
