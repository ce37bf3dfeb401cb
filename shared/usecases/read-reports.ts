import { z } from 'zod';
import type { ActivityWindow } from '../domain/activity-window.ts';
import { outlineCourse } from '../domain/course-structure.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import { exportBaseName } from '../domain/file-names.ts';
import type { ExportFilters } from '../domain/org-exports.ts';
import type { Clock, RecordsRepository, ReportStore, RequestsRepository } from '../domain/ports.ts';
import { type BatchRecord, type CourseRecord, Id } from '../domain/records.ts';
import {
  downloadFileName,
  filesExpired,
  NEVER_STARTED_ERROR,
  type ReportRequest,
  type VisibleStatus,
  visibleStatus,
} from '../domain/report-request.ts';
import { type Actor, isOrgExport, type ReportType } from '../domain/report-types.ts';
import type { ZipEncryption } from '../domain/zip-encryption.ts';
import { reportDefinition } from '../reports/catalogue.ts';

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
  /** Absent on an org export. */
  courseId?: string | undefined;
  /** An org export has one part, `export`. */
  batchIds: string[];
  status: VisibleStatus;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string | undefined;
  error?: string | undefined;
  /** How the files are encrypted; absent when they have no password. */
  encryption?: ZipEncryption | undefined;
  /** The user activity report's window, as resolved when it was requested. */
  window?: ActivityWindow | undefined;
  /** An org export's filters, as resolved when it was requested. */
  filters?: ExportFilters | undefined;
  fileName?: string | undefined;
  batches: BatchView[];
}

export interface ReadReportsDeps {
  requests: RequestsRepository;
  records: RecordsRepository;
  store: ReportStore;
  clock: Clock;
  retentionDays: number;
}

/** With a course: its requests (one batch's, with batchId). Without: the caller's own org exports. */
export const ListReportsQuery = z
  .strictObject({ courseId: Id.optional(), batchId: Id.optional() })
  .refine((q) => q.batchId === undefined || q.courseId !== undefined, { path: ['batchId'], message: 'needs a courseId' });

/** Request ids are UUIDs; checked before any read, so an id DynamoDB could not take as a key is a 400. */
export const ReportRequestId = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a report request id (letters, digits and -, at most 64)');

/** Requests looked at per list, of which those the caller may read are kept. */
const LIST_SCAN = 50;

/**
 * Who may see a request and its files: whoever asked for it, and anyone who may ask for the same
 * report on every one of its batches (creator of the course or batch, mentors where the report
 * allows). Caches course and batch reads across one call.
 */
class ReadAccess {
  private readonly courses = new Map<string, Promise<CourseRecord | undefined>>();
  private readonly batches = new Map<string, Promise<BatchRecord | undefined>>();

  constructor(
    private readonly actor: Actor,
    private readonly records: RecordsRepository,
    known?: CourseRecord,
  ) {
    if (known) this.courses.set(known.courseId, Promise.resolve(known));
  }

  async mayRead(request: ReportRequest): Promise<boolean> {
    if (request.org !== this.actor.org) return false;
    if (request.requestedBy === this.actor.userId) return true;
    // An org export holds what its requester may see, which may be more than anyone else may: theirs alone.
    const { courseId, type } = request;
    if (isOrgExport(type) || courseId === undefined) return false;
    const course = await this.course(courseId);
    if (!course) return false;
    const outline = outlineCourse(course);
    const definition = reportDefinition(type);
    for (const batchId of request.batchIds) {
      const batch = await this.batch(courseId, batchId);
      if (!batch || !definition.mayRequest(this.actor, { outline, batch })) return false;
    }
    return true;
  }

  private course(courseId: string) {
    if (!this.courses.has(courseId)) this.courses.set(courseId, this.records.getCourse(courseId));
    return this.courses.get(courseId) as Promise<CourseRecord | undefined>;
  }

  private batch(courseId: string, batchId: string) {
    const key = `${courseId}/${batchId}`;
    if (!this.batches.has(key)) this.batches.set(key, this.records.getBatch(courseId, batchId));
    return this.batches.get(key) as Promise<BatchRecord | undefined>;
  }
}

/** One request, with fresh download links for finished files, if the caller may see it. */
export async function getReport(id: string, actor: Actor, deps: ReadReportsDeps): Promise<ReportView> {
  const request = await deps.requests.get(id);
  if (!request || request.org !== actor.org) throw new NotFoundError(`Report request ${id} not found`);
  if (!(await new ReadAccess(actor, deps.records).mayRead(request))) {
    throw new ForbiddenError(`You may not see report request ${id}`);
  }
  return toView(request, deps);
}

/** The last ten requests for a course (optionally one batch of it) the caller may see, newest first. */
export async function listReports(
  query: z.infer<typeof ListReportsQuery>,
  actor: Actor,
  deps: ReadReportsDeps,
): Promise<ReportView[]> {
  const { courseId } = query;
  if (courseId === undefined) {
    const exports = await deps.requests.listOrgExports({ org: actor.org, requestedBy: actor.userId, limit: LIST_LIMIT });
    return Promise.all(exports.map((request) => toView(request, deps)));
  }
  // As POST does: a course of another organisation is not found, not an empty list.
  const course = await deps.records.getCourse(courseId);
  if (!course || course.org !== actor.org) throw new NotFoundError(`Course ${courseId} not found`);
  const requests = await deps.requests.listForCourse({
    org: actor.org,
    courseId,
    batchId: query.batchId,
    limit: LIST_SCAN,
  });
  const access = new ReadAccess(actor, deps.records, course);
  const visible: ReportRequest[] = [];
  for (const request of requests) {
    if (visible.length === LIST_LIMIT) break;
    if (await access.mayRead(request)) visible.push(request);
  }
  return Promise.all(visible.map((request) => toView(request, deps)));
}

async function toView(request: ReportRequest, deps: ReadReportsDeps): Promise<ReportView> {
  const now = deps.clock.now();
  const status = visibleStatus(request, now, deps.retentionDays);
  const expired = filesExpired(request, now, deps.retentionDays);
  const expiresAt = new Date(now.getTime() + LINK_EXPIRY_SECONDS * 1000).toISOString();
  const batches = await Promise.all(
    request.batchIds.map(async (batchId): Promise<BatchView> => {
      const progress = request.batches[batchId];
      const view: BatchView = { batchId, status: progress?.status ?? 'PENDING', error: progress?.error };
      const file = progress?.file;
      // Files of batches that did succeed stay downloadable even when a sibling batch failed.
      if (file && !expired) {
        const fileName = isOrgExport(request.type)
          ? `${exportBaseName(request)}.zip`
          : downloadFileName(batchId, request.type, new Date(request.createdAt));
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
    encryption: request.encryption,
    window: request.window,
    ...(request.export === undefined ? {} : { filters: request.export, fileName: request.fileName }),
    error: request.error ?? (status === 'FAILED' && request.status === 'SUBMITTED' ? NEVER_STARTED_ERROR : undefined),
    batches,
  };
}
