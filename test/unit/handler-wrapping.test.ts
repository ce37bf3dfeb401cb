import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { logger } from '#shared/adapters/observability';
import { PlanInput } from '#shared/usecases/workflow-steps/step-contracts';
import { correlationPaths, wrapHandler, wrapParsedHandler } from '../../functions/commons/wrap.ts';
import { localLambdaContext } from '../../infra/local/lambda-context.ts';

/** Everything the process writes while a test runs: log lines and EMF metric blobs. */
let written: string[] = [];
beforeEach(() => {
  written = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    });
  }
  logger.setLogLevel('INFO');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const jsonLines = () =>
  written
    .join('\n')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const apiEvent = (requestId: string, body: string) => ({ requestContext: { requestId }, body, headers: {} });

describe('handlers: the one wrapping', () => {
  it('puts the Lambda request id and the correlation id on every line, and never the event', async () => {
    const handler = wrapHandler(
      async (_event: unknown) => {
        logger.info('Report requested', { reportRequestId: 'r-1' });
        return { statusCode: 202 };
      },
      { correlationIdPath: correlationPaths.httpApi },
    );
    const context = localLambdaContext('SubmitReportFn');
    await handler(apiEvent('api-req-1', '{"password":"Secret123","email":"ada@example.org"}'), context);

    const line = jsonLines().find((l) => l.message === 'Report requested');
    expect(line).toMatchObject({
      correlation_id: 'api-req-1',
      function_request_id: context.awsRequestId,
      function_name: 'SubmitReportFn',
      reportRequestId: 'r-1',
    });
    expect(written.join('')).not.toContain('Secret123');
    expect(written.join('')).not.toContain('ada@example.org');
  });

  it('drops keys a handler appended when its invocation ends, so the next one does not inherit them', async () => {
    const handler = wrapHandler(
      async (event: { requestContext: { requestId: string }; keyId?: string }) => {
        if (event.keyId) logger.appendKeys({ keyId: event.keyId });
        logger.info('served');
        return null;
      },
      { correlationIdPath: correlationPaths.httpApi },
    );
    await handler({ requestContext: { requestId: 'first' }, keyId: 'key-1' }, localLambdaContext('Fn'));
    await handler({ requestContext: { requestId: 'second' } }, localLambdaContext('Fn'));

    const [first, second] = jsonLines().filter((l) => l.message === 'served');
    expect(first).toMatchObject({ correlation_id: 'first', keyId: 'key-1' });
    expect(second).toMatchObject({ correlation_id: 'second' });
    expect(second).not.toHaveProperty('keyId');
  });

  it("publishes a ColdStart metric on the first invocation only, and the handler's own metrics after each, error or not", async () => {
    // Fresh modules, built as in an on-demand Lambda environment (the only kind Powertools counts cold starts in).
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.resetModules();
    const fresh = {
      ...(await import('../../functions/commons/wrap.ts')),
      ...(await import('#shared/adapters/observability')),
    };
    const handler = fresh.wrapHandler(async (event: { fail: boolean }) => {
      fresh.metrics.addMetric('ReportRequested', MetricUnit.Count, 1);
      if (event.fail) throw new Error('boom');
      return null;
    });
    await handler({ fail: false }, localLambdaContext('MetricsFn'));
    await expect(handler({ fail: true }, localLambdaContext('MetricsFn'))).rejects.toThrow('boom');

    const blobs = jsonLines().filter((l) => '_aws' in l);
    const named = (name: string) =>
      blobs.filter((b) =>
        (b._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]?.Metrics.some(
          (m) => m.Name === name,
        ),
      );
    expect(named('ColdStart')).toHaveLength(1);
    expect(named('ColdStart')[0]).toMatchObject({ function_name: 'MetricsFn', ColdStart: 1 });
    expect(named('ReportRequested')).toHaveLength(2);
  });

  it('refuses a workflow step input its contract rejects before the step runs, and hands the step the parsed input', async () => {
    const step = vi.fn(async (input: PlanInput) => ({ planned: input.requestId }));
    const handler = wrapParsedHandler({ schema: PlanInput, correlationIdPath: correlationPaths.workflowStep }, step);

    await expect(handler({ requestId: '' }, localLambdaContext('PlanFn'))).rejects.toMatchObject({ name: 'ParseError' });
    expect(step).not.toHaveBeenCalled();

    await expect(handler({ requestId: 'req-9', extra: 'dropped' }, localLambdaContext('PlanFn'))).resolves.toEqual({
      planned: 'req-9',
    });
    expect(step.mock.calls[0]?.[0]).toEqual({ requestId: 'req-9' });
  });

  it("opens EventBridge's envelope and refuses an event that is not one", async () => {
    const Detail = z.object({ name: z.string(), status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']) });
    const handler = wrapParsedHandler(
      { schema: Detail, envelope: EventBridgeEnvelope, correlationIdPath: correlationPaths.executionEvent },
      async (detail) => detail.name,
    );
    const event = {
      version: '0',
      id: 'e-1',
      source: 'aws.states',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'Step Functions Execution Status Change',
      time: '2026-01-01T00:00:00Z',
      detail: { name: 'req-7', status: 'TIMED_OUT' },
    };
    await expect(handler(event, localLambdaContext('EndedFn'))).resolves.toBe('req-7');
    await expect(handler({ detail: event.detail }, localLambdaContext('EndedFn'))).rejects.toMatchObject({ name: 'ParseError' });
  });
});
