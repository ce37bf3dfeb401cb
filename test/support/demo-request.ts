import { dedupeKey, type ReportRequest } from '#shared/domain/report-request';
import { DEMO } from '../../infra/local/demo-data.ts';

/**
 * A SUBMITTED request by the demo course's creator for its live batch, as the submit use case
 * would store it, for tests that drive the workflow steps directly. Its dedupe key is its own.
 */
export function demoRequest(
  id: string,
  type: ReportRequest['type'],
  at: Date,
  extra: Partial<ReportRequest> = {},
): ReportRequest {
  return {
    id,
    org: DEMO.org,
    type,
    courseId: DEMO.courseId,
    batchIds: [DEMO.batches.live],
    requestedBy: DEMO.creator,
    status: 'SUBMITTED',
    dedupeKey: dedupeKey(DEMO.org, type, DEMO.courseId, [id], DEMO.creator),
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    batches: {},
    ...extra,
  };
}
