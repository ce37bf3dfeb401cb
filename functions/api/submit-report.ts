import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { mailConfigured } from '#shared/adapters/notifiers';
import { logger, metrics } from '#shared/adapters/observability';
import { passwordSealerFromEnv } from '#shared/adapters/password-sealers';
import { SfnWorkflowStarter } from '#shared/adapters/sfn-workflow-starter';
import { requireEnv } from '#shared/config';
import { SubmitReportBody, submitReport } from '#shared/usecases/submit-report';
import { clock, recordsFromEnv, requestsFromEnv } from '../commons/adapters-from-env.ts';
import { apiHandler, json, jsonBody, parseWith } from '../commons/http.ts';
import { learnersFromEnv } from './learner-deps.ts';

const deps = {
  records: recordsFromEnv(),
  requests: requestsFromEnv(),
  workflow: new SfnWorkflowStarter(requireEnv('STATE_MACHINE_ARN')),
  sealer: passwordSealerFromEnv(),
  clock,
  mailEnabled: mailConfigured(),
  learners: learnersFromEnv(),
};

/** POST /v1/reports — record a report request and start its workflow (202). */
export const handler = apiHandler(async (event, actor) => {
  const input = parseWith(SubmitReportBody, jsonBody(event), 'body');
  const request = await submitReport(input, actor, deps);
  logger.info('Report requested', { reportRequestId: request.id, type: request.type, batches: request.batchIds.length });
  metrics.addDimension('ReportType', request.type);
  metrics.addMetric('ReportRequested', MetricUnit.Count, 1);
  return json(202, {
    request: {
      id: request.id,
      type: request.type,
      courseId: request.courseId,
      batchIds: request.batchIds,
      status: request.status,
      createdAt: request.createdAt,
      ...(request.export === undefined ? {} : { filters: request.export, fileName: request.fileName }),
    },
  });
});
