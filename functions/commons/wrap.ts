import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ObjectEnvelope } from '@aws-lambda-powertools/parser/types';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from '#shared/adapters/observability';

/** Where an event keeps the id that ties its log lines together (JMESPath). */
export const correlationPaths = {
  /** API Gateway's request id: the id a 500 asks the caller to quote. */
  httpApi: 'requestContext.requestId',
  /** A workflow step's input: the report request id (which is also the execution name). */
  workflowStep: 'requestId',
  /** A Step Functions status-change event: the execution name, which is the report request id. */
  executionEvent: 'detail.name',
} as const;

/**
 * Powertools' middleware, in the one order every handler of the service gets it:
 * - a trace segment per invocation, without the response (it can hold learners' data);
 * - the Lambda context (function name, request id, cold start) and the event's correlation id on
 *   every log line, and keys a handler appends dropped after the invocation. The event itself is
 *   never logged: bodies hold passwords and personal data (`logEvent: false` also wins over the
 *   POWERTOOLS_LOGGER_LOG_EVENT variable);
 * - metrics flushed after every invocation, success or error, with a ColdStart metric.
 */
function instrumented<TEvent, TResult>(correlationIdPath: string | undefined) {
  return middy<TEvent, TResult, Error, Context>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true, ...(correlationIdPath ? { correlationIdPath } : {}) }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** The one way a Lambda handler is wrapped (see `instrumented`); `correlationIdPath` is one of {@link correlationPaths}. */
export function wrapHandler<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  options: { correlationIdPath?: string } = {},
) {
  return instrumented<TEvent, TResult>(options.correlationIdPath).handler(handler);
}

/**
 * The same wrapping, with Powertools Parser checking the event against a zod schema first (inside
 * an envelope, e.g. EventBridge's, when given): the handler gets the parsed value, and a bad event
 * fails with `ParseError` before any work is done.
 */
export function wrapParsedHandler<S extends z.ZodType, TResult>(
  input: { schema: S; envelope?: ObjectEnvelope; correlationIdPath?: string },
  handler: (event: z.output<S>, context: Context) => Promise<TResult>,
) {
  const wrapped = instrumented<unknown, TResult>(input.correlationIdPath)
    .use(parser({ schema: input.schema, ...(input.envelope ? { envelope: input.envelope } : {}) }))
    .handler(handler as (event: unknown, context: Context) => Promise<TResult>);
  // Callers (Lambda, the local runner) hand over the raw event; only the handler sees it parsed.
  return wrapped as unknown as MiddyfiedHandler<unknown, TResult, Error, Context>;
}
