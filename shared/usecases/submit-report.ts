import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { activityWindow } from '../course-reports/window.ts';
import { outlineCourse } from '../domain/course-structure.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { ExportRecordsRepository } from '../domain/learner-ports.ts';
import type { Clock, PasswordSealer, RecordsRepository, RequestsRepository, WorkflowStarter } from '../domain/ports.ts';
import { type BatchRecord, Id } from '../domain/records.ts';
import { dedupeKey, MAX_BATCHES_PER_REQUEST, type ReportRequest, type RequestFilters } from '../domain/report-request.ts';
import { type Actor, isOrgExport, ReportTypes } from '../domain/report-types.ts';
import { DEFAULT_ZIP_ENCRYPTION, ZipEncryptions } from '../domain/zip-encryption.ts';
import { reportDefinition } from '../reports/catalogue.ts';
import { recordAndStart, takeLock } from './request-lifecycle.ts';
import { ExportFileName, ExportFiltersBody, submitExport } from './submit-export.ts';

export { LOCK_TTL_MS } from './request-lifecycle.ts';

export const ZipPassword = z
  .string()
  .min(6, 'must be at least 6 characters')
  .max(128)
  // A control character cannot be typed into 7-Zip's or WinZip's password box: the ZIP would not open.
  .regex(/^\P{Cc}*$/u, 'must not contain control characters')
  .regex(/[A-Za-z]/, 'must contain a letter')
  .regex(/[0-9]/, 'must contain a digit');

export const SubmitReportBody = z
  .strictObject({
    type: z.enum(ReportTypes),
    /** A course-scoped report's course and batches; an org export names neither. */
    courseId: Id.optional(),
    batchIds: z
      .array(Id)
      .min(1, 'name at least one batch')
      .max(MAX_BATCHES_PER_REQUEST, `Number of batches in request exceeded (at most ${MAX_BATCHES_PER_REQUEST})`)
      .optional(),
    password: ZipPassword.optional(),
    /** With a password: AES-256 (default) or the weak but widely readable ZipCrypto. */
    encryption: z.enum(ZipEncryptions).optional(),
    /** Tell the requester by e-mail when the report ends (SUCCESS or FAILED), at their token's address. */
    notifyByEmail: z.boolean().optional(),
    /**
     * The user activity report's window (ISO-8601 with a zone), as in the sync API: `to` defaults
     * to the request time, `from` to a month before `to`. Other reports take no window.
     */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** An org export's filters (groups, users, date range, program sessions, custom fields). */
    filters: ExportFiltersBody.optional(),
    /** An org export's file name, without extension; `{type}_{yyyymmdd}` when absent. */
    fileName: ExportFileName.optional(),
    /** The one user of a user-general-stats export. */
    userId: Id.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.encryption !== undefined && body.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['encryption'], message: 'needs a password: a ZIP without one is not encrypted' });
    }
    if (body.type === 'user-general-stats') {
      if (body.userId === undefined)
        ctx.addIssue({ code: 'custom', path: ['userId'], message: 'is required for user-general-stats' });
      if (body.filters?.userIds !== undefined || body.filters?.groupIds !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['filters'],
          message: 'user-general-stats names its one user in userId, not in filters',
        });
      }
    } else if (body.userId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: `is only for user-general-stats, not ${body.type}` });
    }
    if (isOrgExport(body.type)) {
      for (const field of ['courseId', 'batchIds', 'from', 'to'] as const) {
        if (body[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `is not for an org export (${body.type}); ${field === 'from' || field === 'to' ? 'give the dates in filters' : 'it covers the organisation'}`,
          });
        }
      }
      return;
    }
    for (const field of ['filters', 'fileName'] as const) {
      if (body[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is only for an org export, not ${body.type}` });
      }
    }
    if (body.courseId === undefined) ctx.addIssue({ code: 'custom', path: ['courseId'], message: 'is required' });
    if (body.batchIds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['batchIds'], message: 'is required' });
      return;
    }
    const batchIdList = body.batchIds;
    const repeated = [...new Set(batchIdList.filter((id, index) => batchIdList.indexOf(id) !== index))];
    if (repeated.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['batchIds'], message: `names a batch more than once: ${repeated.join(', ')}` });
    }
    if (reportDefinition(body.type).passwordRequired && body.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: `is required for a ${body.type} report` });
    }
    if (!reportDefinition(body.type).needsSessions) {
      for (const bound of ['from', 'to'] as const) {
        if (body[bound] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [bound], message: `is only for a user-activity report, not ${body.type}` });
        }
      }
    }
  });
export type SubmitReportInput = z.infer<typeof SubmitReportBody>;

export interface SubmitReportDeps {
  records: RecordsRepository;
  requests: RequestsRepository;
  workflow: WorkflowStarter;
  sealer: PasswordSealer;
  clock: Clock;
  newId?: () => string;
  /** Whether this deployment sends e-mail (a sender is configured); without one `notifyByEmail` is refused. */
  mailEnabled?: boolean | undefined;
  /** The learner statistics records: needed by org exports only. */
  learners?: ExportRecordsRepository | undefined;
}

/**
 * Records a report request and starts its workflow. Everything that can refuse the request
 * (unknown course or batch, access, a duplicate in flight) is checked before anything is written.
 */
export async function submitReport(input: SubmitReportInput, actor: Actor, deps: SubmitReportDeps): Promise<ReportRequest> {
  const { type, courseId } = input;
  if (isOrgExport(type)) {
    const notifyEmail = input.notifyByEmail ? recipientOf(actor, deps) : undefined;
    return submitExport({ ...input, type, notifyEmail }, actor, deps);
  }
  // The schema requires both for a course-scoped type; checked again for callers that skip it.
  if (courseId === undefined || input.batchIds === undefined) {
    throw new ValidationError('A course report names a course and its batches', [{ path: 'courseId', message: 'is required' }]);
  }
  const definition = reportDefinition(type);
  const batchIds = [...new Set(input.batchIds)];
  const notifyEmail = input.notifyByEmail ? recipientOf(actor, deps) : undefined;
  const now = deps.clock.now();
  // Resolved now, so the file says which window it covers however long the workflow takes.
  const window = definition.needsSessions ? activityWindow(input, now) : undefined;

  const course = await deps.records.getCourse(courseId);
  if (!course || course.org !== actor.org) throw new NotFoundError(`Course ${courseId} not found`);
  const outline = outlineCourse(course);

  const batches: BatchRecord[] = [];
  for (const batchId of batchIds) {
    const batch = await deps.records.getBatch(course.courseId, batchId);
    if (!batch || batch.org !== actor.org) {
      throw new NotFoundError(`Batch ${batchId} not found in course ${course.courseId}`);
    }
    batches.push(batch);
  }
  for (const batch of batches) {
    if (!definition.mayRequest(actor, { outline, batch })) {
      throw new ForbiddenError(`You may not request a ${definition.type} report for batch ${batch.batchId}`);
    }
  }

  const id = (deps.newId ?? randomUUID)();
  const key = dedupeKey(actor.org, type, course.courseId, batchIds, actor.userId, window && filtersOf(input));
  // Sealed before the lock is taken: a KMS failure then leaves no lock behind.
  const sealedPassword = input.password === undefined ? undefined : await deps.sealer.seal(input.password, id);
  await takeLock(key, id, now, deps);

  const request: ReportRequest = {
    id,
    org: actor.org,
    type,
    courseId: course.courseId,
    batchIds,
    requestedBy: actor.userId,
    status: 'SUBMITTED',
    dedupeKey: key,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    batches: Object.fromEntries(batchIds.map((b) => [b, { status: 'PENDING', updatedAt: now.toISOString() }])),
    sealedPassword,
    ...(sealedPassword === undefined ? {} : { encryption: input.encryption ?? DEFAULT_ZIP_ENCRYPTION }),
    ...(window === undefined ? {} : { window }),
    ...(notifyEmail === undefined ? {} : { notifyEmail }),
  };
  return recordAndStart(request, deps);
}

/**
 * Where the "report ended" message goes: the address the caller's token carries (the `email`
 * claim of a Cognito ID token), never one from the body, so a request cannot mail a stranger.
 */
function recipientOf(actor: Actor, deps: SubmitReportDeps): string {
  if (!deps.mailEnabled) {
    throw new ValidationError('This service is not set up to send e-mail; ask without notifyByEmail', [
      { path: 'notifyByEmail', message: 'e-mail is not configured on this service' },
    ]);
  }
  if (!actor.email) {
    throw new ValidationError('Your sign-in carries no verified e-mail address to tell you at', [
      { path: 'notifyByEmail', message: 'no verified e-mail address in your token (email claim)' },
    ]);
  }
  return actor.email;
}

/** The window as asked (bounds normalised to UTC), so a defaulted bound dedupes whatever the time. */
function filtersOf(input: Pick<SubmitReportInput, 'from' | 'to'>): RequestFilters {
  const utc = (bound: string | undefined) => (bound === undefined ? null : new Date(bound).toISOString());
  return { from: utc(input.from), to: utc(input.to) };
}
