import type { JSONObject } from '@aws-lambda-powertools/commons/types';
import { search } from '@aws-lambda-powertools/jmespath';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer for the service (Powertools reads POWERTOOLS_* variables); the
 * handlers' wrapper (`functions/commons/wrap.ts`) wires them into every invocation.
 * Log only ids and counts: passwords and learners' personal data never reach a log line.
 */
export const logger = new Logger({
  serviceName: 'course-exhaust',
  // Reads the correlation id the handlers' wrapper points at (an event is always a JSON object).
  correlationIdSearchFn: (expression, data) => search(expression, data as JSONObject),
});

/** Most handlers record no metric of their own; a flush with nothing stored is normal, not a warning. */
const NOTHING_TO_PUBLISH = /^No application metrics to publish/;
const metricsDiagnostics = {
  debug: (message: unknown) => logger.debug(String(message)),
  info: (message: unknown) => logger.info(String(message)),
  error: (message: unknown) => logger.error(String(message)),
  warn: (message: unknown) =>
    (NOTHING_TO_PUBLISH.test(String(message)) ? logger.debug : logger.warn).call(logger, String(message)),
};

export const metrics = new Metrics({ namespace: 'CourseExhaust', serviceName: 'course-exhaust', logger: metricsDiagnostics });
export const tracer = new Tracer({ serviceName: 'course-exhaust' });
