import { describe, expect, it } from 'vitest';
import type { CourseAttempt } from '#shared/domain/learner-stats';
import {
  customFieldColumns,
  type ExportActivity,
  emptyActivity,
  NO_FILTERS,
  programCounts,
  totalTimeSpent,
} from '#shared/domain/org-exports';
import { generalStatsExport, userStatisticsExport } from '#shared/reports/org-exports';

const attempt = (id: string, fields: Partial<CourseAttempt>): CourseAttempt => ({
  kind: 'course-attempt',
  org: 'o',
  attemptId: id,
  userId: 'u',
  courseId: 'c1',
  startedAt: '2026-01-01T00:00:00.000Z',
  lastActivityAt: '2026-01-02T00:00:00.000Z',
  timeSpentSeconds: 100,
  progress: 50,
  language: 'en',
  ...fields,
});

describe('domain: org exports', () => {
  it('counts only the most recently started attempt at a course within one program session', () => {
    const attempts = [
      attempt('a1', { programSessionId: 's1', startedAt: '2026-01-01T00:00:00.000Z', timeSpentSeconds: 100 }),
      attempt('a2', {
        programSessionId: 's1',
        startedAt: '2026-02-01T00:00:00.000Z',
        lastActivityAt: '2026-02-02T00:00:00.000Z',
        timeSpentSeconds: 30,
      }),
      // Same course, another session: counts on its own.
      attempt('a3', { programSessionId: 's2', timeSpentSeconds: 7 }),
      // Outside any program: every attempt counts.
      attempt('a4', { timeSpentSeconds: 1 }),
      attempt('a5', { timeSpentSeconds: 2 }),
    ];
    expect(totalTimeSpent(attempts, NO_FILTERS)).toBe(30 + 7 + 1 + 2);
    // A session filter keeps that session's attempts only.
    expect(totalTimeSpent(attempts, { ...NO_FILTERS, programSessionIds: ['s1'] })).toBe(30);
    // The range applies to the attempt that counts: the superseded one never comes back.
    expect(totalTimeSpent(attempts, { ...NO_FILTERS, to: '2026-01-15T00:00:00.000Z' })).toBe(7 + 1 + 2);
  });

  it('completes a program session only when every course has an attempt in it at 100 %', () => {
    const session = {
      sessionId: 's1',
      programId: 'p',
      name: 'S',
      createdAt: '2026-01-01T00:00:00.000Z',
      courseIds: ['c1', 'c2'],
    };
    const half = { attempts: [attempt('a1', { programSessionId: 's1', progress: 100 })] };
    expect(programCounts(half, [session], NO_FILTERS)).toEqual({ assigned: 1, completed: 0 });
    const done = { attempts: [...half.attempts, attempt('a2', { programSessionId: 's1', courseId: 'c2', progress: 100 })] };
    expect(programCounts(done, [session], NO_FILTERS)).toEqual({ assigned: 1, completed: 1 });
    expect(programCounts(done, [session], { ...NO_FILTERS, programSessionIds: ['other'] })).toEqual({
      assigned: 0,
      completed: 0,
    });
  });

  it('orders custom field columns by character code, whether all or the ones asked', () => {
    expect(customFieldColumns(['region', 'Cost centre', 'department'], NO_FILTERS)).toEqual([
      'Cost centre',
      'department',
      'region',
    ]);
    expect(customFieldColumns(['region', 'Cost centre'], { ...NO_FILTERS, customFields: ['region'] })).toEqual(['region']);
  });

  it('keeps headers unique when a custom field or group is named like a fixed column', () => {
    const context = {
      filters: NO_FILTERS,
      customFields: ['Email', 'Level'],
      groups: [
        { groupId: 'g1', name: 'Managers' },
        { groupId: 'g2', name: 'Level' },
      ],
      ownerEmail: null,
    };
    const headers = generalStatsExport.columns(context).map((c) => c.header);
    expect(headers).toContain('Email (custom field)');
    expect(headers).toContain('Managers (group g1)');
    expect(headers).toContain('Level (group g2)');
    expect(new Set(headers).size).toBe(headers.length);
    expect(userStatisticsExport.columns(context).map((c) => c.header)).toContain('Email (custom field)');
  });

  it('never writes the email of a user outside the scope in Managers', () => {
    const activity = {
      ...emptyActivity({ kind: 'user', org: 'o', userId: 'u', name: 'U' } as ExportActivity['profile']),
      managerIds: ['inside', 'outside'],
    };
    const columns = generalStatsExport.columns({ filters: NO_FILTERS, customFields: [], groups: [], ownerEmail: null });
    const managers = columns.find((c) => c.header === 'Managers');
    const emailOf = (id: string) => (id === 'inside' ? 'in@x.example' : undefined);
    expect(managers?.cell({ activity, emailOf, sessions: [], directReports: [], assignedPathIds: [] })).toBe('in@x.example');
  });
});

describe('domain: the e-mail of an org export', () => {
  it('names the export and the organisation, never an undefined course', async () => {
    const { reportEndedNotice } = await import('#shared/domain/report-notice');
    const notice = reportEndedNotice(
      { id: 'r1', type: 'general-stats', batchIds: ['export'] },
      { status: 'SUCCESS' },
      'a@x.example',
      'https://dashboard.example',
    );
    const text = JSON.stringify(notice);
    expect(text).toContain('general-stats export of your organisation');
    expect(text).not.toContain('undefined');
  });
});
