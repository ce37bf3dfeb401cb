import { exportBaseName, exportObjectKey, zipEntryName } from '../../domain/file-names.ts';
import type { ReportRequest } from '../../domain/report-request.ts';
import { reportObjectKey } from '../../domain/report-request.ts';
import { isOrgExport } from '../../domain/report-types.ts';
import { readAhead } from '../../report-files/read-ahead.ts';
import type { CsvSpec } from '../../report-files/write-exhaust.ts';
import { activeRequest, type ExhaustDeps, exhaustRows, learnerReads, loadJob } from './exhaust-job.ts';
import { loadOrgExport, orgExportRows } from './org-export-job.ts';

/**
 * One part of a request as the writing steps see it, whatever the report: a course report's batch
 * (its learners) or an org export's one part (its users). WriteShard and AssembleBatch stream
 * `csv(buckets)` the same way for both; only where the rows come from differs.
 */
export interface PartSource {
  request: ReportRequest;
  /** Where the part's ZIP goes, and the CSV's name inside it. */
  objectKey: string;
  entryName: string;
  header: string[];
  /** Header, id columns and rows of the given buckets (all when undefined). */
  csv(buckets?: readonly number[]): CsvSpec;
}

export async function openPart(
  requestId: string,
  partId: string,
  deps: Pick<ExhaustDeps, 'records' | 'requests' | 'learners'>,
): Promise<PartSource> {
  const request = await activeRequest(requestId, deps);
  if (isOrgExport(request.type)) {
    const job = await loadOrgExport(request, deps.learners);
    return {
      header: orgExportRows(job).header,
      request,
      objectKey: exportObjectKey(request),
      entryName: `${exportBaseName(request)}.csv`,
      csv: (buckets) => orgExportRows(job, buckets),
    };
  }
  const job = await loadJob(requestId, partId, deps, request);
  const { definition, context } = job;
  const layout = definition.layout(context);
  return {
    header: layout.header,
    request,
    objectKey: reportObjectKey(job.request, partId),
    entryName: zipEntryName(partId, request.type, job.request.courseId),
    csv: (buckets) => ({
      header: layout.header,
      idColumns: layout.idColumns,
      rowBatches: exhaustRows(
        layout,
        context.batch.org,
        readAhead(deps.records.learnerPages(job.request.courseId, partId, { ...learnerReads(job), buckets })),
      ),
    }),
  };
}
