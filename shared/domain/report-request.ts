import { createHash } from 'node:crypto';
import type { ActivityWindow } from './activity-window.ts';
import type { ExportFilters } from './org-exports.ts';
import type { ReportType } from './report-types.ts';
import type { ZipEncryption } from './zip-encryption.ts';

export type RequestStatus = 'SUBMITTED' | 'PROCESSING' | 'SUCCESS' | 'FAILED';
/** What a reader sees: a finished request whose files the bucket has expired reads as EXPIRED. */
export type VisibleStatus = RequestStatus | 'EXPIRED';
export type BatchState = 'PENDING' | 'SUCCESS' | 'FAILED';

export interface ReportFile {
  key: string;
  fileName: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface BatchProgress {
  status: BatchState;
  file?: ReportFile | undefined;
  error?: string | undefined;
  updatedAt: string;
}

export interface ReportRequest {
  id: string;
  org: string;
  type: ReportType;
  /** The course of a course-scoped report; absent on an org export. */
  courseId?: string | undefined;
  /** The batches of a course-scoped report; an org export has one part, `export`. */
  batchIds: string[];
  requestedBy: string;
  status: RequestStatus;
  dedupeKey: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string | undefined;
  batches: Record<string, BatchProgress>;
  error?: string | undefined;
  /** Ciphertext of the ZIP password; never plaintext, removed when the request ends. */
  sealedPassword?: string | undefined;
  /**
   * Where to say that the request ended (the requester's address, asked for with `notifyByEmail`):
   * personal data, so never in the execution input, a log or a read; removed when the request ends,
   * by the same write that ends it, which hands it to that step alone to send the one message.
   */
  notifyEmail?: string | undefined;
  /** How the ZIP is encrypted when there is a password (not secret); AES-256 when unset. */
  encryption?: ZipEncryption | undefined;
  /** The user activity report's window, resolved at request time (defaults filled in). */
  window?: ActivityWindow | undefined;
  /** An org export's filters, resolved at request time. Ids and dates only: no names or emails. */
  export?: ExportFilters | undefined;
  /** An org export's file name (without extension), as the requester asked. */
  fileName?: string | undefined;
  executionArn?: string | undefined;
}

/** Sunbird's own limit per request, kept so existing dashboards behave the same. */
export const MAX_BATCHES_PER_REQUEST = 20;
/** Sunbird trims errors to 300 characters; so do we, and never with a stack. */
export const MAX_ERROR_LENGTH = 300;

const ACTIVE: ReadonlySet<VisibleStatus> = new Set(['SUBMITTED', 'PROCESSING']);

export function isActive(status: VisibleStatus): boolean {
  return ACTIVE.has(status);
}

/**
 * What narrows a report beyond its batches, as the requester gave it: the user activity window's
 * bounds, each `null` when left to its default (so two requests for "the last month" are the same
 * request, whatever instant each was made at).
 */
export interface RequestFilters {
  from: string | null;
  to: string | null;
}

/**
 * Identical requests share this key: same org, type, course and set of batches (order-free), and
 * filters, asked by the same person. Dedupe is per requester, as in Sunbird: a mentor and the
 * creator may each have their own request in flight (each ZIP opens with its own requester's password).
 */
export function dedupeKey(
  org: string,
  type: ReportType,
  courseId: string,
  batchIds: readonly string[],
  requestedBy: string,
  filters?: RequestFilters,
): string {
  const batches = [...new Set(batchIds)].sort();
  // Without filters the key is what it always was, so locks taken before filters existed still match.
  const parts: unknown[] = [org, type, courseId, batches, requestedBy];
  if (filters) parts.push(filters);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * An org export's dedupe key: same org, type, requester and filters (the file name is not a
 * filter: the same rows under another name are the same request).
 */
export function exportDedupeKey(org: string, type: ReportType, requestedBy: string, filters: ExportFilters): string {
  return createHash('sha256')
    .update(JSON.stringify(['org-export', org, type, requestedBy, filters]))
    .digest('hex');
}

export function shortError(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim() || 'Report generation failed';
  return oneLine.length > MAX_ERROR_LENGTH ? `${oneLine.slice(0, MAX_ERROR_LENGTH - 1)}…` : oneLine;
}

/** A request's final status from its batches: SUCCESS only when every batch produced its file. */
export function outcomeOf(batches: Record<string, BatchProgress>): { status: 'SUCCESS' | 'FAILED'; error?: string } {
  const failed = Object.entries(batches).filter(([, progress]) => progress.status !== 'SUCCESS');
  if (failed.length === 0) return { status: 'SUCCESS' };
  const detail = failed.map(([batchId, progress]) => `${batchId}: ${progress.error ?? 'not produced'}`).join('; ');
  return { status: 'FAILED', error: shortError(`${failed.length} of ${Object.keys(batches).length} batches failed (${detail})`) };
}

/** Whether S3's lifecycle has removed an ended request's files (those of a FAILED one's good batches too). */
export function filesExpired(request: ReportRequest, now: Date, retentionDays: number): boolean {
  if (isActive(request.status)) return false;
  const expiresAt = new Date(request.completedAt ?? request.updatedAt).getTime() + retentionDays * 86_400_000;
  return now.getTime() >= expiresAt;
}

/** A SUBMITTED request whose workflow never started by then is dead (its API call crashed). */
export const START_GRACE_MS = 5 * 60 * 1000;
export const NEVER_STARTED_ERROR = 'The report workflow did not start';

export function neverStarted(request: ReportRequest, now: Date): boolean {
  return (
    request.status === 'SUBMITTED' &&
    request.executionArn === undefined &&
    now.getTime() - new Date(request.createdAt).getTime() > START_GRACE_MS
  );
}

/**
 * What a new request does about the dedupe lock another request holds (`holder` is that request,
 * undefined when its item is missing). The lock is written before its request, so a crash can leave
 * a lock whose request is missing, ended, or never started: such a lock is free, except that a
 * request may be missing only because its lock was taken a moment ago and it is being written now.
 */
export type HeldLockDecision =
  | { action: 'refuse'; existingRequestId: string }
  | { action: 'take-over' }
  /** The holder is SUBMITTED but its workflow never started: end it FAILED, then take over. */
  | { action: 'fail-holder-and-take-over'; holderId: string };

export function heldLockDecision(
  lock: { requestId: string; takenAt?: string | undefined },
  holder: ReportRequest | undefined,
  now: Date,
): HeldLockDecision {
  if (!holder) {
    const age = now.getTime() - new Date(lock.takenAt ?? 0).getTime();
    return age < START_GRACE_MS ? { action: 'refuse', existingRequestId: lock.requestId } : { action: 'take-over' };
  }
  if (!isActive(holder.status)) return { action: 'take-over' };
  if (neverStarted(holder, now)) return { action: 'fail-holder-and-take-over', holderId: holder.id };
  return { action: 'refuse', existingRequestId: holder.id };
}

/**
 * What a reader sees: EXPIRED once a successful request's files are gone, and FAILED for a request
 * that never started, even before anything has written that down.
 */
export function visibleStatus(request: ReportRequest, now: Date, retentionDays: number): VisibleStatus {
  if (neverStarted(request, now)) return 'FAILED';
  return request.status === 'SUCCESS' && filesExpired(request, now, retentionDays) ? 'EXPIRED' : request.status;
}

// Names built from ids live in file-names.ts; re-exported for the modules that import them from here.
export { downloadFileName, exportObjectKey, reportObjectKey, shardPartKey } from './file-names.ts';
