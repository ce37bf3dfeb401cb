import { z } from 'zod';
import { NotFoundError } from '../domain/errors.ts';
import type { Clock, ReportStore, RequestsRepository } from '../domain/ports.ts';
import { Id } from '../domain/records.ts';
import { downloadFileName, type ReportRequest, type VisibleStatus, visibleStatus } from '../domain/report-request.ts';
import type { Actor, ReportType } from '../reports/report-definition.ts';

/** Sunbird re-signs links on every read with a 30-minute expiry; so do we. */
export const LINK_EXPIRY_SECONDS = 30 * 60;
export const LIST_LIMIT = 10;

export interface BatchView {
  batchId: string;
  status: string;
  error?: string | undefined;
  file?: {
    fileName: string;
    rows: number;
    bytes: number;
    sha256: string;
    url: string;
    expiresAt: string;
  };
}

export interface ReportView {
  id: string;
  type: ReportType;
  courseId: string;
  batchIds: string[];
  status: VisibleStatus;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string | undefined;
  error?: string | undefined;
  batches: BatchView[];
}

export interface ReadReportsDeps {
  requests: RequestsRepository;
  store: ReportStore;
  clock: Clock;
  retentionDays: number;
}

export const ListReportsQuery = z.strictObject({ courseId: Id, batchId: Id.optional() });

/** One request as its requester's org sees it, with fresh download links for finished files. */
export async function getReport(id: string, actor: Actor, deps: ReadReportsDeps): Promise<ReportView> {
  const request = await deps.requests.get(id);
  if (!request || request.org !== actor.org) throw new NotFoundError(`Report request ${id} not found`);
  return toView(request, deps);
}

/** The last ten requests for a course (optionally one batch of it), newest first. */
export async function listReports(
  query: z.infer<typeof ListReportsQuery>,
  actor: Actor,
  deps: ReadReportsDeps,
): Promise<ReportView[]> {
  const requests = await deps.requests.listForCourse({
    org: actor.org,
    courseId: query.courseId,
    batchId: query.batchId,
    limit: LIST_LIMIT,
  });
  return Promise.all(requests.map((request) => toView(request, deps)));
}

async function toView(request: ReportRequest, deps: ReadReportsDeps): Promise<ReportView> {
  const now = deps.clock.now();
  const status = visibleStatus(request, now, deps.retentionDays);
  const expiresAt = new Date(now.getTime() + LINK_EXPIRY_SECONDS * 1000).toISOString();
  const batches = await Promise.all(
    request.batchIds.map(async (batchId): Promise<BatchView> => {
      const progress = request.batches[batchId];
      const view: BatchView = { batchId, status: progress?.status ?? 'PENDING', error: progress?.error };
      const file = progress?.file;
      // Files of batches that did succeed stay downloadable even when a sibling batch failed.
      if (file && status !== 'EXPIRED') {
        const fileName = downloadFileName(batchId, request.type, new Date(request.createdAt));
        view.file = {
          fileName,
          rows: file.rows,
          bytes: file.bytes,
          sha256: file.sha256,
          url: await deps.store.downloadLink(file.key, fileName, LINK_EXPIRY_SECONDS),
          expiresAt,
        };
      }
      return view;
    }),
  );
  return {
    id: request.id,
    type: request.type,
    courseId: request.courseId,
    batchIds: request.batchIds,
    status,
    requestedBy: request.requestedBy,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    completedAt: request.completedAt,
    error: request.error,
    batches,
  };
}
