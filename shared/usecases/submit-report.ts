import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { activityWindow } from '../course-reports/window.ts';
import { outlineCourse } from '../domain/course-structure.ts';
import { DuplicateRequestError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Clock, PasswordSealer, RecordsRepository, RequestsRepository, WorkflowStarter } from '../domain/ports.ts';
import { type BatchRecord, Id } from '../domain/records.ts';
import {
  dedupeKey,
  heldLockDecision,
  MAX_BATCHES_PER_REQUEST,
  NEVER_STARTED_ERROR,
  type ReportRequest,
  type RequestFilters,
} from '../domain/report-request.ts';
import { type Actor, ReportTypes } from '../domain/report-types.ts';
import { DEFAULT_ZIP_ENCRYPTION, ZipEncryptions } from '../domain/zip-encryption.ts';
import { reportDefinition } from '../reports/catalogue.ts';

/** Longest a request may hold its dedupe lock: the workflow's own timeout. */
export const LOCK_TTL_MS = 2 * 60 * 60 * 1000;

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
    courseId: Id,
    batchIds: z
      .array(Id)
      .min(1, 'name at least one batch')
      .max(MAX_BATCHES_PER_REQUEST, `Number of batches in request exceeded (at most ${MAX_BATCHES_PER_REQUEST})`),
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
  })
  .superRefine((body, ctx) => {
    if (body.encryption !== undefined && body.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['encryption'], message: 'needs a password: a ZIP without one is not encrypted' });
    }
    const repeated = [...new Set(body.batchIds.filter((id, index) => body.batchIds.indexOf(id) !== index))];
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
}

/**
 * Records a report request and starts its workflow. Everything that can refuse the request
 * (unknown course or batch, access, a duplicate in flight) is checked before anything is written.
 */
export async function submitReport(input: SubmitReportInput, actor: Actor, deps: SubmitReportDeps): Promise<ReportRequest> {
  const definition = reportDefinition(input.type);
  const batchIds = [...new Set(input.batchIds)];
  const notifyEmail = input.notifyByEmail ? recipientOf(actor, deps) : undefined;
  const now = deps.clock.now();
  // Resolved now, so the file says which window it covers however long the workflow takes.
  const window = definition.needsSessions ? activityWindow(input, now) : undefined;

  const course = await deps.records.getCourse(input.courseId);
  if (!course || course.org !== actor.org) throw new NotFoundError(`Course ${input.courseId} not found`);
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
  const key = dedupeKey(actor.org, input.type, course.courseId, batchIds, actor.userId, window && filtersOf(input));
  // Sealed before the lock is taken: a KMS failure then leaves no lock behind.
  const sealedPassword = input.password === undefined ? undefined : await deps.sealer.seal(input.password, id);
  await takeLock(key, id, now, deps);

  const request: ReportRequest = {
    id,
    org: actor.org,
    type: input.type,
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
  try {
    await deps.requests.create(request);
    // Belt and braces: if this call stalled so long that its lock was taken over, the newer
    // request runs and this one stops here.
    const lock = await deps.requests.getLock(key);
    if (lock?.requestId !== id) {
      await deps.requests.finish(id, 'FAILED', 'Superseded by an identical request', deps.clock.now());
      throw new DuplicateRequestError(lock?.requestId ?? id);
    }
    const executionArn = await deps.workflow.start(id);
    await deps.requests.setExecution(id, executionArn, deps.clock.now());
    return { ...request, executionArn };
  } catch (error) {
    if (error instanceof DuplicateRequestError) throw error;
    // Nothing may stay stuck: a request that could not start ends FAILED and frees its lock.
    await deps.requests.finish(id, 'FAILED', 'The report workflow could not be started', deps.clock.now()).catch(() => false);
    await deps.requests.releaseLock(key, id).catch(() => undefined);
    throw error;
  }
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

async function takeLock(key: string, requestId: string, now: Date, deps: SubmitReportDeps): Promise<void> {
  const lock = {
    dedupeKey: key,
    requestId,
    takenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + LOCK_TTL_MS).toISOString(),
  };
  const first = await deps.requests.acquireLock(lock, now);
  if (first.acquired) return;

  const decision = heldLockDecision(first.holder, await deps.requests.get(first.holder.requestId), now);
  if (decision.action === 'refuse') throw new DuplicateRequestError(decision.existingRequestId);
  if (decision.action === 'fail-holder-and-take-over') {
    await deps.requests.finish(decision.holderId, 'FAILED', NEVER_STARTED_ERROR, now);
  }
  if (!(await deps.requests.replaceLock(lock, first.holder.requestId))) {
    const winner = await deps.requests.acquireLock(lock, now);
    if (!winner.acquired) throw new DuplicateRequestError(winner.holder.requestId);
  }
}
