import type { Cell } from '../../domain/cell.ts';
import { outlineCourse } from '../../domain/course-structure.ts';
import { ExhaustFailedError, InvalidTransitionError } from '../../domain/errors.ts';
import type { ExportRecordsRepository } from '../../domain/learner-ports.ts';
import type { Clock, PasswordSealer, RecordsRepository, ReportStore, RequestsRepository } from '../../domain/ports.ts';
import type { LearnerBundle } from '../../domain/records.ts';
import { isActive, type ReportRequest } from '../../domain/report-request.ts';
import { isOrgExport } from '../../domain/report-types.ts';
import { reportDefinition } from '../../reports/catalogue.ts';
import type { FileLayout } from '../../reports/columns.ts';
import type { BatchContext, ReportDefinition } from '../../reports/report-definition.ts';

/** Everything the writing steps may use; each step names the part it needs. */
export interface ExhaustDeps {
  records: RecordsRepository;
  requests: RequestsRepository;
  store: ReportStore;
  sealer: PasswordSealer;
  clock: Clock;
  /** The learner statistics records: read by org exports only. */
  learners?: ExportRecordsRepository | undefined;
}

/** One batch of one request, loaded and checked before any row is written. */
export interface ExhaustJob {
  request: ReportRequest & { courseId: string };
  definition: ReportDefinition;
  context: BatchContext;
}

/** The request, if it is still in flight. */
export async function activeRequest(requestId: string, deps: Pick<ExhaustDeps, 'requests'>): Promise<ReportRequest> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  return request;
}

export async function loadJob(
  requestId: string,
  batchId: string,
  deps: Pick<ExhaustDeps, 'records' | 'requests'>,
  known?: ReportRequest,
): Promise<ExhaustJob> {
  const found = known ?? (await activeRequest(requestId, deps));
  const { courseId, type } = found;
  if (courseId === undefined || isOrgExport(type))
    throw new ExhaustFailedError(`Report request ${requestId} is not a course report`);
  const request = { ...found, courseId };
  const course = await deps.records.getCourse(request.courseId);
  if (!course) throw new ExhaustFailedError(`Course ${request.courseId} no longer exists`);
  const batch = await deps.records.getBatch(request.courseId, batchId);
  if (!batch) throw new ExhaustFailedError(`Batch ${batchId} no longer exists`);
  const definition = reportDefinition(type);
  if (definition.needsSessions && !request.window) {
    throw new ExhaustFailedError(`Report request ${requestId} has no activity window`);
  }
  return { request, definition, context: { outline: outlineCourse(course), batch, window: request.window } };
}

/** How a job reads its learners: profiles and sessions only when its report needs them. */
export function learnerReads(job: ExhaustJob): { withProfiles: boolean; sessionsIn: ExhaustJob['context']['window'] } {
  return {
    withProfiles: job.definition.needsProfiles,
    sessionsIn: job.definition.needsSessions ? job.context.window : undefined,
  };
}

/** A report's rows for pages of learners: one batch of rows per page. */
export async function* exhaustRows(
  layout: FileLayout,
  org: string,
  pages: AsyncIterable<LearnerBundle[]> | Iterable<LearnerBundle[]>,
): AsyncIterable<Cell[][]> {
  for await (const page of pages) {
    const rows: Cell[][] = [];
    for (const learner of page) {
      // A profile of another organisation never reaches a file, whatever the records say.
      const own = learner.profile === undefined || learner.profile.org === org ? learner : { ...learner, profile: undefined };
      const learnerRows = layout.rows(own);
      for (let r = 0; r < learnerRows.length; r += 1) rows.push(learnerRows[r] as Cell[]);
    }
    yield rows;
  }
}
