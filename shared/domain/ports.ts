import type { Readable } from 'node:stream';
import type { ActivityWindow } from './activity-window.ts';
import type { BatchRecord, CourseRecord, LearnerBundle, LearningRecord, UserRecord } from './records.ts';
import type { BatchProgress, ReportRequest, RequestStatus } from './report-request.ts';

/**
 * The ports use cases depend on. Adapters in shared/adapters implement them against DynamoDB,
 * S3, Step Functions and KMS; tests may pass their own.
 */

export interface RecordsRepository {
  getCourse(courseId: string): Promise<CourseRecord | undefined>;
  getBatch(courseId: string, batchId: string): Promise<BatchRecord | undefined>;
  /**
   * Learners of a batch in user id order, a page at a time (each learner whole within one page):
   * per-page, not per-learner, hand-offs keep the hot path free of per-row async overhead.
   * `sessionsIn`: also each learner's activity sessions that overlap this window (user activity).
   */
  learnerPages(courseId: string, batchId: string, options: LearnerPagesOptions): AsyncIterable<LearnerBundle[]>;
  /** Enrolments in the given buckets of a batch (a count, read server-side). */
  countEnrolments(courseId: string, batchId: string, buckets: readonly number[]): Promise<number>;
  getUsers(userIds: string[]): Promise<Map<string, UserRecord>>;
  putRecords(records: LearningRecord[]): Promise<void>;
}

export interface LearnerPagesOptions {
  withProfiles: boolean;
  buckets?: readonly number[] | undefined;
  sessionsIn?: ActivityWindow | undefined;
}

export interface RequestLock {
  dedupeKey: string;
  requestId: string;
  /** When it was taken: until the request item is written, a young lock is still busy. */
  takenAt: string;
  expiresAt: string;
}

export interface ListRequestsQuery {
  org: string;
  courseId: string;
  batchId?: string | undefined;
  limit: number;
}

export interface RequestsRepository {
  /** Takes the lock if free or expired; otherwise returns who holds it. */
  acquireLock(lock: RequestLock, now: Date): Promise<{ acquired: true } | { acquired: false; holder: RequestLock }>;
  /** Takes over a lock from a holder known to be finished or gone; false if someone else got it first. */
  replaceLock(lock: RequestLock, staleRequestId: string): Promise<boolean>;
  releaseLock(dedupeKey: string, requestId: string): Promise<void>;
  getLock(dedupeKey: string): Promise<RequestLock | undefined>;
  create(request: ReportRequest): Promise<void>;
  get(id: string): Promise<ReportRequest | undefined>;
  setExecution(id: string, executionArn: string, now: Date): Promise<void>;
  /** Moves SUBMITTED/PROCESSING to PROCESSING and resets the batches' progress. */
  markProcessing(id: string, now: Date): Promise<ReportRequest>;
  recordBatch(id: string, batchId: string, progress: BatchProgress): Promise<void>;
  /**
   * Ends an active request and drops its sealed password and notification address. Returns the
   * request as it was just before (address included), or undefined if it had already ended: only
   * the one call that ended it gets the address, so the requester is told once.
   */
  finish(
    id: string,
    status: Extract<RequestStatus, 'SUCCESS' | 'FAILED'>,
    error: string | undefined,
    now: Date,
  ): Promise<ReportRequest | undefined>;
  listForCourse(query: ListRequestsQuery): Promise<ReportRequest[]>;
  /** An org's exports asked by one requester, newest first. */
  listOrgExports(query: { org: string; requestedBy: string; limit: number }): Promise<ReportRequest[]>;
  /** Ids of every request still SUBMITTED or PROCESSING. */
  listActiveIds(): Promise<string[]>;
}

export interface ReportStore {
  /** Streams a body to the key; resolves once it is stored whole. */
  upload(key: string, body: Readable, contentType: string): Promise<void>;
  /** Reads a stored object back as a stream. */
  openRead(key: string): Promise<Readable>;
  /** Deletes objects; missing ones are not an error. */
  remove(keys: string[]): Promise<void>;
  /** A short-lived GET link that downloads under `fileName`. */
  downloadLink(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
}

export interface WorkflowStarter {
  /** Starts the exhaust workflow for a request; the input carries the request id and nothing else. */
  start(requestId: string): Promise<string>;
}

/** What Step Functions says of an execution; MISSING when it has no such execution. */
export type ExecutionState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE' | 'MISSING';

export interface ExecutionStatusReader {
  stateOf(executionArn: string): Promise<ExecutionState>;
}

export interface PasswordSealer {
  seal(password: string, requestId: string): Promise<string>;
  open(sealed: string, requestId: string): Promise<string>;
}

/** One message to a requester; `requestId` is for logs (the address never is). */
export interface Notice {
  requestId: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends notices to requesters: SES on AWS, an outbox folder locally. Throws when it could not. */
export interface Notifier {
  send(notice: Notice): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
