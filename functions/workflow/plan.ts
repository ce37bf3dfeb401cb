import { z } from 'zod';
import { logger } from '#shared/adapters/observability';
import { planExhaust } from '#shared/usecases/run-exhaust';
import { clock, requestsFromEnv } from './deps.ts';

const requests = requestsFromEnv();
const Input = z.object({ requestId: z.string().min(1) });

/** Workflow step Plan: mark the request PROCESSING and list its batches for the Map. */
export const handler = async (event: unknown) => {
  const input = Input.parse(event);
  logger.info('Planning exhaust', { reportRequestId: input.requestId });
  return planExhaust(input, { requests, clock });
};
