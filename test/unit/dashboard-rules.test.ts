import { describe, expect, it } from 'vitest';
import { blockReason, type Draft, passwordProblems, type RequestSummary, STATUS_LABELS } from '../../web/src/rules.ts';

const draft = (overrides: Partial<Draft> = {}): Draft => ({
  userId: 'creator-1',
  courseId: 'course-1',
  type: 'course-progress',
  batchIds: ['b1', 'b2'],
  password: '',
  allowedTypes: new Map([
    ['b1', ['course-progress', 'user-profile', 'question-set']],
    ['b2', ['course-progress', 'question-set']],
  ]),
  batchNames: new Map([
    ['b1', 'Batch one'],
    ['b2', 'Batch two'],
  ]),
  ...overrides,
});
const request = (overrides: Partial<RequestSummary> = {}): RequestSummary => ({
  id: 'r1',
  type: 'course-progress',
  courseId: 'course-1',
  batchIds: ['b2', 'b1'],
  status: 'PROCESSING',
  requestedBy: 'creator-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('dashboard: when the page lets a request be submitted', () => {
  it('refuses the caller an identical request of their own while it is Submitted or Pending', () => {
    expect(blockReason(draft(), [request()])).toBe('An identical request of yours is still pending; wait for it to finish.');
    expect(blockReason(draft(), [request({ status: 'SUBMITTED' })])).toContain('still submitted');
  });

  it("lets it through when the twin is finished, someone else's, or for other batches or another type", () => {
    expect(blockReason(draft(), [request({ status: 'SUCCESS' })])).toBeUndefined();
    expect(blockReason(draft(), [request({ status: 'FAILED' })])).toBeUndefined();
    expect(blockReason(draft(), [request({ requestedBy: 'mentor-1' })])).toBeUndefined();
    expect(blockReason(draft(), [request({ batchIds: ['b1'] })])).toBeUndefined();
    expect(blockReason(draft(), [request({ type: 'question-set' })])).toBeUndefined();
  });

  it('asks for 1 to 20 batches, each allowing the type, and a password where one is required', () => {
    expect(blockReason(draft({ batchIds: [] }), [])).toBe('Select at least one batch.');
    const many = Array.from({ length: 21 }, (_, i) => `x${i}`);
    expect(blockReason(draft({ batchIds: many }), [])).toBe('Select at most 20 batches (21 selected).');
    expect(blockReason(draft({ type: 'user-profile' }), [])).toBe('You may not request a User profile report for Batch two.');
    expect(blockReason(draft({ type: 'user-profile', batchIds: ['b1'] }), [])).toBe(
      'A password is required for User profile reports.',
    );
    expect(blockReason(draft({ type: 'user-profile', batchIds: ['b1'], password: 'abc' }), [])).toBe(
      'The password needs at least 6 characters, at least one digit.',
    );
    expect(blockReason(draft({ type: 'user-profile', batchIds: ['b1'], password: 'Secret123' }), [])).toBeUndefined();
  });

  it('states password rules like the API and labels statuses like DIKSHA', () => {
    expect(passwordProblems('Secret123')).toEqual([]);
    expect(passwordProblems('123456')).toEqual(['at least one letter']);
    expect(STATUS_LABELS).toEqual({
      SUBMITTED: 'Submitted',
      PROCESSING: 'Pending',
      SUCCESS: 'Success',
      FAILED: 'Failure',
      EXPIRED: 'Expired',
    });
  });
});
