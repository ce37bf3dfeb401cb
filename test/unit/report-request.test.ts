import { describe, expect, it } from 'vitest';
import { requesterMessage } from '#shared/domain/failure-message';
import {
  dedupeKey,
  downloadFileName,
  filesExpired,
  isActive,
  outcomeOf,
  type ReportRequest,
  shortError,
  visibleStatus,
} from '#shared/domain/report-request';

describe('report request lifecycle', () => {
  it('counts SUBMITTED and PROCESSING as in flight, SUCCESS and FAILED as ended', () => {
    expect(isActive('SUBMITTED') && isActive('PROCESSING')).toBe(true);
    expect(isActive('SUCCESS') || isActive('FAILED')).toBe(false);
  });

  it('gives identical requests one dedupe key whatever the batch order, and others a different one', () => {
    const key = dedupeKey('org', 'course-progress', 'c1', ['b2', 'b1'], 'u1');
    expect(dedupeKey('org', 'course-progress', 'c1', ['b1', 'b2', 'b1'], 'u1')).toBe(key);
    expect(dedupeKey('org', 'user-profile', 'c1', ['b1', 'b2'], 'u1')).not.toBe(key);
    expect(dedupeKey('org2', 'course-progress', 'c1', ['b1', 'b2'], 'u1')).not.toBe(key);
    expect(dedupeKey('org', 'course-progress', 'c1', ['b1'], 'u1')).not.toBe(key);
    // Per requester: a mentor's identical request is not the creator's.
    expect(dedupeKey('org', 'course-progress', 'c1', ['b1', 'b2'], 'u2')).not.toBe(key);
  });

  it('keeps the user activity window in the dedupe key as asked, a defaulted bound as null', () => {
    const lastMonth = dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1', { from: null, to: null });
    const january = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
    expect(dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1', { from: null, to: null })).toBe(lastMonth);
    expect(dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1', january)).not.toBe(lastMonth);
    expect(dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1', { ...january, to: null })).not.toBe(
      dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1', january),
    );
    // Reports without filters keep the key they always had.
    expect(dedupeKey('org', 'user-activity', 'c1', ['b1'], 'u1')).not.toBe(lastMonth);
  });

  it('succeeds only when every batch produced its file, naming the failed ones otherwise', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(outcomeOf({ b1: { status: 'SUCCESS', updatedAt: at } }).status).toBe('SUCCESS');
    const failed = outcomeOf({
      b1: { status: 'SUCCESS', updatedAt: at },
      b2: { status: 'FAILED', error: 'boom', updatedAt: at },
    });
    expect(failed).toEqual({ status: 'FAILED', error: '1 of 2 batches failed (b2: boom)' });
  });

  it('keeps errors short and on one line', () => {
    const message = shortError(`a\n${'x'.repeat(400)}`);
    expect(message.length).toBe(300);
    expect(message).not.toContain('\n');
  });

  it('reads a finished request as EXPIRED once its files are past retention', () => {
    const request = {
      status: 'SUCCESS',
      completedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    } as ReportRequest;
    expect(visibleStatus(request, new Date('2026-01-07T23:00:00Z'), 7)).toBe('SUCCESS');
    expect(visibleStatus(request, new Date('2026-01-08T00:00:01Z'), 7)).toBe('EXPIRED');
    const failed = { ...request, status: 'FAILED' } as ReportRequest;
    expect(visibleStatus(failed, new Date('2026-01-08T00:00:01Z'), 7)).toBe('FAILED');
    expect(filesExpired(failed, new Date('2026-01-08T00:00:01Z'), 7)).toBe(true);
    expect(filesExpired({ ...request, status: 'PROCESSING' } as ReportRequest, new Date('2027-01-01T00:00:00Z'), 7)).toBe(false);
  });

  it('shows a request whose workflow never started as FAILED once the grace period is over', () => {
    const request = {
      status: 'SUBMITTED',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    } as ReportRequest;
    expect(visibleStatus(request, new Date('2026-01-01T00:04:00Z'), 7)).toBe('SUBMITTED');
    expect(visibleStatus(request, new Date('2026-01-01T00:06:00Z'), 7)).toBe('FAILED');
    expect(visibleStatus({ ...request, executionArn: 'arn' }, new Date('2026-01-01T00:06:00Z'), 7)).toBe('SUBMITTED');
  });

  it('names downloads like Sunbird: {batchId}_{type}_{yyyymmdd}.zip', () => {
    expect(downloadFileName('0131', 'course-progress', new Date('2026-03-04T12:00:00Z'))).toBe(
      '0131_course-progress_20260304.zip',
    );
  });
});

describe('failure messages a requester sees', () => {
  it('keeps the words of our own errors', () => {
    const cause = JSON.stringify({ errorType: 'ExhaustFailedError', errorMessage: 'Batch b1 no longer exists', trace: ['at x'] });
    expect(requesterMessage({ Error: 'ExhaustFailedError', Cause: cause })).toBe('Batch b1 no longer exists');
  });

  it('hides the message of any other error, which could echo data or internals', () => {
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: "Cannot read 'x' of learner jane@example.org" });
    const message = requesterMessage({ Error: 'TypeError', Cause: cause });
    expect(message).toBe('Report generation failed (TypeError)');
    expect(message).not.toContain('jane');
  });

  it('says when the workflow timed out', () => {
    expect(requesterMessage({ Error: 'States.Timeout' })).toBe('Report generation timed out');
  });
});
