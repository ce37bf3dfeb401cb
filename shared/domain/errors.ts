/**
 * Typed domain errors. Use cases throw these; one mapper turns them into HTTP responses, and the
 * workflow's MarkFailed step turns their message into the request's error. Messages must therefore
 * be safe to show a caller: never PII, never a password, never a stack.
 */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** Bad input: maps to 400 with the offending fields. */
export class ValidationError extends DomainError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}

/** Something named by the caller does not exist (or is not visible to them): 404. */
export class NotFoundError extends DomainError {}

/** The caller is known but may not do this: 403. */
export class ForbiddenError extends DomainError {}

/** An identical request is still in flight: 409 naming it. */
export class DuplicateRequestError extends DomainError {
  readonly existingRequestId: string;
  constructor(existingRequestId: string) {
    super(`An identical report request is already in progress: ${existingRequestId}`);
    this.existingRequestId = existingRequestId;
  }
}

/** A state change the request's lifecycle does not allow. */
export class InvalidTransitionError extends DomainError {}

/** Something the workflow depends on is broken or missing; ends the request FAILED. */
export class ExhaustFailedError extends DomainError {}
