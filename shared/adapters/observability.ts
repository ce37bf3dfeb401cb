import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer for the service (Powertools reads POWERTOOLS_* variables).
 * Log only ids and counts: passwords and learners' personal data never reach a log line.
 */
export const logger = new Logger({ serviceName: 'course-exhaust' });
export const metrics = new Metrics({ namespace: 'CourseExhaust', serviceName: 'course-exhaust' });
export const tracer = new Tracer({ serviceName: 'course-exhaust' });
