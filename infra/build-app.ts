import type { App } from 'aws-cdk-lib';
import { CourseExhaustStack } from './stack.ts';

export const STACK_NAME = 'CourseExhaust';

function requiredContext(app: App, key: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (typeof value !== 'string' || value === '') throw new Error(`Set the CDK context value ${key} (cdk.json or -c ${key}=...)`);
  return value;
}

function optionalEmail(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) throw new Error(`${key} must be an e-mail address`);
  return value;
}

/** The deployable app; the local runner and the infra tests build the very same stack. */
export function buildApp(app: App): CourseExhaustStack {
  return new CourseExhaustStack(app, STACK_NAME, {
    description: 'Course Exhaust: on-demand learner reports for course batches',
    jwtIssuer: requiredContext(app, 'courseExhaust:jwtIssuer'),
    jwtAudience: requiredContext(app, 'courseExhaust:jwtAudience').split(','),
    dashboardClientId: app.node.tryGetContext('courseExhaust:dashboardClientId'),
    retentionDays: Number(app.node.tryGetContext('courseExhaust:retentionDays') ?? 7),
    retainData: app.node.tryGetContext('courseExhaust:retainData') === 'true',
    learnersPerShard: Number(app.node.tryGetContext('courseExhaust:learnersPerShard') ?? 100_000),
    alarmEmail: optionalEmail(app, 'courseExhaust:alarmEmail'),
    mailFrom: optionalEmail(app, 'courseExhaust:mailFrom'),
  });
}
